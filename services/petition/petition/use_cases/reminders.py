"""Reminders on time limits: 催办 before one runs out, 通报 after, 通报上级 once well past — each
step once per time limit (a unique row), in order, a missed run catching up; each an event
(`matter_urged_v1`, `matter_circulated_v1`) and a metric. Hourly for every area (the timer),
or now for one area (staff). Due days left pending by an unknown year are computed first, once
the year is known; until then the matter is skipped, listed and counted, never guessed."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from contracts import time_limits as contract
from contracts.events import MATTER_CIRCULATED, MATTER_URGED
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear, WorkCalendar
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter, MatterReminder
from ..domain import matters as states
from ..domain import timelimits as t
from ..metrics import MATTERS_CIRCULATED, MATTERS_URGED, OPEN_MATTERS, OVERDUE_MATTERS
from . import calendar, sweep, timelimits
from .common import area, today
from .views import overdue_clause


def run_matter_reminders(
    session: Session, outbox: OutboxWriter, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    place = area(data["area_code"])
    guard.require(roles.KEEP, place.code)
    on = data.get("on") or today()
    if on > today():
        raise errors.invalid("不能按未来日期催办 (reminders cannot run ahead of today)", "on")
    sent, unknown = remind(session, outbox, place.path, guard.level, on, now)
    return dump(
        contract.MatterRemindersResult,
        {"area_code": place.code, "on": on, "sent": sent, "skipped_unknown_years": sorted(unknown)},
    )


def hourly(session: Session, outbox: OutboxWriter, level: str, now: datetime) -> None:
    """The timer's run: every area, the matters of this worker's level (all, for "all")."""
    of_level = None if level == "all" else level
    remind(session, outbox, "/", level, today(), now, of_level)
    gauges(session, level, of_level, today())


def remind(
    session: Session,
    outbox: OutboxWriter,
    area_path: str,
    level: str,
    on: date,
    now: datetime,
    of_level: str | None = None,
) -> tuple[list[dict[str, Any]], set[int]]:
    work = calendar.work_calendar(session)
    sent: list[dict[str, Any]] = []
    unknown: set[int] = set()
    rules: dict[str, t.RuleSet] = {}
    ids = sweep.due_matter_ids(session, area_path, of_level, on, work, rules)
    reminders: list[dict[str, Any]] = []
    for chunk in sweep.chunks(ids):
        already = _sent(session, chunk)
        for matter in session.scalars(select(Matter).where(Matter.id.in_(chunk))):
            if matter.due_pending_year is not None:
                timelimits.refresh_due(session, matter, level)
            if matter.due_pending_year is not None:
                unknown.add(matter.due_pending_year)
                continue
            if matter.handling_area_code not in rules:
                rules[matter.handling_area_code] = timelimits.rules_for(
                    session, matter.handling_area_code
                )
            steps = rules[matter.handling_area_code].steps
            found = _steps(work, matter, steps, already, on, now, unknown)
            reminders += [_reminder_row(item, now) for item in found]
            sent += found
    events = [
        (MATTER_URGED if item["step"] == t.URGE else MATTER_CIRCULATED,
         {key: item[key] for key in EVENT_FIELDS}, item["area_code"], item["level"])
        for item in sent
    ]  # fmt: skip
    try:
        # One statement each for the run's events and rows, not a flush per row.
        outbox.add_many(session, events)
        if reminders:
            session.execute(insert(MatterReminder), reminders)
        session.commit()
    except IntegrityError:  # another run sent the same steps meanwhile: they are sent
        session.rollback()
        return [], unknown
    for item in sent:
        if item["step"] == t.URGE:
            MATTERS_URGED.inc(level, stage=item["stage"])
        else:
            MATTERS_CIRCULATED.inc(level, stage=item["stage"], step=item["step"])
    return sent, unknown


EVENT_FIELDS = ("matter_id", "area_code", "level", "stage", "due_date", "step", "distance", "unit",
                "raised_at")  # fmt: skip


def _reminder_row(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "matter_id": item["matter_id"],
        "stage": item["stage"],
        "due_date": date.fromisoformat(item["due_date"]),
        "step": item["step"],
        "distance": item["distance"],
        "sent_at": now,
    }


def _sent(session: Session, ids: Sequence[str]) -> dict[tuple[str, str, date], set[str]]:
    """The steps already recorded for these matters' time limits."""
    found: dict[tuple[str, str, date], set[str]] = defaultdict(set)
    rows = session.execute(
        select(MatterReminder.matter_id, MatterReminder.stage, MatterReminder.due_date,
               MatterReminder.step).where(MatterReminder.matter_id.in_(ids))
    )  # fmt: skip
    for matter_id, stage, due, step in rows:
        found[(matter_id, stage, due)].add(step)
    return found


def _steps(
    work: WorkCalendar,
    matter: Matter,
    steps: tuple[tuple[str, int], ...],
    already: dict[tuple[str, str, date], set[str]],
    on: date,
    now: datetime,
    unknown: set[int],
) -> list[dict[str, Any]]:
    due = timelimits.running_due(matter)
    if due is None:
        return []
    stage = matter.accept_stage if matter.state == states.RECEIVED else t.HANDLE
    unit = matter.due_unit or t.CALENDAR_DAY
    try:
        reached = t.steps_reached(due, on, unit, work, steps)
        distance = t.distance(due, on, unit, work)
    except UnknownYear as exc:
        unknown.add(exc.year)
        calendar.refused(matter.level, exc)
        return []
    found = []
    for step in t.steps_to_send(already[(matter.id, stage, due)], reached):
        payload = {
            "matter_id": matter.id,
            "area_code": matter.area_code,
            "level": matter.level,
            "stage": stage,
            "due_date": due,
            "step": step,
            "distance": distance,
            "unit": unit,
            "raised_at": now,
        }
        found.append({**payload, "step_name": t.STEP_NAMES[step], "due_date": due.isoformat(),
                      "raised_at": now.isoformat()})  # fmt: skip
    return found


def gauges(session: Session, level: str, of_level: str | None, on: date) -> None:
    """Open matters by tier and the overdue ones, for dashboards (ARCHITECTURE §9)."""
    where = [Matter.state.in_(states.OPEN_STATES)]
    if of_level is not None:
        where.append(Matter.level == of_level)
    counts = dict.fromkeys((*states.TIERS, "none"), 0)
    for tier, count in session.execute(
        select(Matter.tier, func.count()).where(*where).group_by(Matter.tier)
    ):
        counts[tier or "none"] = int(count)
    for tier, count in counts.items():
        OPEN_MATTERS.set(level, count, tier=tier)
    overdue = session.scalar(
        select(func.count()).select_from(Matter).where(*where, overdue_clause(on))
    )
    OVERDUE_MATTERS.set(level, int(overdue or 0))
    session.rollback()  # end the read
