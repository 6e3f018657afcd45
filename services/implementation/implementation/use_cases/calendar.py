"""Working days on the Chinese calendar (调休 included): the shared calendar
(servicekit.workcalendar) with implementation's own override table, which admins extend each
year when the State Council publishes the next year's schedule. A deadline in a year neither
knows is refused with a clear message and counted (implementation_calendar_refusals_total),
never guessed from weekends."""

from datetime import datetime
from typing import Any

from contracts import implementation as contract
from servicekit import workcalendar
from servicekit.auth import Guard
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear, WorkCalendar, YearSchedule
from sqlalchemy.orm import Session

from .. import roles
from ..db import CALENDAR
from ..metrics import CALENDAR_KNOWN_THROUGH, CALENDAR_REFUSALS

CALENDAR_ROLES = frozenset({"admin"})  # one national calendar: the platform's administrators


def schedules(session: Session) -> dict[int, YearSchedule]:
    return workcalendar.schedules(session, CALENDAR)


def work_calendar(session: Session, level: str) -> WorkCalendar:
    known = schedules(session)
    CALENDAR_KNOWN_THROUGH.set(level, max(known))
    return WorkCalendar(known)


def refused(level: str, exc: UnknownYear) -> None:
    """What a job does with a deadline it cannot compute: counted (an alert fires) and skipped."""
    CALENDAR_REFUSALS.inc(level, year=str(exc.year))


def put_year(
    session: Session, guard: Guard, year: int, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A whole year's schedule as published: its days off and its make-up working days. Days
    of that year entered before are replaced, so the table is what the notice says."""
    principal = guard.require(CALENDAR_ROLES)
    workcalendar.put_year(session, CALENDAR, year, data, principal.user_id or "", now)
    return get_year(session, guard, year)


def get_year(session: Session, guard: Guard, year: int) -> dict[str, Any]:
    guard.require(roles.READ)
    return dump(contract.CalendarYearOut, workcalendar.year_view(session, CALENDAR, year))
