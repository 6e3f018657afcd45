"""Pushing records from a table to an outside receiver (servicekit.push: the rules;
servicekit.push_endpoint: the POST): due records leave in batches, each as one signed POST, and
what the receiver answered is written back — the transactional outbox of ARCHITECTURE §5 with
an HTTPS receiver at its end instead of the broker. Implementation's budget feed and
petition's 12345 findings use it, each with its own table of the same columns: `id`, `kind`,
`body` (the exact bytes posted, as text), `state` (pending / delivered / dead), `attempts`,
`next_attempt_at`, `last_error`, `delivered_at`.

A record is written in the transaction of its change, so nothing is lost; the receiver drops a
redelivery by record id, so the rare second post (a pusher that died between the receiver's
answer and writing it down) doubles nothing. No database transaction is open while a record is
on the wire: the claim and each result are short commits of their own.

A claim is a lease written into `next_attempt_at` (no column of its own): the claimer moves a
due record's next attempt to the end of its lease, posts it, then writes the result only where
`next_attempt_at` still holds its lease, so a pusher whose lease ran out (it hung, or died and
another took over) cannot overwrite the newer result. On PostgreSQL the candidates are locked
FOR UPDATE SKIP LOCKED, so pushers sharing the database take different records; SQLite has one
writer at a time, and the claim's UPDATE checks again that each record is still due, so two
claimers never hold one record either. When the receiver looks unavailable (a network error, a
timeout, a 5xx, a 429 …) the rest of the batch goes back untried: while it is down, each tick
spends one request on it.
"""

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, Table, select, update
from sqlalchemy.orm import Session

from . import push as rules
from .clock import utcnow
from .db import UNAVAILABLE

COUNTED = {"delivered": "delivered", "pending": "failed", "dead": "dead"}
# (query, level, due before) → the query narrowed to the level's records, and to another
# level's once they have been due since `due before` (their pusher is down).
Scope = Callable[[Select[Any], str, datetime], Select[Any]]


class Answered(Protocol):
    status: int | None
    error: str | None


class Endpoint(Protocol):
    settings: rules.PushSettings

    def post(self, record_id: str, body: bytes, timestamp: int) -> Answered: ...


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    body: str
    attempts: int
    due_at: datetime  # its next_attempt_at before the claim: where a release puts it back
    lease: datetime  # its next_attempt_at while claimed: the token the result is written under


