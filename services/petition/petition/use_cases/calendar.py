"""Working days for petition's time limits: the shared calendar (servicekit.workcalendar, the
same as implementation's) with petition's own override table. A time limit in a year neither
knows is not guessed: it stays pending, is counted (petition_calendar_refusals_total) and is
computed by the hourly run once an admin enters the year."""

from datetime import datetime
from typing import Any

from contracts import calendar as contract
from servicekit import workcalendar
from servicekit.auth import Guard
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear, WorkCalendar
from sqlalchemy.orm import Session

from .. import roles
from ..db import CALENDAR
from ..metrics import CALENDAR_REFUSALS


def work_calendar(session: Session) -> WorkCalendar:
    return workcalendar.work_calendar(session, CALENDAR)


def refused(level: str, exc: UnknownYear) -> None:
    CALENDAR_REFUSALS.inc(level, year=str(exc.year))


def put_year(
    session: Session, guard: Guard, year: int, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A whole year's schedule as the State Council published it; from then on it is known."""
    principal = guard.require(roles.CALENDAR)
    workcalendar.put_year(session, CALENDAR, year, data, principal.user_id or "", now)
    return get_year(session, guard, year)


def get_year(session: Session, guard: Guard, year: int) -> dict[str, Any]:
    guard.require(roles.MATTER_READ | roles.CALENDAR)
    return dump(contract.CalendarYearOut, workcalendar.year_view(session, CALENDAR, year))
