"""Working days on the Chinese calendar (调休 included): the bundled `chinese-calendar` data
merged with the override table, which staff extend each year when the State Council publishes
the next year's schedule. A deadline in a year neither knows is refused with a clear message
and counted (implementation_calendar_refusals_total), never guessed from weekends."""

from datetime import date, datetime
from functools import cache
from typing import Any

from contracts import implementation as contract
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import errors, holidays, roles
from ..db.models import CalendarDay, CalendarYear
from ..domain.workdays import UnknownYear, WorkCalendar, YearSchedule, merge
from ..metrics import CALENDAR_KNOWN_THROUGH, CALENDAR_REFUSALS

CALENDAR_ROLES = frozenset({"admin"})  # one national calendar: the platform's administrators


@cache
def bundled() -> dict[int, YearSchedule]:
    return holidays.from_chinese_calendar()


def schedules(session: Session) -> dict[int, YearSchedule]:
    overrides = [(d.day, d.is_workday) for d in session.scalars(select(CalendarDay))]
    complete = set(session.scalars(select(CalendarYear.year)))
    return merge(bundled(), overrides, complete)


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
    days = [(d, False) for d in data["holidays"]] + [(d, True) for d in data["workdays"]]
    wrong = [d.isoformat() for d, _ in days if d.year != year]
    if wrong:
        raise errors.invalid(
            f"日期不在 {year} 年内 (dates outside {year}): {', '.join(wrong)}", "holidays"
        )
    if set(data["holidays"]) & set(data["workdays"]):
        raise errors.invalid(
            "同一天不能既是假日又是工作日 (a day is off or on, not both)", "workdays"
        )
    session.execute(
        delete(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    )
    who = principal.user_id or ""
    for day, is_workday in days:
        session.add(
            CalendarDay(
                day=day,
                is_workday=is_workday,
                note=data["document_ref"],
                entered_by=who,
                entered_at=now,
            )
        )
    session.merge(
        CalendarYear(year=year, document_ref=data["document_ref"], entered_by=who, entered_at=now)
    )
    commit_or_conflict(session, "节假日安排正被他人同时录入，请重试 (entered meanwhile: retry)")
    return get_year(session, guard, year)


def get_year(session: Session, guard: Guard, year: int) -> dict[str, Any]:
    guard.require(roles.READ)
    schedule = schedules(session).get(year)
    entered = session.get(CalendarYear, year)
    return dump(
        contract.CalendarYearOut,
        {
            "year": year,
            "known": schedule is not None,
            "source": "override"
            if entered
            else ("chinese-calendar" if year in bundled() else None),
            "holidays": sorted(schedule.holidays) if schedule else [],
            "workdays": sorted(schedule.workdays) if schedule else [],
            "document_ref": entered.document_ref if entered else None,
        },
    )
