"""Reading requests and writing responses: JSON bodies, the Idempotency-Key (query strings:
gateway.table.handle.query_of, typed by the route's schema; the client: gateway.clients)."""

import json
import re
from typing import Any

from contracts import errors as codes
from servicekit.errors import ServiceError, ValidationFailed
from servicekit.http import json_response
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.wrappers import Request, Response

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


class BadJson(ServiceError):
    code = codes.BAD_JSON


def json_body(request: Request) -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    raw = request.get_data(cache=True)  # raises 413 past max_content_length
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadJson(f"请求体不是合法的 JSON (malformed JSON: {exc.__class__.__name__})") from exc
    if not isinstance(body, dict):
        raise ValidationFailed("请求体应为 JSON 对象 (body must be a JSON object)")
    return body


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed("Idempotency-Key 格式不正确 (1-200 characters A-Z a-z 0-9 . _ : -)")
    return key


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, body, headers)
