"""Findings: staging one (whatever raised it) and reading them."""

import json
import uuid
from datetime import datetime
from typing import Any

from contracts.reference import LEVEL_LETTERS
from sqlalchemy.orm import Session

from .models import Finding, Project

# "direct": raised on a project by a group member or congress staff outside any inspection;
# "satisfaction": the deputies graded the project 不满意 (the government is told through it).
FINDING_SOURCES = (
    "inspection",
    "checkpoint",
    "feedback",
    "observation",
    "direct",
    "satisfaction",
)
# Findings the government reads as soon as they are raised: the deputies graded the project
# 不满意 — it is told so, whether or not a group hands it over as a rectification request.
TOLD_SOURCES = ("satisfaction",)


def add_finding(
    session: Session,
    project: Project,
    *,
    source: str,
    source_ref: str | None,
    text: str,
    photos: list[dict[str, Any]],
    raised_by: str,
    now: datetime,
    group_id: str | None = None,
) -> Finding:
    """Stage an open finding on a project (the caller writes the file line and commits)."""
    if source not in FINDING_SOURCES:
        raise ValueError(f"unknown finding source {source!r}")
    row = Finding(
        # The level letter first, as projects': the gateway routes /findings/<id> by it.
        id=f"{LEVEL_LETTERS[project.level]}-{uuid.uuid4().hex}",
        project_id=project.id,
        area_code=project.area_code,
        area_path=project.area_path,
        year=project.year,
        group_id=group_id,
        source=source,
        source_ref=source_ref,
        text=text,
        photos=json.dumps(photos, ensure_ascii=False, sort_keys=True),
        state="open",
        raised_by=raised_by,
        raised_at=now,
    )
    session.add(row)
    return row


def finding(session: Session, finding_id: str) -> Finding | None:
    return session.get(Finding, finding_id)
