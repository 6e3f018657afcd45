"""Reminders (催办): a report not filed by its due date, or a problem past its due date, climbs
温馨提示 → 限期督促 → 专报通报, each step after its number of working days overdue.

Each step is recorded once (unique kind + target + step), so the nightly job may run twice or
after a missed night: it sends what is due and skips none. An overdue problem's step is also
published (problem_overdue_v1) for supervision. A due date in a year whose holiday schedule
is unknown is not guessed: the item is skipped, counted, and listed in the answer.
"""

from datetime import date, datetime
from typing import Any

from contracts import implementation as contract
from contracts.events import PROBLEM_OVERDUE
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import problems as db
from ..db import projects as project_db
from ..db.models import Problem, Project, Reminder
from ..domain.cadence import CADENCES, due_date, periods
from ..domain.reminders import STEP_NAMES, step_due, steps_to_send
from ..domain.workdays import WorkCalendar
from ..metrics import REMINDERS
from . import calendar, settings
from .common import area
from .plans import plan_dates
from .views import today


def run_reminders(
    session: Session, outbox: OutboxWriter, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Run the reminders of an area now (staff), as the nightly job does for every area."""
    guard.require(roles.WRITE, data["area_code"])
    place = area(data["area_code"])
    on = data.get("on") or today()
    if on > today():
        raise errors.invalid("不能按未来日期催办 (reminders cannot run ahead of today)", "on")
    sent, unknown = remind(session, outbox, place.path, guard.level, on, now)
    return dump(
        contract.RemindersResult,
        {"area_code": place.code, "on": on, "sent": sent, "skipped_unknown_years": sorted(unknown)},
    )


def nightly(session: Session, outbox: OutboxWriter, level: str, now: datetime) -> None:
    """The timer's run: every area, the projects of this worker's level (all, for "all")."""
    remind(session, outbox, "/", level, today(), now, None if level == "all" else level)


def remind(
    session: Session,
    outbox: OutboxWriter,
    area_path: str,
    level: str,
    on: date,
    now: datetime,
    of_level: str | None = None,
) -> tuple[list[dict[str, Any]], set[int]]:
    """Stage and commit every reminder step due on `on` under `area_path` (of one level's
    projects when `of_level` says so); `level` labels the metrics."""
    work = calendar.work_calendar(session, level)
    sent: list[dict[str, Any]] = []
    unknown: set[int] = set()
    mine = lambda row: row.area_path.startswith(area_path) and of_level in (None, row.level)  # noqa: E731
    already = db.sent_steps(session, "problem")
    for problem in filter(mine, db.open_problems(session)):
        done = already.get(problem.id, set())
        sent += _problem_steps(session, outbox, work, problem, done, on, now, unknown)
    already = db.sent_steps(session, "report")
    for project in filter(mine, project_db.reporting_projects(session, area_path)):
        sent += _report_steps(session, work, project, already, on, now, unknown)
    session.commit()
    for item in sent:
        REMINDERS.inc(level, kind=item["kind"], step=item["step"])
    for year in unknown:
        calendar.refused(level, UnknownYear(year))
    return sent, unknown


def _problem_steps(
    session: Session,
    outbox: OutboxWriter,
    work: WorkCalendar,
    problem: Problem,
    done: set[str],
    on: date,
    now: datetime,
    unknown: set[int],
) -> list[dict[str, Any]]:
    steps = settings.reminder_steps(session, problem.area_path)
    try:
        reached = step_due(problem.due_date, on, work, steps)
        overdue = work.working_days_between(problem.due_date, on) if reached else 0
    except UnknownYear as exc:
        unknown.add(exc.year)
        return []
    found = []
    for step in steps_to_send(done, reached, steps):
        _record(session, "problem", problem.id, problem, step, problem.due_date, overdue, now)
        outbox.add(
            session,
            PROBLEM_OVERDUE,
            {
                "problem_id": problem.id,
                "project_id": problem.project_id,
                "area_code": problem.area_code,
                "level": problem.level,
                "year": problem.year,
                "source": problem.source,
                "source_ref": problem.source_ref,
                "due_date": problem.due_date,
                "step": step,
                "overdue_working_days": overdue,
                "raised_at": now,
            },
            area_code=problem.area_code,
            level=problem.level,
        )
        found.append(
            {"kind": "problem", "target": problem.id, "step": step, "step_name": STEP_NAMES[step]}
        )
    return found


def _report_steps(
    session: Session,
    work: WorkCalendar,
    project: Project,
    already: dict[str, set[str]],
    on: date,
    now: datetime,
    unknown: set[int],
) -> list[dict[str, Any]]:
    start, deadline = plan_dates(session, project)
    filed = project_db.reported_periods(session, project.id)
    due_days = settings.due_working_days(session, project.area_path)
    steps = settings.reminder_steps(session, project.area_path)
    found = []
    for cadence in CADENCES:
        for period in periods(cadence, start, min(deadline, on)):
            if (cadence, period.key) in filed or period.end >= on:
                continue  # filed, or still running: nothing can be late yet
            target = f"{project.id}/{cadence}/{period.key}"
            try:
                due = due_date(period, due_days[cadence], work)
                reached = step_due(due, on, work, steps)
                overdue = work.working_days_between(due, on) if reached else 0
            except UnknownYear as exc:
                unknown.add(exc.year)
                continue
            for step in steps_to_send(already.get(target, set()), reached, steps):
                _record(session, "report", target, project, step, due, overdue, now)
                found.append(
                    {
                        "kind": "report",
                        "target": target,
                        "step": step,
                        "step_name": STEP_NAMES[step],
                    }
                )
    return found


def _record(
    session: Session,
    kind: str,
    target: str,
    owner: Problem | Project,
    step: str,
    due: date,
    overdue: int,
    now: datetime,
) -> None:
    project_id = owner.project_id if isinstance(owner, Problem) else owner.id
    session.add(
        Reminder(
            kind=kind,
            target=target,
            project_id=project_id,
            area_code=owner.area_code,
            level=owner.level,
            step=step,
            due_date=due,
            overdue_working_days=overdue,
            sent_at=now,
        )
    )
