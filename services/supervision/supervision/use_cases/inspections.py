"""Inspections (集中督查) and the standing committee's other forms (专项审议, 专题询问,
现场观摩会): recorded once with their projects, methods, participants, questions and findings;
each project's file gets a line and each finding is raised on its project.

An on-site review meeting goes across areas: its projects may lie anywhere under the area it
is recorded for (one indexed prefix on the project's ancestor path)."""

import json
from datetime import datetime
from typing import Any

from contracts import supervision_inspections as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as file_db
from ..db import inspections as db
from ..db.groups_models import Group
from ..db.inspections_models import Inspection, InspectionProject
from ..db.models import Project
from ..domain import inspections as rules
from ..metrics import FINDINGS_RAISED, INSPECTIONS_RECORDED
from . import acting
from .inspection_findings import SUPERVISION, finding_fields, stage_finding


def record_inspection(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    guard.require(roles.INSPECT, data["area_code"])
    wrong = rules.problems(data)
    if wrong:
        field, message = next(iter(wrong.items()))
        raise errors.invalid(message, field)
    place = areas.require(data["area_code"])
    group = acting.acting_group(session, guard, data["group_id"], place.code)
    projects = _projects(session, data["project_ids"], place.path)
    acting.check_assigned(session, group, data["project_ids"])
    scope = idempotency.scope_of("inspection", guard.principal)

    def stage() -> dict[str, Any]:
        return _stage(session, guard, data, place, group, projects, now)

    def counted() -> None:
        INSPECTIONS_RECORDED.inc(place.level, kind=data["kind"])
        for _ in data["findings"]:
            FINDINGS_RAISED.inc(place.level, source="inspection")

    return idempotency.create_once(
        session, scope, idempotency.Request(key, data), stage, then=counted
    )


def _projects(session: Session, ids: list[str], path: str) -> dict[str, Project]:
    """The inspection's projects, each known and under its area (400 naming the others)."""
    found = {i: file_db.project(session, i) for i in ids}
    strays = [i for i, p in found.items() if p is None or not p.area_path.startswith(path)]
    if strays:
        message = "项目不存在或不在本地区 (projects unknown or outside the area)"
        raise errors.invalid(message + f": {', '.join(strays)}", "project_ids")
    return {i: p for i, p in found.items() if p is not None}


def _stage(
    session: Session,
    guard: Guard,
    data: dict[str, Any],
    place: areas.Area,
    group: Group | None,
    projects: dict[str, Project],
    now: datetime,
) -> dict[str, Any]:
    by = guard.principal.user_id or ""
    row = _record(data, place, group, by, now)
    session.add(row)
    session.add_all(InspectionProject(inspection_id=row.id, project_id=p) for p in projects)
    session.flush()
    for project in projects.values():
        _file_line(session, row, data, group, project.id, now)
    for item in data["findings"]:  # after the inspection's line: the file reads in order
        project = projects[item["project_id"]]
        stage_finding(
            session, project, item, source="inspection", source_ref=row.id, group=group,
            by=by, now=now,
        )  # fmt: skip
    session.flush()
    return view(session, row)


def _record(
    data: dict[str, Any], place: areas.Area, group: Group | None, by: str, now: datetime
) -> Inspection:
    return Inspection(
        id=acting.new_id(place.level),
        area_code=place.code,
        area_path=place.path,
        level=place.level,
        year=data["held_on"].year,
        kind=data["kind"],
        cadence=data["cadence"],
        held_on=data["held_on"],
        group_id=group.id if group is not None else None,
        title=data["title"],
        methods=json.dumps(data["methods"]),
        participants=_json(data["participants"]),
        questions=_json(data["questions"]),
        summary=data["summary"],
        recorded_by=by,
        recorded_at=now,
    )


def _file_line(
    session: Session,
    row: Inspection,
    data: dict[str, Any],
    group: Group | None,
    project_id: str,
    now: datetime,
) -> None:
    found = sum(f["project_id"] == project_id for f in data["findings"])
    file_db.add_entry(
        session, project_id, at=now, side=SUPERVISION, kind="inspection",
        summary=rules.line(data, acting.actor(group), found), actor=acting.actor(group),
        ref=row.id, detail={"kind": row.kind, "held_on": row.held_on, "findings": found},
    )  # fmt: skip


def _json(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, sort_keys=True)


def list_inspections(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.INSPECT, query["area_code"])
    place = areas.require(query["area_code"])
    rows, total = db.page(
        session,
        db.inspections(place.path, query["year"], query["kind"]),
        query["page"],
        query["page_size"],
    )
    answer = {"items": [_fields(session, r) for r in rows], "total": total}
    page = {"page": query["page"], "page_size": query["page_size"]}
    return dump(contract.InspectionPage, {**answer, **page})


def get_inspection(session: Session, guard: Guard, inspection_id: str) -> dict[str, Any]:
    row = session.get(Inspection, inspection_id)
    guard.require(roles.INSPECT, row.area_code if row is not None else None)
    if row is None:
        raise errors.not_found("督查记录", "inspection")
    return view(session, row)


def view(session: Session, row: Inspection) -> dict[str, Any]:
    return dump(contract.Inspection, _fields(session, row))


def _fields(session: Session, row: Inspection) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "kind": row.kind,
        "kind_name": rules.KIND_NAMES[row.kind],
        "cadence": row.cadence,
        "held_on": row.held_on,
        "group_id": row.group_id,
        "title": row.title,
        "project_ids": db.project_ids(session, row.id),
        "methods": json.loads(row.methods),
        "participants": json.loads(row.participants),
        "questions": json.loads(row.questions),
        "findings": [
            finding_fields(f, file_db.project(session, f.project_id))
            for f in db.findings_of(session, "inspection", row.id)
        ],
        "summary": row.summary,
        "recorded_at": as_utc(row.recorded_at),
    }
