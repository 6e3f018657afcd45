"""Escalation of a missing report or an overdue problem: 温馨提示 → 限期督促 → 专报通报.

Each step applies once the matter is more than its threshold of working days past due (0: from
the first working day after the due date). Steps are sent in order and none is skipped, so a
reminder job that did not run for a week catches up instead of jumping straight to a circular.
"""

from collections.abc import Collection, Sequence
from datetime import date
from itertools import pairwise

from implementation.domain.plan import PlanError
from implementation.domain.workdays import WorkCalendar

FRIENDLY, DEADLINE_ORDER, SPECIAL_REPORT = "friendly_reminder", "deadline_order", "special_report"
STEP_NAMES = {FRIENDLY: "温馨提示", DEADLINE_ORDER: "限期督促", SPECIAL_REPORT: "专报通报"}
DEFAULT_STEPS: tuple[tuple[str, int], ...] = (
    (FRIENDLY, 0),
    (DEADLINE_ORDER, 3),
    (SPECIAL_REPORT, 5),
)


def check_steps(steps: Sequence[tuple[str, int]]) -> None:
    """Steps must be distinct, with thresholds ≥ 0 and strictly rising: escalation only climbs."""
    names = [name for name, _ in steps]
    thresholds = [threshold for _, threshold in steps]
    rising = all(a < b for a, b in pairwise(thresholds))
    valid_numbers = all(
        isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in thresholds
    )
    if not steps or len(set(names)) != len(names) or not valid_numbers or not rising:
        raise PlanError(
            "督促步骤须不重复，阈值为非负整数且逐级递增 "
            "(steps must be distinct, with int thresholds ≥ 0, strictly increasing)",
            {"steps": [[str(name), str(threshold)] for name, threshold in steps]},
        )


def step_due(
    due: date,
    today: date,
    calendar: WorkCalendar,
    steps: Sequence[tuple[str, int]] = DEFAULT_STEPS,
) -> str | None:
    """The highest step reached on `today`: the last whose threshold the working days past due
    (in (due, today]) exceed; None while not a single working day has passed."""
    check_steps(steps)
    if today <= due:
        return None
    overdue = calendar.working_days_between(due, today)
    reached = None
    for name, threshold in steps:
        if overdue > threshold:
            reached = name
    return reached


def steps_to_send(
    already_sent: Collection[str],
    reached: str | None,
    steps: Sequence[tuple[str, int]] = DEFAULT_STEPS,
) -> list[str]:
    """The steps up to and including `reached` not sent yet, in order."""
    check_steps(steps)
    if reached is None:
        return []
    names = [name for name, _ in steps]
    if reached not in names:
        raise PlanError(
            f"未知的督促步骤 {reached!r} (unknown step {reached!r})", {"step": str(reached)}
        )
    return [name for name in names[: names.index(reached) + 1] if name not in already_sent]
