"""验收: a passed acceptance completes the project (project_completed_v1); a failed one is kept
and the project goes on. Completed "in its year" means accepted by 31 December of the year it
was decided for and never carried over (a carried-over project counts as not completed there).
"""

from datetime import datetime
from typing import Any

from contracts import implementation as contract
from contracts.events import PROJECT_COMPLETED
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.models import AcceptanceRecord, Project
from ..metrics import PROJECTS_COMPLETED
from .common import dumps, load_project, loads
from .views import today

PASSING = ("passed", "passed_with_rectification")


def same_year(row: Project) -> bool:
    return bool(row.completed_on) and row.completed_on.year <= row.year and not row.carried_over_to


def accept_project(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.WRITE, lock=True)
    if row.status == "completed":
        raise errors.conflict(
            "项目已验收 (already accepted)", {"completed_on": str(row.completed_on)}
        )
    if row.plan_version == 0:
        raise errors.no_plan()
    if data["accepted_on"] > today():
        raise errors.invalid("验收日期不能晚于今天 (accepted_on is in the future)", "accepted_on")
    record = AcceptanceRecord(
        project_id=row.id,
        accepted_on=data["accepted_on"],
        accepting_body=data["accepting_body"],
        result=data["result"],
        note=data["note"],
        documents=dumps(data["documents"]),
        recorded_by=guard.principal.user_id or "",
        recorded_at=now,
    )
    session.add(record)
    if data["result"] in PASSING:
        row.status, row.completed_on = "completed", data["accepted_on"]
        outbox.add(
            session,
            PROJECT_COMPLETED,
            _completed(row, data["result"], now),
            area_code=row.area_code,
            level=row.level,
        )
    answer = view(row, record)
    commit_or_conflict(
        session,
        "项目正被他人同时验收，请刷新 (accepted meanwhile: reload)",
        then=lambda: PROJECTS_COMPLETED.inc(row.level) if row.status == "completed" else None,
    )
    return answer


def _completed(row: Project, result: str, now: datetime) -> dict[str, Any]:
    return {
        "project_id": row.id,
        "proposal_id": row.proposal_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "title": row.title,
        "completed_on": row.completed_on,
        "result": result,
        "same_year": same_year(row),
        "completed_at": now,
    }


def view(row: Project, record: AcceptanceRecord) -> dict[str, Any]:
    return dump(
        contract.Acceptance,
        {
            "project_id": row.id,
            "accepted_on": record.accepted_on,
            "accepting_body": record.accepting_body,
            "result": record.result,
            "result_name": contract.ACCEPTANCE_RESULT_NAMES[record.result],
            "note": record.note,
            "documents": loads(record.documents),
            "same_year": record.result in PASSING and same_year(row),
            "recorded_by": record.recorded_by,
            "recorded_at": as_utc(record.recorded_at),
        },
    )
