"""The transactional outbox and its relay against the machine's RabbitMQ, on SQLite and PostgreSQL.

Events staged in a committed transaction reach a pre-declared queue exactly once with their
envelope intact, and only then are their rows marked sent; a rolled-back transaction publishes
nothing; an unreachable broker leaves rows unsent (and visible in the backlog) until it is back;
two relays sharing one database never publish a row twice.
"""

import json
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import eventlet
import pytest
from contracts.envelope import EnvelopeSchema
from contracts.events import PROPOSAL_SUBMITTED, Subscription
from kombu import Connection
from servicekit import topology
from servicekit.db import make_engine
from servicekit.outbox import OutboxWriter, build_envelope
from servicekit.relay import OUTBOX, OutboxRelay
from servicekit.testing import free_port, wait_until
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tests.support.factories import AREA_CODE, LEVEL, migrated_engine, proposal_submitted_payload
from tests.support.stall_proxy import StallProxy

pytestmark = pytest.mark.integration

CORRELATION_ID = "corr-itest"


def proposal_payload(title: str = "修缮林荫街道广场") -> dict[str, Any]:
    return proposal_submitted_payload(title)


def stage(engine, count: int, *, commit: bool = True, relay=None) -> list[dict[str, Any]]:
    """Write `count` proposal_submitted_v1 rows through the outbox in one transaction (handed
    over to `relay` on commit, as a service's Outbox dependency does)."""
    writer = OutboxWriter(OUTBOX, CORRELATION_ID, relay)
    with Session(engine) as session:
        envelopes = [
            writer.add(
                session, PROPOSAL_SUBMITTED, proposal_payload(), area_code=AREA_CODE, level=LEVEL
            )
            for _ in range(count)
        ]
        if commit:
            session.commit()
        else:
            session.rollback()
    return envelopes


