"""调度会: a scheduling meeting of the area — weekly (lead department), monthly (lead leader),
quarterly (leading group) — with its decisions and the problems it assigned, which join the
projects' problem lists in the same transaction."""

import uuid
from datetime import datetime
from typing import Any

from contracts import problems as contract
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import problems as db
from ..db import projects as project_db
from ..db.models import Meeting, Project
from ..domain.cadence import CADENCE_NAMES
from .common import area, dumps, loads, require_department
from .problems import new_problem


def _projects(session: Session, guard: Guard, ids: list[str], field: str) -> dict[str, Project]:
    found = {}
    for n, project_id in enumerate(ids):
        row = project_db.project(session, project_id)
        if row is None or not guard.principal.covers(row.area_code):
            raise errors.invalid(
                "项目不存在或不在本地区 (unknown project, or not of this area)", f"{field}.{n}"
            )
        found[project_id] = row
    return found


def record_meeting(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    guard.require(roles.WRITE, data["area_code"])
    place = area(data["area_code"])
    scope = idempotency.scope_of("meeting", guard.principal)

    def stage() -> dict[str, Any]:
        discussed = _projects(session, guard, data["project_ids"], "project_ids")
        assigned = [p["project_id"] for p in data["problems"]]
        targets = _projects(session, guard, assigned, "problems")
        for target in targets.values():  # a problem is raised on its project: its department's
            require_department(session, guard, target, roles.WRITE)
        by = guard.principal.user_id or ""
        problems = [
            new_problem(session, targets[p["project_id"]], {**p, "source": "meeting"}, by, now)
            for p in data["problems"]
        ]
        row = Meeting(
            id=str(uuid.uuid4()),
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            cadence=data["cadence"],
            held_on=data["held_on"],
            chair=data["chair"],
            attendees=dumps(data["attendees"]),
            project_ids=dumps(list(discussed)),
            decisions=dumps(data["decisions"]),
            problem_ids=dumps([p.id for p in problems]),
            recorded_by=by,
            recorded_at=now,
        )
        session.add(row)
        session.flush()
        return view(row)

    return idempotency.create_once(session, scope, idempotency.Request(key, data), stage)


def view(row: Meeting) -> dict[str, Any]:
    return dump(contract.Meeting, _view(row))


def _view(row: Meeting) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "cadence": row.cadence,
        "cadence_name": CADENCE_NAMES[row.cadence] + "会",
        "held_on": row.held_on,
        "chair": row.chair,
        "attendees": loads(row.attendees),
        "project_ids": loads(row.project_ids),
        "decisions": loads(row.decisions),
        "problem_ids": loads(row.problem_ids),
        "recorded_by": row.recorded_by,
        "recorded_at": as_utc(row.recorded_at),
    }


def list_meetings(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = area(query["area_code"])
    rows = db.meetings(session, place.path, query.get("year"))
    return dump(contract.MeetingList, {"items": [_view(r) for r in rows]})
