"""Implementation's refusals, built from the shared error kinds (only servicekit's kinds cross
RPC)."""

from servicekit.errors import NotFound, RuleViolation
from servicekit.errors import conflict as conflict
from servicekit.errors import invalid as invalid
from servicekit.errors import rule as rule


def project_not_found() -> NotFound:
    return NotFound("没有找到该项目 (project not found)")


def no_plan() -> RuleViolation:
    return RuleViolation(
        "该项目尚未制定任务分解方案，请先制定方案再报送进度 (no task plan yet: put the plan first)"
    )


def problem_not_found() -> NotFound:
    return NotFound("没有找到该问题 (problem not found)")


def reconciliation_not_found() -> NotFound:
    return NotFound("没有找到该对账报告 (reconciliation not found)")


def feed_record_not_found() -> NotFound:
    return NotFound("没有找到该推送记录 (feed record not found)")
