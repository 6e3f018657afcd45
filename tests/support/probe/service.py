"""`python -m servicekit.runner tests.support.probe` (MIGRATE=0): consumes proposal_submitted_v1
idempotently and records one effect row per event it applied, in PROBE_DATABASE_URL."""

from typing import Any

from contracts.events import PROPOSAL_SUBMITTED, Subscription
from servicekit.consumer import consume_once, consumes
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
SUBSCRIPTION = Subscription(PROPOSAL_SUBMITTED, "probe", "handle_collection_proposal_submitted")


class ProbeDatabase(Database):
    def setup(self) -> None:
        super().setup()
        METADATA.create_all(self.engine)  # test-only service: no migrations


class ProbeService:
    name = "probe"

    db = ProbeDatabase("probe")
    metrics = Metrics()

    @consumes(PROPOSAL_SUBMITTED)
    def handle_collection_proposal_submitted(self, envelope: dict[str, Any]) -> None:
        def effect(session: Any) -> None:
            if envelope["payload"]["title"].startswith("FAIL-ALWAYS"):
                raise RuntimeError("probe told to fail")  # drives the dead-letter test
            session.execute(
                insert(EFFECTS).values(
                    event_id=envelope["event_id"], proposal_id=envelope["payload"]["proposal_id"]
                )
            )

        consume_once(self.db, envelope, "probe.handle_collection_proposal_submitted", effect)


SERVICE = ProbeService
LEVELED = False
