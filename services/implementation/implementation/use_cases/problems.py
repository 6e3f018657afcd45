"""问题清单: problems on a project, from reports, meetings, supervision's rectification requests
and public feedback; open → in progress → resolved → closed (销号), every step kept.

A problem supervision asked to rectify is one problem per request, whatever the broker
redelivers (unique source + request id); resolving it tells supervision with
rectification_reported_v1, and the group looks back (回头看).
"""

import logging
import uuid
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import problems as contract
from contracts.events import RECTIFICATION_REPORTED
from contracts.reference import LEVEL_LETTERS
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import problems as db
from ..db import projects as project_db
from ..db.models import Problem, ProblemStep, Project
from ..domain.problems import STATE_NAMES, ProblemError, can_close, is_overdue, transition
from ..domain.reminders import STEP_NAMES
from . import settings
from .common import area, load_project
from .views import today

log = logging.getLogger(__name__)
# uuid5 namespace of problems made from rectification requests: the same request, the same id.
RECTIFICATION_NAMESPACE = uuid.UUID("0b7c61e2-4f3d-4d5e-8a36-93b0f1c2d4e5")


def new_problem(
    session: Session,
    project: Project,
    data: dict[str, Any],
    by: str,
    now: datetime,
    source_ref: str | None = None,
) -> Problem:
    """Stage a problem and its first step; never commits."""
    letter = LEVEL_LETTERS[project.level]
    token = uuid.uuid5(RECTIFICATION_NAMESPACE, source_ref) if source_ref else uuid.uuid4()
    row = Problem(
        id=f"{letter}-{token.hex}",
        project_id=project.id,
        area_code=project.area_code,
        area_path=project.area_path,
        level=project.level,
        year=project.year,
        description=data["description"],
        responsible_unit=data["responsible_unit"],
        responsible_person=data["responsible_person"],
        measure=data["measure"],
        due_date=data["due_date"],
        source=data["source"],
        source_ref=source_ref,
        state="open",
        created_by=by,
        created_at=now,
    )
    session.add(row)
    session.add(
        ProblemStep(
            problem_id=row.id, action="raise", state="open", note=data["description"], by=by, at=now
        )
    )
    return row


def raise_problem(
    session: Session,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    project = load_project(session, guard, project_id, roles.WRITE)
    scope = idempotency.scope_of("problem", guard.principal)
    request = idempotency.Request(key, {"project_id": project.id, **data})

    def stage() -> dict[str, Any]:
        row = new_problem(session, project, data, guard.principal.user_id or "", now)
        session.flush()
        return view(session, row, project)

    return idempotency.create_once(session, scope, request, stage)


def _load(session: Session, guard: Guard, problem_id: str, roles_: frozenset[str]) -> Problem:
    row = db.problem(session, str(problem_id), lock=True)
    if row is None:
        guard.require(roles_)
        raise errors.problem_not_found()
    guard.require(roles_, row.area_code)
    return row


def act_on_problem(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    problem_id: str,
    action: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    row = _load(session, guard, problem_id, roles.WRITE)
    project = load_project(session, guard, row.project_id, roles.WRITE)  # its department's
    try:
        state = transition(row.state, action)
    except ProblemError as exc:
        raise errors.conflict(exc.message, {"state": row.state, "action": action}) from exc
    if action == "close":
        _check_satisfaction(session, project, data.get("satisfaction"))
    row.state = state
    session.add(
        ProblemStep(
            problem_id=row.id,
            action=action,
            state=state,
            note=data["note"],
            by=guard.principal.user_id or "",
            at=now,
        )
    )
    if action == "resolve" and row.source == "rectification":
        outbox.add(
            session,
            RECTIFICATION_REPORTED,
            _reported(row, data["note"], now),
            area_code=row.area_code,
            level=row.level,
        )
    session.flush()
    answer = view(session, row, project)
    commit_or_conflict(session, "问题正被他人同时处理，请刷新后重试 (changed meanwhile: retry)")
    return answer


def _check_satisfaction(session: Session, project: Project, said: str | None) -> None:
    threshold = settings.close_threshold(session, project.area_path)
    satisfaction = Fraction(said) if said is not None else None
    if satisfaction is not None and satisfaction > 1:
        raise errors.invalid("满意度不能超过 1 (satisfaction is at most 1)", "satisfaction")
    if not can_close(satisfaction, threshold):
        raise errors.rule(
            f"群众满意度需达到 {threshold} 方可销号 (closing needs satisfaction {threshold})",
            {"threshold": str(threshold), "satisfaction": said},
        )


def _reported(row: Problem, note: str, now: datetime) -> dict[str, Any]:
    return {
        "request_id": row.source_ref,
        "problem_id": row.id,
        "project_id": row.project_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "measure": row.measure,
        "note": note,
        "reported_at": now,
    }


def from_rectification(session: Session, request: dict[str, Any], now: datetime) -> None:
    """supervision's rectification_requested_v1 → one problem (consumer's transaction)."""
    project = project_db.project(session, request["project_id"])
    if project is None:
        log.warning(
            "rectification for an unknown project ignored",
            extra={"request_id": request["request_id"]},
        )
        return
    if db.by_source(session, "rectification", request["request_id"]) is not None:
        return
    data = {
        "description": request["finding"],
        "responsible_unit": project.lead_department or project.suggested_department or "牵头部门",
        "responsible_person": "待指定",
        "measure": "待制定 (to be decided)",
        "due_date": request["due_date"],
        "source": "rectification",
    }
    new_problem(
        session, project, data, f"supervision:{request['group_name']}", now, request["request_id"]
    )


def list_problems(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = area(query["area_code"])
    rows, total = db.problems_page(
        session, place.path, query, today(), query["page"], query["page_size"]
    )
    return dump(
        contract.ProblemPage,
        {
            "items": [_view(session, r) for r in rows],
            "total": total,
            "page": query["page"],
            "page_size": query["page_size"],
        },
    )


def view(session: Session, row: Problem, project: Project | None = None) -> dict[str, Any]:
    return dump(contract.Problem, _view(session, row, project))


def _view(session: Session, row: Problem, project: Project | None = None) -> dict[str, Any]:
    project = project or project_db.project(session, row.project_id)
    return {
        "id": row.id,
        "project_id": row.project_id,
        "project_title": project.title if project else "",
        "area_code": row.area_code,
        "level": row.level,
        "description": row.description,
        "responsible_unit": row.responsible_unit,
        "responsible_person": row.responsible_person,
        "measure": row.measure,
        "due_date": row.due_date,
        "source": row.source,
        "source_ref": row.source_ref,
        "state": row.state,
        "state_name": STATE_NAMES[row.state],
        "overdue": is_overdue(row.state, row.due_date, today()),
        "reminders": [
            {
                "step": r.step,
                "step_name": STEP_NAMES[r.step],
                "sent_at": as_utc(r.sent_at).isoformat(),
            }
            for r in db.reminders(session, "problem", row.id)
        ],
        "history": [
            {
                "action": s.action,
                "state": s.state,
                "note": s.note,
                "by": s.by,
                "at": as_utc(s.at),
            }
            for s in db.steps(session, row.id)
        ],
        "created_at": as_utc(row.created_at),
    }
