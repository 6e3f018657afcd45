"""File downloads: a service's export (base64 in the RPC reply) answered as the file itself,
with its Chinese name for current browsers and an ASCII one for old clients. Errors stay the
JSON envelope; only success is a file."""

import base64
import re
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]")


def content_disposition(file_name: str, ascii_name: str) -> str:
    """`filename` for old clients (ASCII only), `filename*` (RFC 5987/6266) with the Chinese
    name in UTF-8, which every current browser prefers."""
    fallback = _NOT_TOKEN.sub("_", ascii_name) or "report"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def file_response(exported: dict[str, Any]) -> Response:
    response = Response(
        base64.b64decode(exported["content_base64"]),
        status=200,
        content_type=exported["content_type"],
    )
    response.headers["Content-Disposition"] = content_disposition(
        exported["file_name"], exported["ascii_file_name"]
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # internal figures: no shared caches
    return response
