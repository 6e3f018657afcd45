"""Findings (发现的问题): raised by an inspection or directly on a project, read by the
supervisors and by the government they are handed to.

Government and department staff read only the findings handed to them (a rectification
requested: state other than open); department staff only on the projects their unit leads, as
implementation lets them act only there.
"""

import json
from datetime import datetime
from typing import Any

from contracts import supervision_inspections as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard, Principal
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as file_db
from ..db import findings as finding_db
from ..db import inspections as db
from ..db.groups_models import Group
from ..db.models import Finding, Project
from ..metrics import FINDINGS_RAISED
from . import acting

SUPERVISION = "supervision"


def stage_finding(
    session: Session,
    project: Project,
    item: dict[str, Any],
    *,
    source: str,
    source_ref: str | None,
    group: Group | None,
    by: str,
    now: datetime,
) -> Finding:
    """Stage a finding and its line in the project's file (the caller commits)."""
    row = finding_db.add_finding(
        session,
        project,
        source=source,
        source_ref=source_ref,
        text=item["text"],
        photos=item.get("photos", []),
        raised_by=by,
        now=now,
        group_id=group.id if group is not None else None,
    )
    file_db.add_entry(
        session,
        project.id,
        at=now,
        side=SUPERVISION,
        kind="finding_raised",
        summary=f"发现问题：{item['text']}",
        actor=acting.actor(group),
        ref=row.id,
        detail={"source": source, "photos": len(item.get("photos", []))},
    )
    return row


def raise_project_finding(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    project = acting.load_project(session, guard, data["project_id"], roles.INSPECT)
    group = acting.acting_group(session, guard, data["group_id"], project.area_code)
    acting.check_assigned(session, group, [project.id])
    scope = idempotency.scope_of("finding", guard.principal)

    def stage() -> dict[str, Any]:
        row = stage_finding(
            session,
            project,
            data,
            source="direct",
            source_ref=None,
            group=group,
            by=guard.principal.user_id or "",
            now=now,
        )
        session.flush()
        return view(row, project)

    return idempotency.create_once(
        session,
        scope,
        idempotency.Request(key, data),
        stage,
        then=lambda: FINDINGS_RAISED.inc(project.level, source="direct"),
    )


def handed_only(principal: Principal) -> bool:
    """A reader who is neither supervisor nor congress staff: the government's side."""
    return not principal.has_role(roles.STAFF | roles.MEMBERS)


def _unit(principal: Principal) -> str | None:
    if handed_only(principal) and principal.has_role({"department_staff"}):
        return principal.department or ""
    return None


def list_findings(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    principal = guard.require(roles.FINDINGS_READ, query["area_code"])
    place = areas.require(query["area_code"])
    rows, total = db.page(
        session,
        db.findings(query, place.path, handed_only(principal), _unit(principal)),
        query["page"],
        query["page_size"],
    )
    answer = {"items": [_view(session, r) for r in rows], "total": total}
    page = {"page": query["page"], "page_size": query["page_size"]}
    return dump(contract.SupervisionFindingPage, {**answer, **page})


def get_finding(session: Session, guard: Guard, finding_id: str) -> dict[str, Any]:
    row = load_finding(session, guard, finding_id, roles.FINDINGS_READ)
    return dump(contract.SupervisionFinding, _view(session, row))


def load_finding(
    session: Session, guard: Guard, finding_id: str, roles_: frozenset[str]
) -> Finding:
    """The finding, if the caller may see it (else the same 404 as an unknown one)."""
    row = finding_db.finding(session, finding_id)
    principal = guard.require(roles_, row.area_code if row is not None else None)
    if row is None or not _addressed(session, principal, row):
        raise errors.not_found("问题", "finding")
    return row


def _addressed(session: Session, principal: Principal, row: Finding) -> bool:
    if not handed_only(principal):
        return True
    unit = _unit(principal)
    project = file_db.project(session, row.project_id)
    led = unit is None or (project is not None and project.lead_department == unit)
    return (row.state != "open" or row.source in finding_db.TOLD_SOURCES) and led


def view(row: Finding, project: Project | None = None) -> dict[str, Any]:
    return dump(contract.SupervisionFinding, finding_fields(row, project))


def _view(session: Session, row: Finding) -> dict[str, Any]:
    return finding_fields(row, file_db.project(session, row.project_id))


def finding_fields(row: Finding, project: Project | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "project_id": row.project_id,
        "project_title": project.title if project is not None else "",
        "area_code": row.area_code,
        "year": row.year,
        "group_id": row.group_id,
        "source": row.source,
        "source_ref": row.source_ref,
        "text": row.text,
        "photos": json.loads(row.photos),
        "state": row.state,
        "state_name": contract.FINDING_STATE_NAMES.get(row.state, row.state),
        "raised_at": as_utc(row.raised_at),
    }
