"""What became of an adopted proposal, from implementation's events: 已立项 once its project
exists, then the latest reported progress. Both run in the consumer's transaction (the effect
and the processed event id commit together); an older report arriving late changes nothing.
"""

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..db import projects as db
from ..db.models import ProposalProject

log = logging.getLogger(__name__)


def record_project(session: Session, event: dict[str, Any], now: datetime) -> None:
    proposal_id = str(event["proposal_id"])
    if db.proposal(session, proposal_id) is None:
        log.warning(
            "project of an unknown proposal ignored", extra={"project_id": event["project_id"]}
        )
        return
    if db.project_of(session, proposal_id) is None:
        session.add(
            ProposalProject(proposal_id=proposal_id, project_id=event["project_id"], created_at=now)
        )


def record_progress(session: Session, event: dict[str, Any], now: datetime) -> None:
    proposal_id = str(event["proposal_id"])
    if db.proposal(session, proposal_id) is None:
        return  # not a proposal of ours (record_project said so already)
    row = db.project_of(session, proposal_id)
    if row is None or row.project_id != event["project_id"]:
        # The project's own event is on another queue and may come second: retry until it has.
        raise LookupError("项目尚未登记 (project not recorded yet)")
    as_of = event["as_of"].isoformat()
    if row.progress_as_of is not None and as_of < row.progress_as_of:
        return
    row.progress_percent, row.standing = event["actual_percent"], event["standing"]
    row.progress_as_of, row.progress_reported_at = as_of, event["reported_at"]
