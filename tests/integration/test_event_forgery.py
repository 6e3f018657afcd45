"""A forged event on the broker is refused (issue 11): the attacker publishes a
session_results_announced_v1 straight to voting's exchange, as anyone with broker access can,
and collection — in-process on the real broker, its database on PostgreSQL and on SQLite —
must not mark a single proposal adopted.

Each forgery is dead-lettered at once (one attempt, no retries) with the reason in
`x-minsheng-error`, counted as a `bad_event_signature` security refusal and logged without its
payload; the consumer's database is the same, row for row, as before it arrived; and the
dead-letter replay command leaves it where it is. A genuine event still applies, once.
"""

import copy
import logging
from typing import Any

import pytest
from collection.db.models import Proposal
from collection.service import CollectionService
from contracts.events import SESSION_RESULTS_ANNOUNCED, SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import config, deadletters, event_seal, metrics, retry, topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from servicekit.testing import wait_until
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from tests.support.events import publish
from tests.support.factories import migrated_engine
from tests.support.lists import LIST_AREA, frozen_list, results_payload

pytestmark = pytest.mark.integration

RESULTS = SESSION_RESULTS_ANNOUNCED
SUBSCRIPTION = next(s for s in SUBSCRIPTIONS if s.event is RESULTS)
WRONG_KEY = b"an-attacker-guessed-this-key-0123456789"


def config_key() -> bytes:
    return config.event_key()  # the key this test process shares with the services


@pytest.fixture
def collection(collection_url, tmp_path, amqp_uri, monkeypatch):
    """Collection consuming from its quorum queue, with a frozen list of 12 candidates whose
    candidate_list_frozen_v1 its relay has already sent (so nothing changes on its own)."""
    migrated_engine("collection", collection_url).dispose()
    monkeypatch.setenv("COLLECTION_DATABASE_URL", collection_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, [SUBSCRIPTION])
        topology.queue_for(SUBSCRIPTION)(connection.default_channel).purge()
        topology.dead_letter_queue_for(SUBSCRIPTION)(connection.default_channel).purge()
    engine = make_engine(collection_url)
    frozen, _ = frozen_list(sessionmaker(bind=engine, expire_on_commit=False))
    container = ServiceContainer(CollectionService, {"AMQP_URI": amqp_uri})
    container.start()
    wait_until(lambda: unsent(engine) == 0, 15, what="the frozen list's event sent")
    yield engine, frozen
    container.stop()
    engine.dispose()


def unsent(engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).where(OUTBOX.c.sent_at.is_(None))))


def snapshot(engine) -> dict[str, list[str]]:
    """Every row of every table of the consumer's database."""
    with engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            for table in Proposal.metadata.sorted_tables
        }


def genuine(frozen: dict[str, Any]) -> dict[str, Any]:
    """What voting's outbox would publish: the first ten candidates elected, signed."""
    ids = [c["proposal_id"] for c in frozen["candidates"]]
    return build_envelope(
        RESULTS, results_payload(frozen["id"], ids[:10], ids[10:]), area_code=LIST_AREA,
        level="township", correlation_id="corr-results",
    )  # fmt: skip


def old_envelope(frozen: dict[str, Any]) -> dict[str, Any]:
    """The envelope as it was before issue 11: everything but a signature."""
    forged = genuine(frozen)
    del forged["signature"]
    return forged


def refusals() -> float:
    labels = {"service": "collection", "level": "all", "reason": "bad_event_signature"}
    return metrics.REGISTRY.get_sample_value("minsheng_security_refusals_total", labels) or 0.0


def handled() -> float:
    labels = {"service": "collection", "level": "all", "entrypoint": SUBSCRIPTION.handler}
    value = metrics.REGISTRY.get_sample_value(
        "minsheng_entrypoint_calls_total", {**labels, "outcome": "success"}
    )
    return value or 0.0


