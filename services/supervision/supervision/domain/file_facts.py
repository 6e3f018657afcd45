"""What implementation's facts say in a project's file, and the order rules that keep a late
delivery from moving a project backwards (stdlib only).

Events arrive in any order and more than once (the consumer stops the same event id twice):
- a status only moves forward (created → planned → in_progress → completed);
- a plan version older than the one recorded, a progress report dated before (as_of, then
  reported_at) the recorded one, a money flow recorded before the last one applied: each still
  writes its line in the file, but leaves the current figures as they are.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

STATUS_RANK = {"created": 0, "planned": 1, "in_progress": 2, "carried_over": 2, "completed": 3}
STANDING_WORDS = {"ahead": "超前", "on_track": "正常", "lagging": "滞后"}
STEP_WORDS = {
    "friendly_reminder": "温馨提示",
    "deadline_order": "限期督促",
    "special_report": "专报通报",
}
RESULT_WORDS = {"passed": "通过", "passed_with_rectification": "整改后通过"}
FLOW_WORDS = {"disbursement": "拨付", "payment": "支付"}


def advanced(current: str, to: str) -> str:
    """The later of two statuses (a late event never moves a project back)."""
    return to if STATUS_RANK.get(to, 0) > STATUS_RANK.get(current, 0) else current


def progress_mark(as_of: date, reported_at: datetime) -> str:
    """A report's place in time, as a string that sorts in that order."""
    return f"{as_of.isoformat()}|{reported_at.isoformat()}"


def funds_mark(recorded_at: datetime, flow_id: str) -> str:
    return f"{recorded_at.isoformat()}|{flow_id}"


def is_newer(mark: str, recorded: str | None) -> bool:
    """Whether a fact marked `mark` replaces the figures of the one recorded (ties: the later
    delivery, a corrected report for the same day)."""
    return recorded is None or mark >= recorded


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}元"


def percent(text: str) -> str:
    try:
        return f"{Decimal(text):.1f}%"
    except InvalidOperation:
        return f"{text}%"


def summary(kind: str, fact: dict[str, Any]) -> str:
    """The file's one line for a fact, in Chinese."""
    return str(SUMMARIES[kind](fact))


def _plan(f: dict[str, Any]) -> str:
    return (
        f"任务分解方案第{f['version']}版：牵头领导{f['lead_leader']}，牵头部门"
        f"{f['lead_department']}，{f['milestones']}个里程碑，{f['deadline'].isoformat()}前完成"
        f"（{f['reason']}）"
    )


def _progress(f: dict[str, Any]) -> str:
    return (
        f"调度进度（{f['period']}，截至{f['as_of'].isoformat()}）：实际{percent(f['actual_percent'])}，"
        f"序时{percent(f['planned_percent'])}，"
        f"{STANDING_WORDS.get(f['standing'], f['standing'])}"
    )


def _flagged(f: dict[str, Any]) -> str:
    return (
        f"连续{f['consecutive_lagging']}次调度滞后，挂牌督办（实际{percent(f['actual_percent'])}，"
        f"序时{percent(f['planned_percent'])}）"
    )


def _overdue(f: dict[str, Any]) -> str:
    return (
        f"问题逾期{f['overdue_working_days']}个工作日未整改"
        f"（{STEP_WORDS.get(f['step'], f['step'])}），"
        f"原定{f['due_date'].isoformat()}前完成"
    )


def _funds(f: dict[str, Any]) -> str:
    return (
        f"资金{FLOW_WORDS.get(f['kind'], f['kind'])}{yuan(f['amount_fen'])}（{f['source']}，"
        f"凭证{f['voucher_no']}）；累计拨付{yuan(f['disbursed_fen'])}，支付{yuan(f['paid_fen'])}，"
        f"预算{yuan(f['budget_fen'])}"
    )


def _completed(f: dict[str, Any]) -> str:
    counted = "计入当年完成" if f["same_year"] else "不计入当年完成"
    return (
        f"验收{RESULT_WORDS.get(f['result'], f['result'])}，{f['completed_on'].isoformat()}完成"
        f"（{counted}）"
    )


SUMMARIES = {
    "plan_adopted": _plan,
    "progress_reported": _progress,
    "project_flagged": _flagged,
    "problem_overdue": _overdue,
    "funds_disbursed": _funds,
    "project_completed": _completed,
}
