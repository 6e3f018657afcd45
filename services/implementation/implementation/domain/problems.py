"""问题清单: a problem's states and the moves between them.

open (待整改) → in_progress (整改中) → resolved (已整改) → closed (已销号); a resolution that
does not hold on checking goes back to in_progress (reopen). Some places close (销号) only once
residents' satisfaction reaches a threshold (90% in one published rule): off by default.
"""

from datetime import date
from fractions import Fraction

OPEN, IN_PROGRESS, RESOLVED, CLOSED = "open", "in_progress", "resolved", "closed"
STATES = (OPEN, IN_PROGRESS, RESOLVED, CLOSED)
STATE_NAMES = {OPEN: "待整改", IN_PROGRESS: "整改中", RESOLVED: "已整改", CLOSED: "已销号"}
SOURCES = ("report", "meeting", "rectification", "public_feedback", "staff")
SOURCE_NAMES = {
    "report": "调度报告",
    "meeting": "调度会",
    "rectification": "人大交办",
    "public_feedback": "群众反馈",
    "staff": "工作人员登记",
}
ACTION_NAMES = {"start": "开始整改", "resolve": "整改完成", "close": "销号", "reopen": "重新整改"}
MOVES = {
    (OPEN, "start"): IN_PROGRESS,
    (IN_PROGRESS, "resolve"): RESOLVED,
    (RESOLVED, "close"): CLOSED,
    (RESOLVED, "reopen"): IN_PROGRESS,
}


class ProblemError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition(state: str, action: str) -> str:
    """The state `action` leads to from `state`, or ProblemError naming both."""
    try:
        return MOVES[(state, action)]
    except KeyError:
        name = ACTION_NAMES.get(action, action)
        raise ProblemError(
            f"问题当前为“{STATE_NAMES.get(state, state)}”，不能“{name}” "
            f"(a problem that is {state} cannot {action})"
        ) from None


def can_close(satisfaction: Fraction | None, threshold: Fraction | None) -> bool:
    """No threshold (the default): closing is the staff's call. Otherwise the measured
    satisfaction must reach it; unmeasured is not enough."""
    if threshold is None:
        return True
    return satisfaction is not None and satisfaction >= threshold


def is_overdue(state: str, due: date, today: date) -> bool:
    """Still to fix (open or in progress) after its due day."""
    return state in (OPEN, IN_PROGRESS) and today > due