def dead_letters(amqp_uri: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        return topology.dead_letter_depth(connection, SUBSCRIPTION)


def parked_letter(amqp_uri: str) -> Any:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        dead = topology.dead_letter_queue_for(SUBSCRIPTION)(connection.default_channel)
        parked = dead.get(no_ack=False)
        parked.requeue()
        return parked


def statuses(engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(Proposal.status, func.count()).group_by(Proposal.status))
        return {status: int(n) for status, n in rows}


def assert_refused(collection, amqp_uri, forged, caplog, reason: str) -> None:
    """Publish `forged` to voting's exchange; it must be parked at once and change nothing."""
    engine, _ = collection
    before, refused_before, handled_before = snapshot(engine), refusals(), handled()
    caplog.set_level(logging.WARNING, logger="minsheng.security")

    publish(amqp_uri, RESULTS, forged)

    wait_until(lambda: dead_letters(amqp_uri) == 1, 15, what="the forgery dead-lettered")
    letter = parked_letter(amqp_uri)
    assert letter.headers[retry.ERROR_TYPE] == "BadEventSignature"
    assert reason in letter.headers[retry.ERROR]
    assert letter.headers[retry.ATTEMPT] == 1  # at once: no retries
    assert refusals() - refused_before == 1
    assert handled() == handled_before  # no worker ran the handler
    assert snapshot(engine) == before  # not one row changed, not even processed_events
    assert statuses(engine) == {"in_library": 12}
    warned = [r for r in caplog.records if getattr(r, "security_event", None)]
    assert [(r.levelname, r.security_event) for r in warned] == [("WARNING", "bad_event_signature")]
    assert reason in warned[0].reason
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert forged["payload"]["digest"] not in logged  # no payload in any log line
    assert forged["payload"]["candidates"][0]["proposal_id"] not in logged


class TestForgedResults:
    def test_a_forged_result_in_the_old_envelope_is_dead_lettered_and_changes_nothing(
        self, collection, amqp_uri, caplog
    ):
        _, frozen = collection
        assert_refused(collection, amqp_uri, old_envelope(frozen), caplog, "unsigned")

    def test_a_result_signed_with_another_key_is_refused(self, collection, amqp_uri, caplog):
        _, frozen = collection
        forged = event_seal.sign(old_envelope(frozen), WRONG_KEY)
        assert_refused(collection, amqp_uri, forged, caplog, "bad signature")

    def test_a_captured_genuine_result_with_its_payload_changed_is_refused(
        self, collection, amqp_uri, caplog
    ):
        _, frozen = collection
        forged = copy.deepcopy(genuine(frozen))  # as copied off the wire
        for candidate in forged["payload"]["candidates"]:
            candidate["elected"] = not candidate["elected"]  # the losers win
        assert_refused(collection, amqp_uri, forged, caplog, "bad signature")

    def test_a_genuine_event_of_another_producer_is_not_a_result(
        self, collection, amqp_uri, caplog
    ):
        # Signed with the platform's key, but as collection's: only voting announces results.
        _, frozen = collection
        forged = event_seal.sign({**genuine(frozen), "source": "collection"}, config_key())
        assert_refused(collection, amqp_uri, forged, caplog, "not signed by its producer")

    def test_replaying_the_dead_letter_does_not_launder_the_forgery(
        self, collection, amqp_uri, caplog, monkeypatch, capsys
    ):
        engine, frozen = collection
        forged = old_envelope(frozen)
        assert_refused(collection, amqp_uri, forged, caplog, "unsigned")
        before = snapshot(engine)

        monkeypatch.setenv("AMQP_URI", amqp_uri)
        assert deadletters.main(["replay", SUBSCRIPTION.queue]) == 0

        out = capsys.readouterr().out
        assert "已重放 0 条" in out and forged["event_id"] in out and "签名无效" in out
        assert dead_letters(amqp_uri) == 1  # back where it was, its error intact
        assert parked_letter(amqp_uri).headers[retry.ERROR_TYPE] == "BadEventSignature"
        assert snapshot(engine) == before


class TestGenuineResults:
    def test_a_genuine_result_applies_once_however_often_it_arrives(self, collection, amqp_uri):
        engine, frozen = collection
        event = genuine(frozen)
        before = handled()

        publish(amqp_uri, RESULTS, event, event, event)  # a replayed capture, twice

        wait_until(lambda: handled() - before >= 3, 15, what="three deliveries handled")
        assert statuses(engine) == {"adopted": 10, "not_adopted": 2}
        with engine.connect() as conn:
            assert conn.execute(select(PROCESSED.c.event_id)).scalars().all() == [event["event_id"]]
        assert dead_letters(amqp_uri) == 0

    def test_a_forgery_in_between_does_not_hold_up_the_genuine_result(self, collection, amqp_uri):
        engine, frozen = collection
        forged = old_envelope(frozen)
        forged["payload"]["candidates"] = []

        publish(amqp_uri, RESULTS, forged, genuine(frozen))

        wait_until(lambda: statuses(engine).get("adopted") == 10, 15, what="the genuine result")
        wait_until(lambda: dead_letters(amqp_uri) == 1, 15, what="the forgery parked")
