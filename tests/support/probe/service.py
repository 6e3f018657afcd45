"""`python -m servicekit.runner tests.support.probe` (MIGRATE=0): consumes proposal_submitted_v1
idempotently and records one effect row per event it applied, in PROBE_DATABASE_URL.

A proposal's title steers the probe's failures, for the consumer and fault tests:
`FAIL-ALWAYS…` raises on every attempt; `FAIL-ONCE…` raises on its first attempt in this
process; `FAIL-WHILE-BROKEN…` raises while `BROKEN` is set (a bug awaiting its fix);
`KILL-BEFORE-COMMIT…` kills the process (SIGKILL) after staging the effect, before the commit,
the first time it sees the event (a marker file under DATA_DIR remembers it).
"""

import os
import signal
from collections import Counter
from pathlib import Path

from contracts.events import PROPOSAL_SUBMITTED, Subscription
from servicekit.consumer import Delivery, consumes
from servicekit.db import Database
from servicekit.db import metadata as new_metadata
from servicekit.metrics import Metrics
from servicekit.outbox import messaging_tables
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

METADATA: MetaData = new_metadata()
MESSAGING = messaging_tables(METADATA)
EFFECTS = Table(
    "effects",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("proposal_id", String(36), nullable=False),
)
ATTEMPTS: Counter[str] = Counter()  # deliveries handled by this process, per event id
BROKEN = {"now": True}  # in-process tests flip it to "deploy the fix"
SUBSCRIPTION = Subscription(PROPOSAL_SUBMITTED, "probe", "handle_collection_proposal_submitted")


def kill_once(event_id: str) -> None:
    marker = Path(os.environ.get("DATA_DIR", ".")) / f"probe-killed-{event_id}"
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)  # the effect is staged, not committed


class ProbeDatabase(Database):
    def setup(self) -> None:
        super().setup()
        METADATA.create_all(self.engine)  # test-only service: no migrations


class ProbeService:
    name = "probe"

    db = ProbeDatabase("probe")
    metrics = Metrics()

    @consumes(PROPOSAL_SUBMITTED)
    def handle_collection_proposal_submitted(self, event: Delivery) -> None:
        # The effect row goes in first, so a failure after it shows whether it was rolled back.
        self.db.execute(
            insert(EFFECTS).values(
                event_id=event.event_id, proposal_id=str(event.payload["proposal_id"])
            )
        )
        title = event.payload["title"]
        ATTEMPTS[event.event_id] += 1
        if title.startswith("FAIL-ALWAYS"):
            raise RuntimeError("probe told to fail")  # drives the dead-letter test
        if title.startswith("FAIL-WHILE-BROKEN") and BROKEN["now"]:
            raise RuntimeError("probe has a bug")
        if title.startswith("FAIL-ONCE") and ATTEMPTS[event.event_id] == 1:
            raise RuntimeError("probe told to fail once")
        if title.startswith("KILL-BEFORE-COMMIT"):
            kill_once(event.event_id)


SERVICE = ProbeService
LEVELED = False
