"""Pushing the budget feed (预算联网监督系统): due records leave the table in batches, each as one
signed POST, and what the receiver answered is written back — the transactional outbox of
ARCHITECTURE §5 with an HTTPS receiver at its end instead of the broker.

A record exists exactly when its change committed (use_cases.feed), so nothing is lost; the
receiver drops a redelivery by record id, so the rare second post (a pusher that died between
the receiver's answer and writing it down) doubles nothing. No database transaction is open
while a record is on the wire: the claim and each result are short commits of their own
(db.feed). When the receiver looks unavailable (a network error, a timeout, a 5xx, a 429 …)
the rest of the batch goes back untried: while it is down, each tick spends one request on it.
"""

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, Protocol

from servicekit.clock import utcnow
from servicekit.db import UNAVAILABLE
from sqlalchemy.orm import Session

from ..db import feed as db
from ..domain import feed_delivery as rules
from ..metrics import FEED_ATTEMPTS

log = logging.getLogger(__name__)
BATCH = 50
ORPHANED = timedelta(seconds=60)  # another level's records, due this long: its pusher is down
TICK_SECONDS = 10.0  # a tick claims no more batches after this long; the timer comes back
POSTING_SECONDS = 60.0  # a batch starts no post after this long: its lease outlasts the last
COUNTED = {"delivered": "delivered", "pending": "failed", "dead": "dead"}


class Answered(Protocol):
    status: int | None
    error: str | None


class Endpoint(Protocol):
    settings: rules.FeedSettings

    def post(self, record_id: str, body: bytes, timestamp: int) -> Answered: ...


def lease(settings: rules.FeedSettings) -> timedelta:
    """Long enough for the batch's last post to start and end before the lease does."""
    return timedelta(seconds=POSTING_SECONDS + 3 * settings.timeout)


def push_due(
    session: Session,
    endpoint: Endpoint,
    level: str,
    clock: Callable[[], datetime] = utcnow,
    jitter: Callable[[], float] = random.random,
) -> Counter[str]:
    """Push what is due now; answers how many records were delivered, failed and went dead."""
    counted: Counter[str] = Counter()
    settings = endpoint.settings
    if not settings.enabled:
        return counted  # the feed is off: records wait, pending (the status says so)
    started = time.monotonic()
    try:
        while time.monotonic() - started < TICK_SECONDS:
            claimed = db.claim_due(session, level, clock(), BATCH, lease(settings), ORPHANED)
            if not claimed:
                break
            whole = _post_batch(session, endpoint, claimed, level, clock, jitter, counted)
            if not whole or len(claimed) < BATCH:
                break
    except UNAVAILABLE as exc:
        # Records wait in the database; claimed ones come back when their lease ends.
        with suppress(*UNAVAILABLE):
            session.rollback()
        log.warning("budget feed paused: the database is unavailable (%s)", type(exc).__name__)
    return counted


def _post_batch(
    session: Session,
    endpoint: Endpoint,
    claimed: Sequence[db.Claimed],
    level: str,
    clock: Callable[[], datetime],
    jitter: Callable[[], float],
    counted: Counter[str],
) -> bool:
    """Post the claimed records in order; False once the receiver looked unavailable or the
    batch ran out of time, the records not yet posted released untried."""
    deadline = time.monotonic() + POSTING_SECONDS
    for index, record in enumerate(claimed):
        if time.monotonic() > deadline:
            db.release(session, claimed[index:])
            return False
        answer = endpoint.post(record.id, record.body.encode(), int(clock().timestamp()))
        outcome = rules.classify(answer.status)
        step = rules.after_attempt(
            record.attempts, outcome, answer.error, endpoint.settings, jitter()
        )
        _write(session, record, step, clock(), level, counted)
        if outcome is rules.Outcome.RETRY:
            db.release(session, claimed[index + 1 :])
            return False
    return True


def _write(
    session: Session,
    record: db.Claimed,
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
    if not db.finish(session, record, values):
        # Our lease ran out and another pusher has the record: its result stands.
        log.warning("budget feed record lease lost", extra={"record_id": record.id})
        return
    outcome = COUNTED[step.state]
    counted[outcome] += 1
    FEED_ATTEMPTS.inc(level, kind=record.kind, outcome=outcome)
    if step.state == "dead":
        log.warning(
            "budget feed record given up after %d attempts: %s",
            step.attempts,
            step.error,
            extra={"record_id": record.id, "kind": record.kind},
        )
    elif step.state == "pending":
        log.info(
            "budget feed record not delivered (attempt %d), retry in %.0f s: %s",
            step.attempts,
            step.retry_in or 0,
            step.error,
            extra={"record_id": record.id, "kind": record.kind},
        )
