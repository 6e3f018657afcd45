"""What public supervision's use cases share: level-lettered ids, JSON columns, a project
found by its code or by id for congress staff of its area, and a finding's file line."""

import json
import uuid
from datetime import datetime
from typing import Any

from contracts.reference import LEVEL_LETTERS
from contracts.supervision import public_code_level
from servicekit import areas
from servicekit.auth import Guard
from sqlalchemy.orm import Session

from .. import errors
from ..db import files
from ..db import findings as finding_db
from ..db.models import Finding, Project
from ..metrics import PUBLIC_FINDINGS

SUPERVISION, PUBLIC = "supervision", "public"


def new_id(level: str) -> str:
    """An id the gateway routes by its first letter (contracts.supervision_public.record_level)."""
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None) -> Any:
    return json.loads(text) if text else []


def area_name(code: str) -> str:
    found = areas.load().get(code)
    return found.name if found else code


def by_code(session: Session, code: str) -> Project:
    """The project a public code names (lower case accepted); 404 for any other code."""
    if public_code_level(code) is None:
        raise errors.project_not_found()
    row = files.project_by_code(session, code.upper())
    if row is None:
        raise errors.project_not_found()
    return row


def staff_project(
    session: Session, guard: Guard, project_id: str, roles: frozenset[str]
) -> Project:
    """The project if the caller holds `roles` over its area; an unknown id is 404 to them."""
    row = files.project(session, str(project_id))
    if row is None:
        guard.require(roles)
        raise errors.project_not_found()
    guard.require(roles, row.area_code)
    return row


def raise_finding(
    session: Session,
    guard: Guard,
    project: Project,
    source: str,
    record: Any,
    text: str | None,
    now: datetime,
) -> Finding:
    """Stage a finding from a feedback or an observation and its line in the file; the record
    remembers it, so a second attempt is a 409 (the caller commits)."""
    if record.finding_id is not None:
        raise errors.conflict(
            "已据此登记发现的问题 (a finding was raised from it already)",
            {"finding_id": record.finding_id},
        )
    row = finding_db.add_finding(
        session,
        project,
        source=source,
        source_ref=record.id,
        text=text or record.text,
        photos=loads(record.photos),
        raised_by=guard.principal.user_id or "",
        now=now,
    )
    record.finding_id = row.id
    _file_line(session, project, source, row, now)
    return row


def _file_line(
    session: Session, project: Project, source: str, row: Finding, now: datetime
) -> None:
    what = "群众反馈" if source == "feedback" else "社会监督员观察"
    files.add_entry(
        session,
        project.id,
        at=now,
        side=SUPERVISION,
        kind="finding_raised",
        summary=f"据{what}登记发现的问题：{row.text[:80]}",
        actor="人大工作人员",
        ref=row.id,
        detail={"source": source, "source_ref": row.source_ref},
    )


def finding_view(row: Finding) -> dict[str, Any]:
    return {
        "finding_id": row.id,
        "project_id": row.project_id,
        "source": row.source,
        "source_ref": row.source_ref,
        "state": row.state,
    }


def count_finding(project: Project, source: str) -> None:
    PUBLIC_FINDINGS.inc(project.level, source=source)
