"""Which open matters the reminder run must look at, in SQL: those with a step reached today
and not recorded yet (and those whose due day is pending a year), never every open matter.

A step (催办 / 通报 / 通报上级) is reached when the matter stands at least `threshold` units past
its running due day. That distance only shrinks as the due day moves later, so "reached on
`on`" is "due day <= a cutoff day" — one cutoff per step, unit and rule set, found on the
calendar here, once per run. The SQL then asks for open matters whose due day is at or before a
step's cutoff and that have no reminder row for that step of that time limit (the unique index
of matter_reminders answers it). What it returns is exactly what the row-by-row rules
(reminders._steps) would act on; where a cutoff cannot be found (a year the calendar does not
know), that unit's matters all go to the row-by-row rules, which count and list the year.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from servicekit.workcalendar import UnknownYear, WorkCalendar
from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from ..db.matters import Matter, MatterReminder
from ..domain import matters as states
from ..domain import timelimits as t
from . import timelimits

SEARCH_DAYS = 400  # how far a cutoff is looked for; further, the unit is not filtered
CHUNK = 900  # ids per IN list (SQLite's variable limit is far above)


def step_cutoff(on: date, unit: str, threshold: int, work: WorkCalendar) -> date | None:
    """The last due day that stands `threshold` or more units before `on` (None: not found)."""
    if unit == t.CALENDAR_DAY:
        return on - timedelta(days=threshold)
    if t.distance(on, on, unit, work) >= threshold:  # walk later while still reached
        day = on
        for _ in range(SEARCH_DAYS):
            if t.distance(day + timedelta(days=1), on, unit, work) < threshold:
                return day
            day += timedelta(days=1)
        return None
    day = on  # walk earlier until reached
    for _ in range(SEARCH_DAYS):
        day -= timedelta(days=1)
        if t.distance(day, on, unit, work) >= threshold:
            return day
    return None


def _scope(area_path: str, of_level: str | None) -> list[Any]:
    where = [Matter.state.in_(states.OPEN_STATES), Matter.area_path.startswith(area_path)]
    if of_level is not None:
        where.append(Matter.level == of_level)
    return where


def _not_sent(stage: Any, due: Any, step: str) -> Any:
    return ~exists().where(
        MatterReminder.matter_id == Matter.id,
        MatterReminder.stage == stage,
        MatterReminder.due_date == due,
        MatterReminder.step == step,
    )


def _reached(steps: Sequence[tuple[str, int]], unit: str, on: date, work: WorkCalendar) -> Any:
    """Open matters of `unit` with a step reached and not sent (True: every one of the unit)."""
    cutoffs: list[tuple[str, date]] = []
    for step, threshold in steps:
        try:
            cutoff = step_cutoff(on, unit, threshold, work)
        except UnknownYear:
            cutoff = None
        if cutoff is None:
            return literal(True)
        cutoffs.append((step, cutoff))
    received = Matter.state == states.RECEIVED
    handled = Matter.state.in_((states.ACCEPTED, states.HANDLING))
    return or_(
        *(
            or_(
                and_(received, Matter.accept_due <= cutoff,
                     _not_sent(Matter.accept_stage, Matter.accept_due, step)),
                and_(handled, Matter.handle_due <= cutoff,
                     _not_sent(t.HANDLE, Matter.handle_due, step)),
            )
            for step, cutoff in cutoffs
        )
    )  # fmt: skip


def due_matter_ids(
    session: Session,
    area_path: str,
    of_level: str | None,
    on: date,
    work: WorkCalendar,
    rules: dict[str, t.RuleSet],
) -> list[str]:
    """The ids of the open matters the run must look at; `rules` is filled by handling area."""
    where = _scope(area_path, of_level)
    handling = session.scalars(select(Matter.handling_area_code).where(*where).distinct())
    by_steps: dict[tuple[tuple[str, int], ...], list[str]] = defaultdict(list)
    for code in handling:
        if code not in rules:
            rules[code] = timelimits.rules_for(session, code)
        by_steps[rules[code].steps].append(code)
    unit = func.coalesce(Matter.due_unit, t.CALENDAR_DAY)
    wanted = [Matter.due_pending_year.is_not(None)]
    for steps, codes in by_steps.items():
        for each in t.UNITS:
            wanted.append(
                and_(Matter.handling_area_code.in_(codes), unit == each,
                     _reached(steps, each, on, work))
            )  # fmt: skip
    return list(session.scalars(select(Matter.id).where(*where, or_(*wanted))))


def chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
