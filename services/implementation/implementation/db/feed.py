"""Queries of the budget feed's records: claiming due ones under a lease, writing back what an
attempt did, the delivery status lists, and the gauges.

The claims are servicekit.push_queue's (shared with petition's 12345 adapter) over this
table, a level's pusher taking its own projects' records first: a claim is a lease written
into `next_attempt_at`, a result is written only under its lease, and pushers sharing the
database take different records (FOR UPDATE SKIP LOCKED on PostgreSQL).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from servicekit.push_queue import Claimed, PushQueue
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from .models import FeedRecord, Project

RECORDS = FeedRecord.__table__
PROJECTS = Project.__table__

__all__ = ["QUEUE", "Claimed", "claim_due", "finish", "release"]


def _level_scope(query: Select[Any], level: str, due_before: datetime) -> Select[Any]:
    """A level's pusher takes its own level's records (the project's level), and another
    level's only once they have been due that long (their pusher is down)."""
    return query.join(PROJECTS, PROJECTS.c.id == RECORDS.c.project_id).where(
        or_(PROJECTS.c.level == level, RECORDS.c.next_attempt_at <= due_before)
    )


QUEUE = PushQueue(RECORDS, _level_scope)  # type: ignore[arg-type]  # a declarative Table


def claim_due(
    session: Session, level: str, now: datetime, batch: int, lease: timedelta, orphaned: timedelta
) -> list[Claimed]:
    """Up to `batch` due pending records, oldest due first, leased until now + lease. A level's
    pusher takes its own level's records, and another level's only once they have been due for
    `orphaned` (their pusher is down), so no record waits on a dead level."""
    return QUEUE.claim_due(session, level, now, batch, lease, orphaned)


def finish(session: Session, record: Claimed, values: dict[str, Any]) -> bool:
    """Write an attempt's result under the record's lease; False if the lease was lost."""
    return QUEUE.finish(session, record, values)


def release(session: Session, records: Sequence[Claimed]) -> None:
    """Records claimed but not attempted go back to when they were due, attempts untouched."""
    QUEUE.release(session, records)


def record(
    session: Session, record_id: str, lock: bool = False
) -> tuple[FeedRecord, Project] | None:
    query = (
        select(FeedRecord, Project)
        .join(Project, Project.id == FeedRecord.project_id)
        .where(FeedRecord.id == record_id)
    )
    row = session.execute(query.with_for_update(of=FeedRecord) if lock else query).first()
    return None if row is None else (row[0], row[1])


def records_page(
    session: Session, area_path: str, state: str | None, page: int, size: int
) -> tuple[Sequence[tuple[FeedRecord, Project]], int]:
    query = (
        select(FeedRecord, Project)
        .join(Project, Project.id == FeedRecord.project_id)
        .where(Project.area_path.startswith(area_path, autoescape=True))
    )
    if state is not None:
        query = query.where(FeedRecord.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(FeedRecord.created_at.desc(), FeedRecord.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return [(r, p) for r, p in rows], int(total)


def state_counts(session: Session, area_path: str) -> dict[str, int]:
    query = (
        select(FeedRecord.state, func.count())
        .join(Project, Project.id == FeedRecord.project_id)
        .where(Project.area_path.startswith(area_path, autoescape=True))
        .group_by(FeedRecord.state)
    )
    return {state: int(n) for state, n in session.execute(query)}


def backlog_by_level(session: Session) -> dict[tuple[str, str], tuple[int, datetime | None]]:
    """(level, state) → (records, the oldest one's created_at), for pending and dead records."""
    query = (
        select(Project.level, FeedRecord.state, func.count(), func.min(FeedRecord.created_at))
        .join(Project, Project.id == FeedRecord.project_id)
        .where(FeedRecord.state.in_(("pending", "dead")))
        .group_by(Project.level, FeedRecord.state)
    )
    return {(level, state): (int(n), oldest) for level, state, n, oldest in session.execute(query)}
