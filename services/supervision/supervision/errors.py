"""Supervision's refusals, built from the shared error kinds (only servicekit's kinds cross
RPC)."""

from servicekit.errors import NotFound
from servicekit.errors import conflict as conflict
from servicekit.errors import invalid as invalid
from servicekit.errors import rule as rule


def project_not_found() -> NotFound:
    return NotFound("没有找到该项目 (project not found)")


def not_found(what: str, english: str) -> NotFound:
    return NotFound(f"没有找到该{what} ({english} not found)")
