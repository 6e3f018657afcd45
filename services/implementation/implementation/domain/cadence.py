"""Scheduling cadences (周调度 · 月调度 · 季调度): the reporting periods of a project and when
each period's report is due.

The lead department reports weekly, the lead leader monthly and the leading group quarterly.
Weeks are ISO weeks (Monday to Sunday, "2026-W14"), so a week across New Year belongs to one
year only, and a year may have a week 53 (2026 does: 28 Dec 2026 to 3 Jan 2027).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from implementation.domain.plan import PlanError
from implementation.domain.workdays import WorkCalendar

WEEKLY, MONTHLY, QUARTERLY = "weekly", "monthly", "quarterly"
CADENCES = (WEEKLY, MONTHLY, QUARTERLY)
CADENCE_NAMES = {WEEKLY: "周调度", MONTHLY: "月调度", QUARTERLY: "季调度"}
DEFAULT_OWNERS = {WEEKLY: "lead_department", MONTHLY: "lead_leader", QUARTERLY: "leading_group"}
DEFAULT_DUE_WORKING_DAYS = {WEEKLY: 1, MONTHLY: 3, QUARTERLY: 5}

_KEY_PATTERNS = {
    WEEKLY: re.compile(r"([0-9]{4})-W([0-9]{2})"),
    MONTHLY: re.compile(r"([0-9]{4})-([0-9]{2})"),
    QUARTERLY: re.compile(r"([0-9]{4})-Q([1-4])"),
}


@dataclass(frozen=True)
class Period:
    cadence: str
    key: str  # "2026-W14", "2026-04", "2026-Q2"
    start: date
    end: date  # inclusive


def _check_cadence(cadence: str) -> None:
    if cadence not in CADENCES:
        raise PlanError(
            f"未知的调度周期 {cadence!r} (cadence must be one of {', '.join(CADENCES)})",
            {"cadence": str(cadence)},
        )


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_of(cadence: str, d: date) -> Period:
    """The period of `cadence` that contains day `d`."""
    _check_cadence(cadence)
    if cadence == WEEKLY:
        iso = d.isocalendar()
        monday = d - timedelta(days=iso.weekday - 1)
        return Period(WEEKLY, f"{iso.year}-W{iso.week:02d}", monday, monday + timedelta(days=6))
    if cadence == MONTHLY:
        return Period(
            MONTHLY, f"{d.year}-{d.month:02d}", d.replace(day=1), _month_end(d.year, d.month)
        )
    quarter = (d.month - 1) // 3 + 1
    first = date(d.year, 3 * quarter - 2, 1)
    return Period(QUARTERLY, f"{d.year}-Q{quarter}", first, _month_end(d.year, 3 * quarter))


def periods(cadence: str, start: date, deadline: date) -> list[Period]:
    """Every period overlapping [start, deadline], in order; none when start > deadline."""
    _check_cadence(cadence)
    found: list[Period] = []
    day = start
    while day <= deadline:
        found.append(period_of(cadence, day))
        day = found[-1].end + timedelta(days=1)
    return found


def parse_period(cadence: str, key: str) -> Period:
    """The period a key names ("2026-W53", "2026-04", "2026-Q2"), as routes receive it."""
    _check_cadence(cadence)
    match = _KEY_PATTERNS[cadence].fullmatch(key) if isinstance(key, str) else None
    try:
        if match is None:
            raise ValueError(key)
        year, number = int(match[1]), int(match[2])
        if cadence == WEEKLY:
            first = date.fromisocalendar(year, number, 1)  # refuses W53 in a 52-week year
        else:
            month = number if cadence == MONTHLY else 3 * number - 2
            first = date(year, month, 1)
    except ValueError:
        raise PlanError(
            f"无法识别的{CADENCE_NAMES[cadence]}周期 {key!r} (not a {cadence} period key: {key!r})",
            {"cadence": cadence, "key": str(key)},
        ) from None
    return period_of(cadence, first)


def due_date(period: Period, working_days_after_end: int, calendar: WorkCalendar) -> date:
    """The day a period's report is due: the n-th working day after the period ends."""
    return calendar.add_working_days(period.end, working_days_after_end)