@dataclass(frozen=True)
class PushQueue:
    """The records of one adapter: its table, and how a level's pusher finds its own."""

    table: Table
    scope: Scope | None = None  # None: every pusher takes every record

    def claim_due(
        self,
        session: Session,
        level: str,
        now: datetime,
        batch: int,
        lease: timedelta,
        orphaned: timedelta,
    ) -> list[Claimed]:
        """Up to `batch` due pending records, oldest due first, leased until now + lease."""
        t = self.table.c
        query = (
            select(t.id, t.next_attempt_at)
            .where(t.state == "pending", t.next_attempt_at <= now)
            .order_by(t.next_attempt_at, t.id)
            .limit(batch)
            .with_for_update(skip_locked=True, of=self.table)  # nothing on SQLite
        )
        if level != "all" and self.scope is not None:
            query = self.scope(query, level, now - orphaned)
        due = dict(session.execute(query).all())  # a read first: an idle pusher takes no lock
        if not due:
            session.rollback()
            return []
        until = now + lease
        rows = session.execute(
            update(self.table)
            .where(t.id.in_(list(due)), t.state == "pending", t.next_attempt_at <= now)
            .values(next_attempt_at=until)
            .returning(t.id, t.kind, t.body, t.attempts)
        ).all()
        session.commit()
        claimed = [Claimed(r.id, r.kind, r.body, r.attempts, due[r.id], until) for r in rows]
        return sorted(claimed, key=lambda c: (c.due_at, c.id))  # RETURNING promises no order

    def finish(self, session: Session, record: Claimed, values: dict[str, Any]) -> bool:
        """Write an attempt's result under the record's lease; False if the lease was lost."""
        done = session.execute(self._leased(record).values(**values))
        session.commit()
        return bool(done.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE

    def release(self, session: Session, records: Sequence[Claimed]) -> None:
        """Records claimed but not attempted go back to when they were due, attempts untouched."""
        for record in records:
            session.execute(self._leased(record).values(next_attempt_at=record.due_at))
        session.commit()

    def _leased(self, record: Claimed) -> Any:
        t = self.table.c
        return update(self.table).where(
            t.id == record.id, t.state == "pending", t.next_attempt_at == record.lease
        )


@dataclass(frozen=True)
class Pusher:
    """One adapter's push loop. `what` names it in log lines ("budget feed"); `counted(record,
    outcome)` counts each written attempt (delivered, failed, dead) in the adapter's metric."""

    queue: PushQueue
    what: str
    log: logging.Logger
    counted: Callable[[Claimed, str, str], None]  # (record, level, outcome)
    batch: int = 50
    orphaned: timedelta = timedelta(seconds=60)  # another level's records, due this long
    tick_seconds: float = 10.0  # a tick claims no more batches after this long
    posting_seconds: float = 60.0  # a batch starts no post after this long

    def lease(self, settings: rules.PushSettings) -> timedelta:
        """Long enough for the batch's last post to start and end before the lease does."""
        return timedelta(seconds=self.posting_seconds + 3 * settings.timeout)

    def push_due(
        self,
        session: Session,
        endpoint: Endpoint,
        level: str,
        clock: Callable[[], datetime] = utcnow,
        jitter: Callable[[], float] = random.random,
    ) -> Counter[str]:
        """Push what is due now; answers how many records were delivered, failed and went dead."""
        counted: Counter[str] = Counter()
        if not endpoint.settings.enabled:
            return counted  # the push is off: records wait, pending
        started = time.monotonic()
        lease = self.lease(endpoint.settings)
        try:
            while time.monotonic() - started < self.tick_seconds:
                claimed = self.queue.claim_due(
                    session, level, clock(), self.batch, lease, self.orphaned
                )
                if not claimed:
                    break
                whole = self._post_batch(session, endpoint, claimed, level, clock, jitter, counted)
                if not whole or len(claimed) < self.batch:
                    break
        except UNAVAILABLE as exc:
            # Records wait in the database; claimed ones come back when their lease ends.
            with suppress(*UNAVAILABLE):
                session.rollback()
            self.log.warning(
                "%s paused: the database is unavailable (%s)", self.what, type(exc).__name__
            )
        return counted

    def _post_batch(
        self,
        session: Session,
        endpoint: Endpoint,
        claimed: Sequence[Claimed],
        level: str,
        clock: Callable[[], datetime],
        jitter: Callable[[], float],
        counted: Counter[str],
    ) -> bool:
        """Post the claimed records in order; False once the receiver looked unavailable or the
        batch ran out of time, the records not yet posted released untried."""
        deadline = time.monotonic() + self.posting_seconds
        for index, record in enumerate(claimed):
            if time.monotonic() > deadline:
                self.queue.release(session, claimed[index:])
                return False
            answer = endpoint.post(record.id, record.body.encode(), int(clock().timestamp()))
            outcome = rules.classify(answer.status)
            step = rules.after_attempt(
                record.attempts, outcome, answer.error, endpoint.settings, jitter()
            )
            self._write(session, record, step, clock(), level, counted)
            if outcome is rules.Outcome.RETRY:
                self.queue.release(session, claimed[index + 1 :])
                return False
        return True

    def _write(
        self,
        session: Session,
        record: Claimed,
        step: rules.Step,
        now: datetime,
        level: str,
        counted: Counter[str],
    ) -> None:
        values: dict[str, Any] = {"state": step.state, "attempts": step.attempts}
        if step.state == "delivered":
            values.update(delivered_at=now, next_attempt_at=now)
        else:
            wait = timedelta(seconds=step.retry_in or 0)
            values.update(last_error=step.error, next_attempt_at=now + wait)
        if not self.queue.finish(session, record, values):
            # Our lease ran out and another pusher has the record: its result stands.
            self.log.warning("%s record lease lost", self.what, extra={"record_id": record.id})
            return
        outcome = COUNTED[step.state]
        counted[outcome] += 1
        self.counted(record, level, outcome)
        extra = {"record_id": record.id, "kind": record.kind}
        if step.state == "dead":
            self.log.warning(
                "%s record given up after %d attempts: %s",
                self.what,
                step.attempts,
                step.error,
                extra=extra,
            )
        elif step.state == "pending":
            self.log.info(
                "%s record not delivered (attempt %d), retry in %.0f s: %s",
                self.what,
                step.attempts,
                step.retry_in or 0,
                step.error,
                extra=extra,
            )
