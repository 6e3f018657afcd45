"""Every refusal of an Open311 route in the spec's shape: `[{"code", "description"}]` in JSON,
`<errors><error><code/><description/></error></errors>` in XML, with the HTTP status (400,
403, 404; 413, 415, 429 and 503 where the gateway refuses). `code` is the HTTP status, as the
spec's examples use it; a refused field is one error each, named in its description."""

from typing import Any

from servicekit.db import unavailable
from servicekit.errors import ServiceError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from . import render

WERKZEUG = {
    400: "请求格式错误 (bad request)",
    408: "请求体未在限定时间内收完 (request body too slow)",
    413: "请求体过大 (request body too large)",
    415: "请使用 application/x-www-form-urlencoded (unsupported media type)",
}


def errors_of(exc: ServiceError) -> list[dict[str, Any]]:
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = {
        name: messages
        for name, messages in details.items()
        if exc.status == 400 and isinstance(messages, list | dict)
    }
    if not fields:
        return [{"code": exc.status, "description": exc.message}]
    return [
        {"code": exc.status, "description": f"{name}: {_words(messages)}"}
        for name, messages in sorted(fields.items())
    ]


def _words(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in messages.items())
    return "; ".join(str(m) for m in messages)


def refuse(request: Request, values: dict[str, Any], exc: Exception) -> Response:
    """The route's refusal in its own format; anything else than a refusal goes on up (500)."""
    fmt = values.get("format") if values.get("format") in render.FORMATS else render.JSON
    known = unavailable(exc) or exc
    if isinstance(known, ServiceError):
        headers = (
            {"Retry-After": str(known.details["retry_after"])}
            if isinstance(known.details, dict) and "retry_after" in known.details
            else None
        )
        return render.answer(fmt, "errors", errors_of(known), known.status, headers)
    if isinstance(exc, HTTPException) and exc.code in WERKZEUG:
        error = [{"code": exc.code, "description": WERKZEUG[exc.code]}]
        return render.answer(fmt, "errors", error, exc.code)
    raise exc
