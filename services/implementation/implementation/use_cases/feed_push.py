"""Pushing the budget feed (预算联网监督系统): due records leave the table in batches, each as one
signed POST, and what the receiver answered is written back — servicekit.push_queue's loop
(shared with petition's 12345 adapter) over the feed's table (db.feed), counted in
`minsheng_implementation_feed_attempts_total`.

A record exists exactly when its change committed (use_cases.feed), so nothing is lost; the
receiver drops a redelivery by record id. No database transaction is open while a record is on
the wire. When the receiver looks unavailable the rest of the batch goes back untried.
"""

import logging
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from servicekit.clock import utcnow
from servicekit.push_queue import Claimed, Endpoint, Pusher
from sqlalchemy.orm import Session

from ..db import feed as db
from ..domain import feed_delivery as rules
from ..metrics import FEED_ATTEMPTS

log = logging.getLogger(__name__)
BATCH = 50
ORPHANED = timedelta(seconds=60)  # another level's records, due this long: its pusher is down
TICK_SECONDS = 10.0  # a tick claims no more batches after this long; the timer comes back
POSTING_SECONDS = 60.0  # a batch starts no post after this long: its lease outlasts the last


def _counted(record: Claimed, level: str, outcome: str) -> None:
    FEED_ATTEMPTS.inc(level, kind=record.kind, outcome=outcome)


PUSHER = Pusher(
    db.QUEUE, "budget feed", log, _counted, BATCH, ORPHANED, TICK_SECONDS, POSTING_SECONDS
)


def lease(settings: rules.FeedSettings) -> timedelta:
    """Long enough for the batch's last post to start and end before the lease does."""
    return PUSHER.lease(settings)


def push_due(
    session: Session,
    endpoint: Endpoint,
    level: str,
    clock: Callable[[], datetime] = utcnow,
    jitter: Callable[[], float] = random.random,
) -> Counter[str]:
    """Push what is due now; answers how many records were delivered, failed and went dead."""
    return PUSHER.push_due(session, endpoint, level, clock, jitter)
