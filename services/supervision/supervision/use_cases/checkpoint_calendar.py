"""Working days for the checkpoints' reminders: the shared calendar (servicekit.workcalendar,
as implementation and petition keep it) with supervision's own override table. The bundled
schedules end with 2026: a later due date is skipped and counted
(supervision_checkpoint_calendar_refusals_total) until an admin enters its year here."""

from datetime import datetime
from typing import Any

from contracts import calendar as contract
from servicekit import workcalendar
from servicekit.auth import Guard
from servicekit.errors import NotFound
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import roles
from ..db import CALENDAR

CALENDAR_ROLES = frozenset({"admin"})  # one national calendar: the platform's administrators
YEARS = range(2018, 2101)


def _year(year: Any) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or year not in YEARS:
        raise NotFound("年份超出范围 (year out of range)")
    return year


def put_year(
    session: Session, guard: Guard, year: int, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A whole year's schedule as the State Council published it; from then on it is known."""
    principal = guard.require(CALENDAR_ROLES)
    workcalendar.put_year(session, CALENDAR, _year(year), data, principal.user_id or "", now)
    return get_year(session, guard, year)


def get_year(session: Session, guard: Guard, year: int) -> dict[str, Any]:
    guard.require(roles.READ)
    return dump(contract.CalendarYearOut, workcalendar.year_view(session, CALENDAR, _year(year)))
