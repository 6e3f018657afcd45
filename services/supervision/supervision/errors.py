"""Supervision's refusals, built from the shared error kinds (only servicekit's kinds cross
RPC)."""

from typing import Any

from servicekit.errors import Conflict, NotFound, RuleViolation, ValidationFailed


def project_not_found() -> NotFound:
    return NotFound("没有找到该项目 (project not found)")


def not_found(what: str, english: str) -> NotFound:
    return NotFound(f"没有找到该{what} ({english} not found)")


def rule(message: str, details: dict[str, Any] | None = None) -> RuleViolation:
    return RuleViolation(message, details or {})


def invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def conflict(message: str, details: dict[str, Any] | None = None) -> Conflict:
    return Conflict(message, details or {})
