"""Projects from the vote (session_results_announced_v1), and reading them.

Every elected candidate becomes one project whose id is derived from the session and the
proposal (contracts.implementation.project_id_for): the consumer's processed-event row stops a
redelivery, and the derived id stops the same result published twice under two event ids.
The announcement is the final one (voting publishes it once, after any runoff), so "elected"
already includes the runoff's winners.
"""

import logging
from datetime import datetime
from typing import Any

from contracts import implementation as contract
from contracts.events import PROJECT_CREATED
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import projects as db
from ..db.models import Project
from ..metrics import PROJECTS_CREATED
from . import settings, views
from .common import area, load_project

log = logging.getLogger(__name__)
DEFAULT_CATEGORY = "其他"  # results announced before the list's categories travelled with them


def create_from_results(
    session: Session, outbox: OutboxWriter, result: dict[str, Any], now: datetime
) -> list[str]:
    """Stage one project per elected candidate not yet known; never commits (the consumer's
    transaction holds the effect and the processed event id together)."""
    place = area(result["area_code"])
    created = []
    for candidate in result["candidates"]:
        if not candidate["elected"]:
            continue
        project_id = contract.project_id_for(
            place.level, result["session_id"], str(candidate["proposal_id"])
        )
        if db.project(session, project_id) is not None:
            continue
        row = _project(project_id, place, result, candidate, now)
        session.add(row)
        outbox.add(
            session, PROJECT_CREATED, _created_event(row), area_code=row.area_code, level=row.level
        )
        created.append(project_id)
    session.flush()
    PROJECTS_CREATED.inc(place.level, len(created))
    log.info(
        "projects created from results",
        extra={"session_id": result["session_id"], "projects": len(created)},
    )
    return created


def _project(project_id: str, place: Any, result: dict, candidate: dict, now: datetime) -> Project:
    return Project(
        id=project_id,
        area_code=place.code,
        area_path=place.path,
        level=place.level,
        year=result["year"],
        title=candidate["title"],
        category=candidate.get("category") or DEFAULT_CATEGORY,
        estimated_cost_fen=candidate.get("estimated_cost_fen"),
        suggested_department=candidate.get("lead_department"),
        proposal_id=str(candidate["proposal_id"]),
        session_id=result["session_id"],
        candidate_list_id=str(result["candidate_list_id"]),
        results_digest=result["digest"],
        announced_at=result["announced_at"],
        approve=candidate["approve"],
        status="created",
        plan_version=0,
        shares="{}",
        actual="0",
        lagging_streak=0,
        created_at=now,
    )


def _created_event(row: Project) -> dict[str, Any]:
    return {
        "project_id": row.id,
        "proposal_id": row.proposal_id,
        "session_id": row.session_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "title": row.title,
        "category": row.category,
        "estimated_cost_fen": row.estimated_cost_fen,
        "lead_department": row.suggested_department,  # the list's suggestion, before a plan
        "results_digest": row.results_digest,
        "created_at": row.created_at,
    }


def list_projects(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = area(query["area_code"])
    rows, total = db.projects_page(session, place.path, query, query["page"], query["page_size"])
    return dump(
        contract.ProjectPage,
        {
            "items": [views.summary(row) for row in rows],
            "total": total,
            "page": query["page"],
            "page_size": query["page_size"],
        },
    )


def get_project(session: Session, guard: Guard, project_id: str) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.READ)
    return dump(
        contract.ProjectDetail,
        views.detail(session, row, settings.tolerance(session, row.area_path)),
    )


def get_public_project(session: Session, project_id: str) -> dict[str, Any]:
    """The page a site sign's QR code opens: anyone, no personal data."""
    row = db.project(session, str(project_id))
    if row is None:
        raise errors.project_not_found()
    return dump(contract.PublicProject, views.public(session, row))


def carry_over_project(
    session: Session, guard: Guard, project_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """跨年结转: the project goes on next year with a new deadline, and counts as not
    completed in its own year whatever happens next."""
    row = load_project(session, guard, project_id, roles.WRITE, lock=True)
    if row.status == "completed":
        raise errors.conflict("项目已验收，无需结转 (the project is accepted)")
    if row.carried_over_to is not None:
        raise errors.conflict("项目已结转 (already carried over)", {"to_year": row.carried_over_to})
    if data["new_deadline"].year != row.year + 1:
        raise errors.invalid(
            f"结转后的完成时限应在 {row.year + 1} 年内 (the new deadline lies in the next year)",
            "new_deadline",
        )
    row.status, row.carried_over_to = "carried_over", row.year + 1
    row.carry_reason, row.deadline = data["reason"], data["new_deadline"]
    commit_or_conflict(session, "项目正被他人同时修改，请重试 (changed meanwhile: retry)")
    return get_project(session, guard, row.id)
