"""The override table (节假日调整表) a service keeps in its own database: the days whose working
status differs from the bundled calendar, and the years entered whole by hand (each year's
schedule is published by the State Council in late autumn; `chinese-calendar` lags it).

Each service declares the two tables in its metadata (`calendar_tables(METADATA)`, as it does
the messaging tables) and migrates them; these helpers read and write them. Who may enter a
year, and what the service counts when a year is unknown, stay the service's own.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, delete, select
from sqlalchemy.orm import Session

from ..db import UtcDateTime, commit_or_conflict
from ..errors import ValidationFailed
from .bundled import bundled
from .days import WorkCalendar, YearSchedule, merge


@dataclass(frozen=True)
class CalendarTables:
    days: Table  # calendar_days: one row per day that differs, with the notice it came from
    years: Table  # calendar_years: a year entered whole, with that notice


def calendar_tables(metadata: MetaData) -> CalendarTables:
    """Create `calendar_days` and `calendar_years` in a service's metadata."""
    days = Table(
        "calendar_days",
        metadata,
        Column("day", Date, primary_key=True),
        Column("is_workday", Boolean, nullable=False),
        Column("note", String(100), nullable=False),
        Column("entered_by", String(64), nullable=False),
        Column("entered_at", UtcDateTime(), nullable=False),
    )
    years = Table(
        "calendar_years",
        metadata,
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("document_ref", String(200), nullable=False),
        Column("entered_by", String(64), nullable=False),
        Column("entered_at", UtcDateTime(), nullable=False),
    )
    return CalendarTables(days, years)


def schedules(session: Session, tables: CalendarTables) -> dict[int, YearSchedule]:
    """The bundled schedules with the table's days applied; the known years are the bundled
    ones and those entered whole."""
    overrides = tuple((row.day, row.is_workday) for row in session.execute(select(tables.days)))
    complete = frozenset(session.scalars(select(tables.years.c.year)))
    return dict(_merged(overrides, complete))  # a copy: the cached one stays as built


@lru_cache(maxsize=8)
def _merged(
    overrides: tuple[tuple[date, bool], ...], complete: frozenset[int]
) -> dict[int, YearSchedule]:
    """merge() is pure: the same table gives the same schedules, built once, not per request
    (callers read them only)."""
    return merge(bundled(), overrides, complete)


def work_calendar(session: Session, tables: CalendarTables) -> WorkCalendar:
    return WorkCalendar(schedules(session, tables))


def put_year(
    session: Session,
    tables: CalendarTables,
    year: int,
    data: dict[str, Any],
    entered_by: str,
    now: datetime,
) -> None:
    """A whole year's schedule as published — `data`: holidays, workdays, document_ref — and
    commit. Days of that year entered before are replaced, so the table is what the notice
    says; from then on the year is known."""
    days = [(d, False) for d in data["holidays"]] + [(d, True) for d in data["workdays"]]
    wrong = [d.isoformat() for d, _ in days if d.year != year]
    if wrong:
        message = f"日期不在 {year} 年内 (dates outside {year}): {', '.join(wrong)}"
        raise ValidationFailed(message, {"holidays": [message]})
    if set(data["holidays"]) & set(data["workdays"]):
        message = "同一天不能既是假日又是工作日 (a day is off or on, not both)"
        raise ValidationFailed(message, {"workdays": [message]})
    session.execute(
        delete(tables.days).where(
            tables.days.c.day >= date(year, 1, 1), tables.days.c.day <= date(year, 12, 31)
        )
    )
    entered = {"entered_by": entered_by, "entered_at": now}
    if days:
        session.execute(
            tables.days.insert(),
            [{"day": d, "is_workday": w, "note": data["document_ref"], **entered} for d, w in days],
        )
    session.execute(delete(tables.years).where(tables.years.c.year == year))
    session.execute(
        tables.years.insert().values(year=year, document_ref=data["document_ref"], **entered)
    )
    commit_or_conflict(session, "节假日安排正被他人同时录入，请重试 (entered meanwhile: retry)")


def year_view(session: Session, tables: CalendarTables, year: int) -> dict[str, Any]:
    """A year as the service knows it: known or not, from the package or the table, its days
    off and make-up working days, the notice it was entered from."""
    schedule = schedules(session, tables).get(year)
    entered = session.execute(select(tables.years).where(tables.years.c.year == year)).first()
    source = "override" if entered else ("chinese-calendar" if year in bundled() else None)
    return {
        "year": year,
        "known": schedule is not None,
        "source": source,
        "holidays": sorted(schedule.holidays) if schedule else [],
        "workdays": sorted(schedule.workdays) if schedule else [],
        "document_ref": entered.document_ref if entered else None,
    }
