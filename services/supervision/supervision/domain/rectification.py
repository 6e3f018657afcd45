"""交办问题 and 回头看: a rectification request's states, rounds and escalation (pure rules).

requested (已交办) → reported (已报告整改, the government's rectification_reported_v1) → the
group looks back on the set date: rectified → closed (销号); partly or not rectified → a new
round, requested again with a new due date; after the last allowed round (an area setting,
default 3) → escalated to the chairpersons' meeting (提交主任会议), with no new request.

A look-back needs the set date or the government's report: once the government reports the
work done the group may go and check at once; without a report it waits for the set date,
which is never before the due date, so by then the government has had its time (a
government that never reports must not keep a request from being checked and escalated).
A round looked back without a report is recorded as such (its report stays empty); a report
arriving later for that round is kept on the round and changes no state.
"""

from dataclasses import dataclass
from datetime import date

REQUESTED, REPORTED, CLOSED, ESCALATED = "requested", "reported", "closed", "escalated"
STATES = (REQUESTED, REPORTED, CLOSED, ESCALATED)
OUTCOMES = ("rectified", "partly", "not_rectified")  # 已整改 / 部分整改 / 未整改
OUTCOME_NAMES = {"rectified": "已整改", "partly": "部分整改", "not_rectified": "未整改"}
NEXT_NAMES = {"closed": "销号", "reopened": "重新交办", "escalated": "提交主任会议"}
DEFAULT_MAX_ROUNDS = 3
# What a finding becomes with its request: handed over, closed, or at the chairpersons' meeting.
FINDING_STATE = {
    REQUESTED: "requested",
    REPORTED: "requested",
    CLOSED: "closed",
    ESCALATED: "escalated",
}


class RectificationError(ValueError):
    """A refusal: `kind` is "conflict" (409, the request's state), "rule" (422, a date not yet
    reached) or "invalid" (400, a field), with the field it names."""

    def __init__(self, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.field = kind, message, field


@dataclass(frozen=True)
class Decision:
    """What a look-back leads to: `next` closed / reopened / escalated, the request's new
    state and round, and the new round's dates when reopened."""

    next: str
    state: str
    round: int
    due_date: date | None = None
    lookback_on: date | None = None


def request_dates(due_date: date, lookback_on: date | None, today: date) -> tuple[date, date]:
    """A round's due date (not in the past) and look-back date (not before the due date)."""
    if due_date < today:
        raise RectificationError(
            "invalid", "整改期限不能早于今天 (the due date is in the past)", "due_date"
        )
    lookback = lookback_on or due_date
    if lookback < due_date:
        raise RectificationError(
            "invalid",
            "回头看日期不能早于整改期限 (the look-back date is before the due date)",
            "lookback_on",
        )
    return due_date, lookback


def reported(state: str) -> str:
    """The state after the government's report: a request waiting for it becomes reported; a
    report for a round already looked back (or a request closed) changes nothing."""
    return REPORTED if state == REQUESTED else state


def look_back(
    state: str,
    round_: int,
    max_rounds: int,
    lookback_on: date,
    today: date,
    outcome: str,
    new_due_date: date | None = None,
    new_lookback_on: date | None = None,
) -> Decision:
    """The look-back of round `round_`: refused on a finished request, and before the set date
    unless the government has reported; rectified closes; otherwise a new round, or escalation
    after round `max_rounds`."""
    if state not in (REQUESTED, REPORTED) or round_ > max_rounds:
        raise RectificationError(
            "conflict", "该交办问题已办结，不能再回头看 (the request is already finished)"
        )
    if today < lookback_on and state != REPORTED:
        raise RectificationError(
            "rule",
            f"政府尚未报告整改完成，且未到回头看日期 {lookback_on.isoformat()} "
            "(not reported yet, and the look-back is set for a later date)",
        )
    if outcome not in OUTCOMES:
        raise RectificationError("invalid", "未知的回头看结论 (unknown outcome)", "outcome")
    if outcome == "rectified":
        return Decision("closed", CLOSED, round_)
    if new_due_date is None:
        raise RectificationError(
            "invalid", "未整改到位须给出新的整改期限 (a new due date is required)", "new_due_date"
        )
    if new_due_date <= today:
        raise RectificationError(
            "invalid",
            "新的整改期限应晚于今天 (the new due date must be after today)",
            "new_due_date",
        )
    if round_ >= max_rounds:
        return Decision("escalated", ESCALATED, round_)
    due, lookback = request_dates(new_due_date, new_lookback_on, today)
    return Decision("reopened", REQUESTED, round_ + 1, due, lookback)


def round_request_id(rectification_id: str, round_: int) -> str:
    """Each round's own request id: implementation makes one problem per request id."""
    return f"{rectification_id}.{round_}"
