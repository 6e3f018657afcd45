"""Proposals from petition matters through a real RabbitMQ vhost, on PostgreSQL and SQLite:
CollectionService runs in-process and consumes matter_converted_to_proposal_v1 from its quorum
queue. The same event delivered twice, or the same matter under a new event id, makes one
proposal and one proposal_submitted_v1 in the outbox."""

from datetime import UTC, datetime
from typing import Any

import pytest
from collection.db.models import Proposal
from collection.service import CollectionService
from contracts.events import MATTER_CONVERTED_TO_PROPOSAL, SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import metrics, topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from servicekit.testing import wait_until
from sqlalchemy import func, select

from tests.support.events import publish
from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

SUBSCRIPTION = next(s for s in SUBSCRIPTIONS if s.event is MATTER_CONVERTED_TO_PROPOSAL)
HANDLER = SUBSCRIPTION.handler


def envelope(matter_id: str) -> dict[str, Any]:
    payload = {
        "matter_id": matter_id,
        "area_code": "150602001",
        "level": "township",
        "title": "林荫街道广场翻新",
        "description": "居民扫码向代表反映广场设施老旧。",
        "category": "文化体育",
        "location_text": "林荫街道中心广场",
        "deputy_name": None,
        "converted_at": datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC).isoformat(),
    }
    return build_envelope(
        MATTER_CONVERTED_TO_PROPOSAL,
        payload,
        area_code="150602001",
        level="township",
        correlation_id="corr-matter",
    )


def handled() -> float:
    labels = {"service": "collection", "level": "all", "entrypoint": HANDLER}
    value = metrics.REGISTRY.get_sample_value(
        "minsheng_entrypoint_calls_total", {**labels, "outcome": "success"}
    )
    return value or 0.0


@pytest.fixture
def collection(collection_url, tmp_path, amqp_uri, monkeypatch):
    url = collection_url
    migrated_engine("collection", url).dispose()
    monkeypatch.setenv("COLLECTION_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, [SUBSCRIPTION])
        topology.queue_for(SUBSCRIPTION)(connection.default_channel).purge()
    container = ServiceContainer(CollectionService, {"AMQP_URI": amqp_uri})
    container.start()
    engine = make_engine(url)
    yield engine
    container.stop()
    engine.dispose()


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))


class TestMatterConsumer:
    def test_the_same_event_twice_and_the_same_matter_again_make_one_proposal(
        self, collection, amqp_uri
    ):
        event = envelope("M-2026-0042")
        before = handled()

        publish(amqp_uri, MATTER_CONVERTED_TO_PROPOSAL, event, event, envelope("M-2026-0042"))

        wait_until(lambda: handled() - before >= 3, 20, what="three deliveries handled")
        with collection.connect() as conn:
            rows = conn.execute(
                select(Proposal.channel, Proposal.source_matter_id, Proposal.year)
            ).all()
        assert [tuple(r) for r in rows] == [("petition", "M-2026-0042", 2026)]
        assert count(collection, PROCESSED) == 2  # two event ids, one effect
        with collection.connect() as conn:
            types = conn.execute(select(OUTBOX.c.event_type)).scalars().all()
        assert types == ["proposal_submitted_v1"]

    def test_distinct_matters_make_distinct_proposals(self, collection, amqp_uri):
        before = handled()

        publish(
            amqp_uri, MATTER_CONVERTED_TO_PROPOSAL, *(envelope(f"M-2026-{i:04d}") for i in range(5))
        )

        wait_until(lambda: handled() - before >= 5, 20, what="five matters handled")
        assert count(collection, Proposal.__table__) == 5
