"""Reminders (催办) of missing checkpoint reports: a group that has not reported on one of its
projects by the due date is reminded 温馨提示 → 限期督促 → 专报通报, each step after its number
of working days past due (servicekit.workcalendar, 调休 included).

Each step is recorded once (unique checkpoint + group + project + step), so the hourly timer
may run twice or after a missed day: it records what is due and skips none. A due date in a
year whose holiday schedule is unknown is not guessed: the checkpoint is skipped and counted.
The missing reports are a gauge by stage, set on each run.
"""

import logging
from datetime import date, datetime
from typing import Any

from contracts import supervision_checkpoints as contract
from servicekit import areas, workcalendar
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.errors import Conflict
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear, WorkCalendar
from sqlalchemy.orm import Session

from .. import roles
from ..db import CALENDAR
from ..db import checkpoints as db
from ..db.checkpoints_models import Checkpoint, CheckpointReminder
from ..domain import checkpoints as rules
from ..metrics import CHECKPOINT_CALENDAR_REFUSALS, CHECKPOINT_REMINDERS, CHECKPOINT_REPORTS_MISSING
from .checkpoints import today_of

log = logging.getLogger(__name__)


def run_reminders(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Run the reminders of an area now (congress staff), as the timer does for every area."""
    place = areas.require(data["area_code"])
    guard.require(roles.STAFF, place.code)
    sent, unknown = remind(session, place.path, guard.level, today_of(now), now)
    return dump(
        contract.CheckpointRemindersResult,
        {"area_code": place.code, "sent": sent, "skipped_unknown_years": sorted(unknown)},
    )


def hourly(session: Session, level: str, now: datetime) -> None:
    """The timer's run: every checkpoint this worker's database holds. Another worker of the
    level running at the same moment recorded the same steps: nothing is lost, none doubled."""
    try:
        remind(session, "/", level, today_of(now), now)
    except Conflict:
        log.info("checkpoint reminders: another worker ran them at the same time")


def remind(
    session: Session, area_path: str, level: str, on: date, now: datetime
) -> tuple[int, set[int]]:
    """Record and commit every reminder step due on `on` under `area_path`; returns how many
    were recorded and the years skipped for want of a schedule."""
    work = workcalendar.work_calendar(session, CALENDAR)
    unknown: set[int] = set()
    recorded: list[tuple[str, CheckpointReminder]] = []
    missing = dict.fromkeys(contract.STAGES, 0)
    for checkpoint in db.open_checkpoints(session, area_path):
        try:
            found, late = _checkpoint_steps(session, work, checkpoint, on, now)
        except UnknownYear as exc:
            unknown.add(exc.year)
            continue
        recorded += [(checkpoint.stage, row) for row in found]
        missing[checkpoint.stage] += late
    session.add_all(row for _, row in recorded)
    commit_or_conflict(session, "催办正在同时进行，请稍后再试 (reminders running concurrently)")
    for stage, row in recorded:
        CHECKPOINT_REMINDERS.inc(level, stage=stage, step=row.step)
    if area_path == "/":  # one area's run does not know the level's whole count
        for stage, count in missing.items():
            CHECKPOINT_REPORTS_MISSING.set(level, count, stage=stage)
    for year in unknown:
        CHECKPOINT_CALENDAR_REFUSALS.inc(level, year=str(year))
    return len(recorded), unknown


def _checkpoint_steps(
    session: Session, work: WorkCalendar, checkpoint: Checkpoint, on: date, now: datetime
) -> tuple[list[CheckpointReminder], int]:
    """The steps due for each missing report of one checkpoint, and how many are missing."""
    filed = {(r.group_id, r.project_id) for r in db.reports(session, checkpoint.id)}
    already: dict[tuple[str, str], set[str]] = {}
    for row in db.reminders(session, checkpoint.id):
        already.setdefault((row.group_id, row.project_id), set()).add(row.step)
    late = [
        (group.id, project.id)
        for group, project in db.assignments(session, checkpoint.area_code, checkpoint.year)
        if rules.is_missing(checkpoint.due_date, on, (group.id, project.id) in filed)
    ]
    if not late:
        return [], 0
    reached = rules.step_reached(checkpoint.due_date, on, work)
    overdue = work.working_days_between(checkpoint.due_date, on)
    found = [
        CheckpointReminder(
            checkpoint_id=checkpoint.id,
            group_id=group_id,
            project_id=project_id,
            step=step,
            overdue_working_days=overdue,
            sent_at=now,
        )
        for group_id, project_id in late
        for step in rules.steps_to_send(already.get((group_id, project_id), set()), reached)
    ]
    return found, len(late)