def stage_bulk(engine, count: int) -> list[str]:
    """Many rows fast (one INSERT); the envelopes are real ones built by OutboxWriter's rules."""
    rows = []
    for _ in range(count):
        envelope = build_envelope(
            PROPOSAL_SUBMITTED,
            proposal_payload(),
            area_code=AREA_CODE,
            level=LEVEL,
            correlation_id=CORRELATION_ID,
        )
        rows.append(
            {
                "event_id": envelope["event_id"],
                "source": "collection",
                "event_type": PROPOSAL_SUBMITTED.name,
                "level": LEVEL,
                "envelope": json.dumps(envelope, ensure_ascii=False),
                "created_at": datetime.now(UTC),
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(OUTBOX), rows)
    return [row["event_id"] for row in rows]


def unsent(engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(OUTBOX).where(OUTBOX.c.sent_at.is_(None))
        return int(conn.scalar(query))


def sent_ids(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(OUTBOX.c.event_id).where(OUTBOX.c.sent_at.is_not(None))))


def drain(amqp_uri: str, subscription: Subscription) -> list[Any]:
    """Every message now on the subscription's queue, acknowledged (removed)."""
    messages = []
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue = topology.queue_for(subscription)(connection.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
    return messages


def ids_of(messages: list[Any]) -> list[str]:
    return sorted(m.payload["event_id"] for m in messages)


@pytest.fixture
def pg_engine(pg):
    url = pg.create("relay2")
    engine = migrated_engine("collection", url)
    yield engine
    engine.dispose()


@pytest.fixture
def subscription(amqp_uri):
    """A queue of our own bound to collection.events, declared before anything is published."""
    handler = f"handle_collection_proposal_submitted_{uuid.uuid4().hex[:8]}"
    sub = Subscription(PROPOSAL_SUBMITTED, "itest", handler)
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare_exchanges(connection, ["collection"])
        topology.declare(connection, [sub])
    yield sub
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.default_channel
        topology.queue_for(sub)(channel).delete()
        topology.dead_letter_queue_for(sub)(channel).delete()


@pytest.fixture
def relays():
    made: list[OutboxRelay] = []

    def make(engine, uri: str) -> OutboxRelay:
        relay = OutboxRelay(engine, uri, "collection")
        made.append(relay)
        return relay

    yield make
    for relay in made:
        relay.stop()


def unreachable_uri(amqp_uri: str) -> str:
    vhost = amqp_uri.rsplit("/", 1)[1]
    return f"amqp://guest:guest@127.0.0.1:{free_port()}/{vhost}"


def published_by(relay: OutboxRelay, expected: int, what: str) -> int:
    """What the relay publishes over its passes until `expected` or 5 s. Summed: rows written
    together get their times a few ms apart (the first precedes the connection the insert
    opens), so on a busy machine one lease ends, or one row is orphaned, a poll before the
    other."""
    published: list[int] = []

    def done() -> bool:
        published.append(relay.relay_once())
        return sum(published) >= expected

    wait_until(done, 5, 0.1, what)
    return sum(published)


class TestOutboxRelay:
    def test_committed_events_arrive_once_with_their_envelope_and_rows_are_marked_sent(
        self, engine, amqp_uri, subscription, relays
    ):
        envelopes = stage(engine, 3)

        published = relays(engine, amqp_uri).relay_once()

        assert published == 3
        messages = drain(amqp_uri, subscription)
        assert ids_of(messages) == sorted(e["event_id"] for e in envelopes)
        by_id = {m.payload["event_id"]: m for m in messages}
        for envelope in envelopes:
            message = by_id[envelope["event_id"]]
            assert message.payload == envelope
            assert EnvelopeSchema().validate(message.payload) == {}
            assert message.delivery_info["routing_key"] == PROPOSAL_SUBMITTED.name
            assert message.delivery_info["exchange"] == "collection.events"
            assert message.properties["delivery_mode"] == 2
            assert message.headers["nameko.request_id"] == CORRELATION_ID
        assert unsent(engine) == 0
        assert sent_ids(engine) == {e["event_id"] for e in envelopes}

    def test_a_second_pass_publishes_nothing_again(self, engine, amqp_uri, subscription, relays):
        stage(engine, 2)
        relay = relays(engine, amqp_uri)

        assert relay.relay_once() == 2
        assert relay.relay_once() == 0

        assert len(drain(amqp_uri, subscription)) == 2

    def test_a_rolled_back_transaction_publishes_nothing(
        self, engine, amqp_uri, subscription, relays
    ):
        stage(engine, 2, commit=False)

        assert relays(engine, amqp_uri).relay_once() == 0

        assert drain(amqp_uri, subscription) == []
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(OUTBOX)) == 0

    def test_an_unreachable_broker_leaves_rows_unsent_and_in_the_backlog_until_it_is_back(
        self, engine, amqp_uri, subscription, relays
    ):
        staged_at = time.monotonic()
        envelopes = stage(engine, 4)
        time.sleep(0.3)
        relay = relays(engine, unreachable_uri(amqp_uri))

        with pytest.raises(Exception):  # noqa: B017 - whatever kombu raises for a refused connection
            relay.relay_once()

        assert unsent(engine) == 4
        count, age = relay.backlog()
        assert count == 4
        assert 0.3 <= age <= time.monotonic() - staged_at + 1.0
        assert drain(amqp_uri, subscription) == []

        relay.amqp_uri = amqp_uri  # the broker is back
        assert relay.relay_once() == 4

        assert unsent(engine) == 0
        assert relay.backlog() == (0, 0.0)
        messages = drain(amqp_uri, subscription)
        assert ids_of(messages) == sorted(e["event_id"] for e in envelopes)

    def test_a_relay_that_cannot_reach_the_broker_leases_nothing(
        self, engine, amqp_uri, subscription, relays
    ):
        stage(engine, 3)
        failed = relays(engine, unreachable_uri(amqp_uri))
        with pytest.raises(Exception):  # noqa: B017
            failed.relay_once()
        other = relays(engine, amqp_uri)

        assert other.relay_once() == 3  # nothing is held by the failed relay's lease

        assert len(drain(amqp_uri, subscription)) == 3
        assert unsent(engine) == 0

    def test_rows_leased_by_a_relay_that_died_are_taken_over_when_the_lease_ends(
        self, engine, amqp_uri, subscription, relays
    ):
        stage(engine, 3)
        dead = relays(engine, amqp_uri)
        dead.lease = timedelta(seconds=2)
        assert len(dead._claim()) == 3  # claimed, then the process "dies" before publishing
        other = relays(engine, amqp_uri)

        assert other.relay_once() == 0  # still leased to the dead relay
        assert wait_until(other.relay_once, 5, 0.1, "the lease to end") == 3

        assert len(drain(amqp_uri, subscription)) == 3
        assert unsent(engine) == 0

    def test_a_publish_failing_half_way_retries_the_rest_from_memory_without_waiting(
        self, engine, amqp_uri, subscription, relays
    ):
        relay = relays(engine, amqp_uri)
        envelopes = stage(engine, 3, relay=relay)
        real_publish = relay._producer().publish
        calls = []

        def broker_gone_after_one(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise ConnectionError("broker went away")
            return real_publish(*args, **kwargs)

        relay.producer.publish = broker_gone_after_one
        with pytest.raises(ConnectionError):
            relay.relay_once()
        assert unsent(engine) == 3  # one went out, none is marked yet

        assert relay.relay_once() == 2  # the rest at once: they are still leased to us

        assert unsent(engine) == 0
        assert ids_of(drain(amqp_uri, subscription)) == sorted(e["event_id"] for e in envelopes)

    def test_a_committed_event_is_handed_to_the_relay_leased_and_published_without_a_claim(
        self, engine, amqp_uri, subscription, relays
    ):
        relay = relays(engine, amqp_uri)
        envelopes = stage(engine, 2, relay=relay)
        with engine.connect() as conn:
            leases = set(conn.execute(select(OUTBOX.c.claimed_by, OUTBOX.c.claimed_until)))
        assert {by for by, _ in leases} == {relay.worker_id}
        assert [s.event_id for s in relay.handed] == [e["event_id"] for e in envelopes]
        other = relays(engine, amqp_uri)
        assert other.relay_once() == 0  # leased to the relay it was handed to

        assert relay.relay_once() == 2

        assert len(relay.handed) == 0
        assert unsent(engine) == 0
        assert ids_of(drain(amqp_uri, subscription)) == sorted(e["event_id"] for e in envelopes)

    def test_a_rolled_back_transaction_hands_nothing_over(
        self, engine, amqp_uri, subscription, relays
    ):
        relay = relays(engine, amqp_uri)
        stage(engine, 2, commit=False, relay=relay)

        assert len(relay.handed) == 0
        assert relay.relay_once() == 0

    def test_events_handed_to_a_relay_that_died_are_published_by_another_after_the_lease(
        self, engine, amqp_uri, subscription, relays
    ):
        dead = relays(engine, amqp_uri)
        dead.lease = timedelta(seconds=2)
        envelopes = stage(engine, 2, relay=dead)  # committed; the process dies before publishing
        other = relays(engine, amqp_uri)

        assert other.relay_once() == 0
        assert published_by(other, 2, "the lease to end") == 2

        assert ids_of(drain(amqp_uri, subscription)) == sorted(e["event_id"] for e in envelopes)
        assert unsent(engine) == 0

    def test_a_level_relay_leaves_other_levels_events_to_their_relay_until_a_lease_passes(
        self, engine, amqp_uri, subscription
    ):
        stage(engine, 2)  # township events
        banner = OutboxRelay(engine, amqp_uri, "collection", level="banner")
        banner.lease = timedelta(seconds=1)
        try:
            assert banner.relay_once() == 0  # the township relay's to publish
            assert published_by(banner, 2, "the events to be orphaned") == 2
        finally:
            banner.stop()
        assert len(drain(amqp_uri, subscription)) == 2

    def test_two_relays_sharing_one_database_publish_every_row_exactly_once(
        self, pg_engine, amqp_uri, subscription, relays
    ):
        event_ids = stage_bulk(pg_engine, 500)
        # Real OS threads with their own engines, as two processes would have: the claims race
        # in PostgreSQL for real instead of taking turns on one eventlet hub.
        native_threading = eventlet.patcher.original("threading")
        # Each relay has its own engine, as two processes would.
        url = pg_engine.url.render_as_string(hide_password=False)
        engines = [make_engine(url), make_engine(url)]
        published: list[list[int]] = [[], []]
        errors: list[BaseException] = []

        def work(index: int) -> None:
            try:
                relay = OutboxRelay(engines[index], amqp_uri, "collection")
                relay.batch_size = 50  # several rounds each, so the claims interleave
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    count = relay.relay_once()
                    published[index].append(count)
                    if count == 0:
                        if relay.backlog()[0] == 0:
                            break
                        time.sleep(0.01)  # the other relay holds the rest
                relay.stop()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [native_threading.Thread(target=work, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        for engine in engines:
            engine.dispose()

        assert errors == []
        assert not any(thread.is_alive() for thread in threads)
        assert sum(map(sum, published)) == 500
        received = Counter(m.payload["event_id"] for m in drain(amqp_uri, subscription))
        duplicates = sum(received.values()) - len(received)
        assert duplicates == 0
        assert set(received) == set(event_ids)
        assert unsent(pg_engine) == 0

    def test_a_running_relay_picks_up_a_new_row_soon_after_wake(
        self, engine, amqp_uri, subscription, relays
    ):
        relay = relays(engine, amqp_uri)
        relay.idle_poll_seconds = 30  # only wake() can make it look again this soon
        runner = eventlet.spawn(relay.run)
        wait_until(lambda: relay.running, 5, 0.05, "relay loop started")
        eventlet.sleep(0.3)  # let it go idle

        woken_at = time.monotonic()
        envelope = stage(engine, 1)[0]
        relay.wake()
        wait_until(lambda: unsent(engine) == 0, 2, 0.05, "the row to be sent after wake()")

        assert time.monotonic() - woken_at < 2
        messages = drain(amqp_uri, subscription)
        assert [m.payload["event_id"] for m in messages] == [envelope["event_id"]]
        relay.stop()
        runner.wait()

    def test_the_linger_after_a_wake_ends_as_soon_as_the_service_goes_idle(
        self, engine, amqp_uri, subscription, relays
    ):
        relay = relays(engine, amqp_uri)
        relay.idle_poll_seconds = 30
        relay.coalesce_seconds = 30  # only notify_idle() can cut the linger short
        runner = eventlet.spawn(relay.run)
        wait_until(lambda: relay.running, 5, 0.05, "relay loop started")
        eventlet.sleep(0.3)

        stage(engine, 1)
        relay.wake()
        eventlet.sleep(0.3)
        assert unsent(engine) == 1  # still lingering: more commits may join the batch
        relay.notify_idle()
        wait_until(lambda: unsent(engine) == 0, 2, 0.05, "the row to be sent once idle")

        assert len(drain(amqp_uri, subscription)) == 1
        relay.stop()
        runner.wait()

    def test_backlog_reports_the_age_of_the_oldest_unsent_row(self, engine, relays, amqp_uri):
        stage(engine, 2)
        with engine.begin() as conn:
            oldest = conn.scalar(select(func.min(OUTBOX.c.seq)))
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.seq == oldest)
                .values(created_at=datetime.now(UTC) - timedelta(minutes=10))
            )

        count, age = relays(engine, amqp_uri).backlog()

        assert count == 2
        assert 600 <= age < 660


class TestStalledBroker:
    """A broker that stops answering without closing the connection must not stall the relay:
    the confirm it waits for times out, it reconnects, and the event goes out."""

    def test_a_silent_connection_is_abandoned_and_the_event_published_anew(
        self, engine, amqp_uri, subscription, relays
    ):
        proxy = StallProxy(5672)
        vhost = amqp_uri.rsplit("/", 1)[1]
        relay = relays(engine, f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}")
        relay.confirm_timeout = 1.0
        runner = eventlet.spawn(relay.run)
        try:
            stage(engine, 1, relay=relay)
            wait_until(lambda: unsent(engine) == 0, 10, 0.05, "the first event sent")

            proxy.stall()  # the relay's connection goes silent, still open
            stalled_at = time.monotonic()
            envelope = stage(engine, 1, relay=relay)[0]
            wait_until(lambda: unsent(engine) == 0, 15, 0.1, "the event sent after the stall")
            recovered = time.monotonic() - stalled_at
        finally:
            relay.stop()
            runner.kill()
            proxy.close()
        received = ids_of(drain(amqp_uri, subscription))
        assert envelope["event_id"] in received
        assert recovered < 8, f"the relay took {recovered:.1f} s to get past a silent broker"
