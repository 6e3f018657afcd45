"""A project's file: writing one entry, reading the file, finding a project."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import FileEntry, Project


def project(session: Session, project_id: str) -> Project | None:
    return session.get(Project, project_id)


def project_by_code(session: Session, public_code: str) -> Project | None:
    return session.scalars(select(Project).where(Project.public_code == public_code)).first()


def add_entry(
    session: Session,
    project_id: str,
    *,
    at: datetime,
    side: str,
    kind: str,
    summary: str,
    actor: str | None = None,
    ref: str | None = None,
    detail: dict[str, Any] | None = None,
) -> FileEntry:
    """Stage one line of the file (the caller commits, with the fact or act it records)."""
    entry = FileEntry(
        project_id=project_id,
        at=at,
        side=side,
        kind=kind,
        summary=summary[:500],
        actor=actor,
        ref=ref,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(entry)
    return entry


def entries(session: Session, project_id: str) -> list[FileEntry]:
    query = select(FileEntry).where(FileEntry.project_id == project_id)
    return list(session.scalars(query.order_by(FileEntry.at, FileEntry.seq)))
