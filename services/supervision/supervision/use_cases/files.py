"""A project's supervision file (监督档案): opened by project_created_v1, read in one page."""

from datetime import datetime
from typing import Any

from contracts.supervision import public_code_for
from servicekit import areas
from sqlalchemy.orm import Session

from ..db import files as db
from ..db.models import Project
from ..metrics import FILES_OPENED

GOVERNMENT = "government"
SUPERVISION = "supervision"
PUBLIC = "public"
DEFAULT_CATEGORY = "其他"


def open_file(session: Session, fact: dict[str, Any], now: datetime) -> Project | None:
    """Stage the project and the first line of its file; a project already known stays as it
    is (the consumer's transaction holds the effect and the processed event id together)."""
    if db.project(session, fact["project_id"]) is not None:
        return None
    place = areas.require(fact["area_code"])
    row = Project(
        id=fact["project_id"],
        public_code=public_code_for(fact["project_id"]),
        area_code=place.code,
        area_path=place.path,
        level=place.level,
        year=fact["year"],
        title=fact["title"],
        category=fact.get("category") or DEFAULT_CATEGORY,
        estimated_cost_fen=fact.get("estimated_cost_fen"),
        proposal_id=str(fact["proposal_id"]),
        session_id=fact["session_id"],
        status="created",
        lead_department=fact.get("lead_department"),
        plan_version=0,
        flagged=False,
        budget_fen=0,
        disbursed_fen=0,
        paid_fen=0,
        overdue_problems=0,
        created_at=now,
    )
    session.add(row)
    session.flush()  # the file's lines reference the project (no relationship orders them)
    db.add_entry(
        session,
        row.id,
        at=fact["created_at"],
        side=GOVERNMENT,
        kind="project_created",
        summary=f"立项：{row.title}（票决结果摘要 {fact['results_digest'][:12]}…）",
        ref=row.session_id,
        detail={"results_digest": fact["results_digest"], "proposal_id": row.proposal_id},
    )
    FILES_OPENED.inc(row.level)
    return row
