"""Draft lists on PostgreSQL and SQLite: freezing stages exactly one outbox row with the
candidates in ballot order (and the relay delivers it once to a subscribed queue on the real
broker); the vote result is applied once however often its event arrives."""

import json
import uuid
from typing import Any

import pytest
from collection.db.models import CandidateList, Proposal
from collection.gauges import OpenRoundsCollector
from collection.service import CollectionService
from collection.use_cases import lists as use_cases
from collection.use_cases import rounds
from contracts import lists as contract
from contracts.events import (
    CANDIDATE_LIST_FROZEN,
    SESSION_RESULTS_ANNOUNCED,
    SUBSCRIPTIONS,
    Subscription,
)
from kombu import Connection
from servicekit import topology
from servicekit.auth import Guard, Principal
from servicekit.consumer import PROCESSED
from servicekit.errors import RuleViolation
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX, OutboxRelay
from servicekit.runner import subscriptions_of
from servicekit.validation import load
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from tests.support.collection_worker import collection_worker
from tests.support.lists import NOW, frozen_list, results_payload, seed_library

pytestmark = pytest.mark.integration

AREA = "150602001"
STAFF = Principal("g-1", ("government_staff",), "150602")


@pytest.fixture
def sessions(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def guard() -> Guard:
    return Guard(STAFF, "collection", "all")


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table).where(*where)))


def deliver(sessions, envelope: dict[str, Any]) -> bool:
    """One delivery through the real @consumes handler, with its own session."""
    with sessions() as session:
        return collection_worker(session).handle_voting_session_results_announced(envelope)


class TestFreeze:
    def test_stages_exactly_one_event_with_the_candidates_in_ballot_order(self, sessions, engine):
        frozen, latest = frozen_list(sessions)

        with engine.connect() as conn:
            rows = conn.execute(select(OUTBOX.c.event_type, OUTBOX.c.envelope)).all()
        assert [row.event_type for row in rows] == [CANDIDATE_LIST_FROZEN.name]
        payload = json.loads(rows[0].envelope)["payload"]
        assert [c["proposal_id"] for c in payload["candidates"]] == [
            i["proposal_id"] for i in latest
        ]
        assert [c["position"] for c in payload["candidates"]] == list(range(1, 13))
        assert payload["candidate_list_id"] == frozen["id"]
        assert payload["content_hash"] == frozen["content_hash"]
        assert CANDIDATE_LIST_FROZEN.schema().validate(payload) == {}
        assert count(engine, CandidateList.__table__) == 1

    def test_a_refused_freeze_stages_nothing(self, sessions, engine):
        with pytest.raises(RuleViolation, match="至少需要 14 个，还差 2 个"):
            frozen_list(sessions, seats=11)
        assert count(engine, OUTBOX) == 0
        assert count(engine, CandidateList.__table__) == 0


class TestResults:
    def test_the_same_event_twice_has_one_effect(self, sessions, engine):
        frozen, _ = frozen_list(sessions)
        ids = [c["proposal_id"] for c in frozen["candidates"]]
        envelope = build_envelope(
            SESSION_RESULTS_ANNOUNCED,
            results_payload(frozen["id"], ids[:10], ids[10:]),
            area_code=AREA,
            level="township",
            correlation_id="corr-results",
        )

        assert deliver(sessions, envelope) is True
        assert deliver(sessions, envelope) is False

        assert count(engine, PROCESSED) == 1
        assert count(engine, Proposal.__table__, Proposal.status == "adopted") == 10
        assert count(engine, Proposal.__table__, Proposal.status == "not_adopted") == 2
        with sessions() as session:
            row = session.get(CandidateList, frozen["id"])
            assert (row.results_session_id, row.results_digest) == ("S-2027-0001", "d" * 64)

    def test_an_unknown_list_is_processed_without_effect(self, sessions, engine):
        seed = sessions()
        seed_library(seed, AREA, 1)
        seed.close()
        envelope = build_envelope(
            SESSION_RESULTS_ANNOUNCED,
            results_payload(str(uuid.uuid4()), [], []),
            area_code=AREA,
            level="township",
            correlation_id="corr-results",
        )
        assert deliver(sessions, envelope) is True
        assert count(engine, PROCESSED) == 1
        assert count(engine, Proposal.__table__, Proposal.status == "in_library") == 1


@pytest.fixture
def subscription(amqp_uri):
    """A test consumer's queue bound to candidate_list_frozen_v1, declared before publishing."""
    sub = Subscription(CANDIDATE_LIST_FROZEN, "itest", f"handle_frozen_{uuid.uuid4().hex[:8]}")
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare_exchanges(connection, ["collection"])
        topology.declare(connection, [sub])
    yield sub
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.default_channel
        topology.queue_for(sub)(channel).delete()
        topology.dead_letter_queue_for(sub)(channel).delete()


def drain(amqp_uri: str, subscription: Subscription) -> list[Any]:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue = topology.queue_for(subscription)(connection.default_channel)
        messages = []
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
    return messages


class TestPublished:
    def test_the_relay_delivers_the_frozen_list_exactly_once(
        self, sessions, engine, amqp_uri, subscription
    ):
        frozen, _ = frozen_list(sessions)
        relay = OutboxRelay(engine, amqp_uri, "collection")
        try:
            assert relay.relay_once() == 1
            assert relay.relay_once() == 0  # marked sent: never published again
        finally:
            relay.stop()

        messages = drain(amqp_uri, subscription)
        assert len(messages) == 1
        envelope = messages[0].payload
        assert envelope["event_type"] == CANDIDATE_LIST_FROZEN.name
        assert envelope["payload"]["candidate_list_id"] == frozen["id"]
        assert [c["proposal_id"] for c in envelope["payload"]["candidates"]] == [
            c["proposal_id"] for c in frozen["candidates"]
        ]
        assert messages[0].delivery_info["routing_key"] == CANDIDATE_LIST_FROZEN.name


class TestOpenRoundsGauge:
    def samples(self, engine, levels):
        (family,) = OpenRoundsCollector(engine, levels).collect()
        return {sample.labels["level"]: sample.value for sample in family.samples}

    def test_counts_the_rounds_open_now_per_level_from_the_database(self, engine, sessions):
        assert self.samples(engine, ["township", "banner"]) == {"township": 0, "banner": 0}
        with sessions() as session:
            seed_library(session, AREA, 3)
            raw = {"area_code": AREA, "year": 2027, "title": "2027年候选项目"}
            data = load(contract.DraftListCreate, raw)
            draft = use_cases.create_draft_list(session, guard(), data, raw, None, NOW)
        with sessions() as session:
            opened = {
                "recipients": [{"kind": "township", "recipient": "林荫街道", "account": "linyin"}]
            }
            rounds.open_round(session, guard(), draft["id"], opened, NOW)
        assert self.samples(engine, ["township", "banner"]) == {"township": 1, "banner": 0}
        frozen_list(sessions)  # another list: one round opened and closed, then frozen
        assert self.samples(engine, ["township"]) == {"township": 1}


def test_the_runner_finds_consumers_declared_in_mixins():
    found = {s.queue for s in subscriptions_of(CollectionService)}
    assert found == {s.queue for s in SUBSCRIPTIONS if s.consumer == "collection"}
