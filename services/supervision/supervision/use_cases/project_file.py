"""Reading supervision's projects: the area's list (which have no group yet) and a project's
whole file in one page — the project, its groups, its open findings, its timeline."""

from typing import Any

from contracts import supervision_groups as contract
from servicekit import areas
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as files_db
from ..db import groups as db
from ..db.models import Project


def _summary(row: Project, groups: int, findings: int) -> dict[str, Any]:
    return {
        "project_id": row.id,
        "public_code": row.public_code,
        "area_code": row.area_code,
        "year": row.year,
        "title": row.title,
        "category": row.category,
        "status": row.status,
        "actual_percent": row.actual_percent,
        "planned_percent": row.planned_percent,
        "standing": row.standing,
        "as_of": row.as_of,
        "flagged": row.flagged,
        "budget_fen": row.budget_fen,
        "disbursed_fen": row.disbursed_fen,
        "paid_fen": row.paid_fen,
        "group_count": groups,
        "open_findings": findings,
        "unassigned": groups == 0,
    }


def list_projects(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = areas.require(query["area_code"])
    rows, total, unassigned = db.supervised_page(
        session, place.path, query, query["page"], query["page_size"]
    )
    page = {
        "items": [_summary(*row) for row in rows],
        "total": total,
        "unassigned_total": unassigned,
        "page": query["page"],
        "page_size": query["page_size"],
    }
    return dump(contract.SupervisedProjectPage, page)


def get_file(session: Session, guard: Guard, project_id: str) -> dict[str, Any]:
    row = files_db.project(session, str(project_id))
    if row is None:
        raise errors.project_not_found()
    groups = db.groups_of_project(session, row.id)
    members = db.members_of(session, [g.id for g in groups])
    subject = guard.principal.user_id
    if not subject or not any(m.subject == subject for ms in members.values() for m in ms):
        guard.require(roles.READ, row.area_code)  # a member of its groups reads it anywhere
    findings = db.open_findings(session, row.id)
    project = {
        **_summary(row, len(groups), len(findings)),
        **{
            k: getattr(row, k)
            for k in ("level", "lead_department", "lead_leader", "plan_version", "deadline")
        },
        **{k: getattr(row, k) for k in ("overdue_problems", "completed_on", "same_year")},
    }
    view = {
        "project": project,
        "groups": [
            {"group_id": g.id, "name": g.name, "leader": _leader(members[g.id])} for g in groups
        ],
        "open_findings": [
            {
                "finding_id": f.id,
                "source": f.source,
                "text": f.text,
                "state": f.state,
                "group_id": f.group_id,
                "raised_at": f.raised_at,
            }
            for f in findings
        ],
        "timeline": [
            {k: getattr(e, k) for k in ("at", "side", "kind", "summary", "actor", "ref")}
            for e in files_db.entries(session, row.id)
        ],
    }
    return dump(contract.ProjectFile, view)


def _leader(members: list[Any]) -> str | None:
    return next((m.name for m in members if m.role == "leader"), None)
