"""Queries of the budget feed's records: claiming due ones under a lease, writing back what an
attempt did, the delivery status lists, and the gauges.

A claim is a lease written into `next_attempt_at` (no column of its own): the claimer moves a
due record's next attempt to the end of its lease, posts it, then writes the result only where
`next_attempt_at` still holds its lease, so a pusher whose lease ran out (it hung, or died and
another took over) cannot overwrite the newer result. On PostgreSQL the candidates are locked
FOR UPDATE SKIP LOCKED, so pushers sharing the database take different records instead of
queuing on the same rows; SQLite has one writer at a time, and the claim's UPDATE checks again
that each record is still due, so two claimers never hold one record either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .models import FeedRecord, Project

RECORDS = FeedRecord.__table__
PROJECTS = Project.__table__


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    body: str
    attempts: int
    due_at: datetime  # its next_attempt_at before the claim: where a release puts it back
    lease: datetime  # its next_attempt_at while claimed: the token the result is written under


def claim_due(
    session: Session, level: str, now: datetime, batch: int, lease: timedelta, orphaned: timedelta
) -> list[Claimed]:
    """Up to `batch` due pending records, oldest due first, leased until now + lease. A level's
    pusher takes its own level's records, and another level's only once they have been due for
    `orphaned` (their pusher is down), so no record waits on a dead level."""
    query = (
        select(RECORDS.c.id, RECORDS.c.next_attempt_at)
        .join(PROJECTS, PROJECTS.c.id == RECORDS.c.project_id)
        .where(RECORDS.c.state == "pending", RECORDS.c.next_attempt_at <= now)
        .order_by(RECORDS.c.next_attempt_at, RECORDS.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True, of=RECORDS)  # nothing on SQLite
    )
    if level != "all":
        query = query.where(
            or_(PROJECTS.c.level == level, RECORDS.c.next_attempt_at <= now - orphaned)
        )
    due = dict(session.execute(query).all())  # a read first: an idle pusher takes no write lock
    if not due:
        session.rollback()
        return []
    until = now + lease
    rows = session.execute(
        update(RECORDS)
        .where(
            RECORDS.c.id.in_(list(due)),
            RECORDS.c.state == "pending",
            RECORDS.c.next_attempt_at <= now,  # still due: nobody claimed it meanwhile
        )
        .values(next_attempt_at=until)
        .returning(RECORDS.c.id, RECORDS.c.kind, RECORDS.c.body, RECORDS.c.attempts)
    ).all()
    session.commit()
    claimed = [Claimed(r.id, r.kind, r.body, r.attempts, due[r.id], until) for r in rows]
    return sorted(claimed, key=lambda c: (c.due_at, c.id))  # RETURNING promises no order


def finish(session: Session, record: Claimed, values: dict[str, Any]) -> bool:
    """Write an attempt's result under the record's lease; False if the lease was lost."""
    done = session.execute(
        update(RECORDS)
        .where(
            RECORDS.c.id == record.id,
            RECORDS.c.state == "pending",
            RECORDS.c.next_attempt_at == record.lease,
        )
        .values(**values)
    )
    session.commit()
    return bool(done.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


def release(session: Session, records: Sequence[Claimed]) -> None:
    """Records claimed but not attempted go back to when they were due, attempts untouched."""
    for record in records:
        session.execute(
            update(RECORDS)
            .where(
                RECORDS.c.id == record.id,
                RECORDS.c.state == "pending",
                RECORDS.c.next_attempt_at == record.lease,
            )
            .values(next_attempt_at=record.due_at)
        )
    session.commit()


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
