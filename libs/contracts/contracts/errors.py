"""Error codes and the HTTP status each maps to; the gateway's one table (ARCHITECTURE §7)."""

from typing import Any

VALIDATION_FAILED = "validation_failed"
BAD_JSON = "bad_json"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
UNAUTHENTICATED = "unauthenticated"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
CONFLICT = "conflict"
PAYLOAD_TOO_LARGE = "payload_too_large"
URI_TOO_LONG = "uri_too_long"  # a request line past the server's limit (8 KiB)
REQUEST_TIMEOUT = "request_timeout"
RULE_VIOLATION = "rule_violation"
RATE_LIMITED = "rate_limited"
INTERNAL = "internal_error"
LEVEL_UNAVAILABLE = "level_unavailable"
DATABASE_UNAVAILABLE = "database_unavailable"
TOO_BUSY = "too_busy"  # the gateway has as much of this work in hand as it takes (logins)

HTTP_STATUS = {
    VALIDATION_FAILED: 400,
    BAD_JSON: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    METHOD_NOT_ALLOWED: 405,
    REQUEST_TIMEOUT: 408,
    CONFLICT: 409,
    PAYLOAD_TOO_LARGE: 413,
    URI_TOO_LONG: 414,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RULE_VIOLATION: 422,
    RATE_LIMITED: 429,
    INTERNAL: 500,
    LEVEL_UNAVAILABLE: 503,
    DATABASE_UNAVAILABLE: 503,
    TOO_BUSY: 503,
}


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every refusal's body: {"error": {"code", "message", "details"}}."""
    return {"error": {"code": code, "message": message, "details": details or {}}}
