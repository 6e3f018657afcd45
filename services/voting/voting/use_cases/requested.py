"""Satisfaction votes supervision asks for (satisfaction_vote_requested_v1): the draft session,
with the id supervision derived (contracts.voting.requested_session_id), made once.

A session needs the area's adopted rules and a roster (sessions.stage_session_row). When either
is missing the request is not lost: it stays `pending` here with the reason, and a timer
(`create_waiting`, every minute, per level) creates the session once the area has both. Staff
then run it as any other satisfaction vote; supervision already knows its id.
"""

import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from contracts import voting as contract
from servicekit import areas
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import sessions as db
from ..db import setup as setup_db
from ..db.models import SatisfactionRequest
from ..metrics import SATISFACTION_REQUESTS
from .sessions import stage_session_row

log = logging.getLogger(__name__)
REQUESTED_BY = "supervision"  # the session's created_by: asked for through supervision
NO_RULES = "本地区尚未通过票决办法 (no voting rules adopted for this area)"
NO_ROSTER = "本地区尚未导入代表名册 (no roster imported for this area)"


def receive(
    session: Session,
    fact: dict[str, Any],
    now: datetime,
    after_commit: Callable[[Callable[[], None]], None] = lambda action: None,
) -> str:
    """Stage the request and, when possible, its session: "created", "pending" or "known"
    (the consumer commits both with the processed event id)."""
    if db.session_row(session, fact["session_id"]) is not None:
        return "known"
    row = session.get(SatisfactionRequest, fact["request_id"], with_for_update=True)
    if row is not None and row.state == "created":
        return "known"
    if row is None:
        row = SatisfactionRequest(
            request_id=fact["request_id"],
            session_id=fact["session_id"],
            area_code=fact["area_code"],
            level=fact["level"],
            year=fact["year"],
            title=fact["title"],
            projects=json.dumps(fact["projects"], ensure_ascii=False),
            state="pending",
            received_at=now,
        )
        session.add(row)
        session.flush()
    outcome = _try_create(session, row, now)
    after_commit(partial(SATISFACTION_REQUESTS.inc, row.level, outcome=outcome))
    return outcome


def create_waiting(session: Session, level: str, now: datetime) -> int:
    """Create, each in its own transaction, the sessions of this level's pending requests whose
    area now has rules and a roster (every level's for an "all" worker)."""
    query = select(SatisfactionRequest.request_id).where(SatisfactionRequest.state == "pending")
    if level != "all":
        query = query.where(SatisfactionRequest.level == level)
    made = 0
    for request_id in list(session.scalars(query)):
        made += _create_one(session, request_id, now)
    return made


def _create_one(session: Session, request_id: str, now: datetime) -> int:
    try:
        row = session.get(SatisfactionRequest, request_id, with_for_update=True)
        created = row is not None and row.state == "pending"
        created = created and _try_create(session, row, now) == "created"  # type: ignore[arg-type]
        session.commit()
    except IntegrityError:  # another worker made it meanwhile: the request is theirs
        session.rollback()
        return 0
    if created:
        SATISFACTION_REQUESTS.inc(row.level, outcome="created")  # type: ignore[union-attr]
    return int(created)


def _try_create(session: Session, row: SatisfactionRequest, now: datetime) -> str:
    if setup_db.rules_version(session, row.area_code, None) is None:
        row.problem = NO_RULES
        return "pending"
    if setup_db.latest_roster(session, row.area_code) is None:
        row.problem = NO_ROSTER
        return "pending"
    data = {
        "kind": contract.SATISFACTION,
        "year": row.year,
        "title": row.title,
        "projects": json.loads(row.projects),
        "rules_version": None,
    }
    place = areas.require(row.area_code)
    stage_session_row(session, place, REQUESTED_BY, data, now, session_id=row.session_id)
    row.state, row.problem, row.created_at = "created", None, now
    log.info("satisfaction session created", extra={"session_id": row.session_id})
    return "created"
