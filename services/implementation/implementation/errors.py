"""Implementation's refusals, built from the shared error kinds (only servicekit's kinds cross
RPC)."""

from typing import Any

from servicekit.errors import Conflict, NotFound, RuleViolation, ValidationFailed


def project_not_found() -> NotFound:
    return NotFound("没有找到该项目 (project not found)")


def no_plan() -> RuleViolation:
    return RuleViolation(
        "该项目尚未制定任务分解方案，请先制定方案再报送进度 (no task plan yet: put the plan first)"
    )


def rule(message: str, details: dict[str, Any] | None = None) -> RuleViolation:
    return RuleViolation(message, details or {})


def invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def conflict(message: str, details: dict[str, Any] | None = None) -> Conflict:
    return Conflict(message, details or {})


def problem_not_found() -> NotFound:
    return NotFound("没有找到该问题 (problem not found)")


def reconciliation_not_found() -> NotFound:
    return NotFound("没有找到该对账报告 (reconciliation not found)")


def feed_record_not_found() -> NotFound:
    return NotFound("没有找到该推送记录 (feed record not found)")
