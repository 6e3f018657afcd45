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

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,200}")  # the whole header: fullmatch
# No field takes an integer near this long (the largest, a cost in fen, has 12 digits); past it
# a number is refused before Python converts it (which fails past 4,300 digits anyway).
MAX_INTEGER_DIGITS = 30


class BadJson(ServiceError):
    code = codes.BAD_JSON


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        limit = MAX_INTEGER_DIGITS
        raise BadJson(f"JSON 整数超过 {limit} 位 (integer longer than {limit} digits)")
    return int(digits)


def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object. Malformed, over-long integers and nesting the decoder cannot
    follow (RecursionError, ~1,000 levels) are 400; StrictSchema refuses what is deeper than
    any request needs."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    raw = request.get_data(cache=True)  # raises 413 past max_content_length
    try:
        body = json.loads(raw.decode("utf-8"), parse_int=_integer)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError included
        raise BadJson(f"请求体不是合法的 JSON (malformed JSON: {exc.__class__.__name__})") from exc
    if not isinstance(body, dict):
        raise ValidationFailed("请求体应为 JSON 对象 (body must be a JSON object)")
    return body


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationFailed("Idempotency-Key 格式不正确 (1-200 characters A-Z a-z 0-9 . _ : -)")
    return key


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, body, headers)
