"""Exactly-once consumers, retries with backoff and dead letters, with the probe service
in-process on the real broker and its database on PostgreSQL and on SQLite.

The probe (tests/support/probe) consumes proposal_submitted_v1 from its quorum queue and writes one
effect row per event it applies, recording the event id in the same transaction. A redelivered or
duplicated event changes nothing; a failed attempt leaves nothing behind and is retried after a
delay; a handler that keeps failing parks the event in `<queue>.dead` with its error after the
last delay, visibly in metrics. The delays are shortened here (EVENT_RETRY_DELAYS).
"""

import time
from typing import Any

import eventlet
import pytest
from contracts.events import PROPOSAL_SUBMITTED
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import config, deadletters, event_seal, metrics, retry, topology
from servicekit.db import make_engine
from servicekit.outbox import build_envelope
from servicekit.testing import wait_until
from sqlalchemy import func, select

from tests.support.events import publish
from tests.support.factories import AREA_CODE, LEVEL, proposal_submitted_payload
from tests.support.probe import service as probe_service
from tests.support.probe.service import EFFECTS, MESSAGING, SUBSCRIPTION, ProbeService

pytestmark = pytest.mark.integration

PROCESSED = MESSAGING["processed_events"]
HANDLER = SUBSCRIPTION.handler


def envelope(title: str = "修缮林荫街道广场") -> dict[str, Any]:
    payload = proposal_submitted_payload(title)
    return build_envelope(
        PROPOSAL_SUBMITTED, payload, area_code=AREA_CODE, level=LEVEL, correlation_id="corr-itest"
    )


def effect_of(event: dict[str, Any]) -> tuple[str, str]:
    return (event["event_id"], event["payload"]["proposal_id"])


def handled(outcome: str = "success") -> float:
    value = metrics.REGISTRY.get_sample_value(
        "minsheng_entrypoint_calls_total",
        {"service": "probe", "level": "all", "entrypoint": HANDLER, "outcome": outcome},
    )
    return value or 0.0


def handler_failures() -> float:
    value = metrics.REGISTRY.get_sample_value(
        "minsheng_event_handler_failures_total",
        {"service": "probe", "level": "all", "entrypoint": HANDLER},
    )
    return value or 0.0


def delete_probe_queues(amqp_uri: str) -> None:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.default_channel
        topology.queue_for(SUBSCRIPTION)(channel).delete()
        topology.dead_letter_queue_for(SUBSCRIPTION)(channel).delete()


def ready_in_main_queue(amqp_uri: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue = topology.queue_for(SUBSCRIPTION)(connection.default_channel)
        _, count, _ = queue.queue_declare(passive=True)
    return int(count)


def dead_letters(amqp_uri: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        return topology.dead_letter_depth(connection, SUBSCRIPTION)


def wait_for_dead_letters(amqp_uri: str, depth: int) -> None:
    wait_until(lambda: dead_letters(amqp_uri) == depth, 30, what=f"{depth} dead letter(s)")


def parked_letter(amqp_uri: str) -> Any:
    """The first dead letter, looked at and put back."""
    with Connection(amqp_uri, connect_timeout=5) as connection:
        dead = topology.dead_letter_queue_for(SUBSCRIPTION)(connection.default_channel)
        parked = dead.get(no_ack=False)
        parked.requeue()
        return parked


class Probe:
    def __init__(self, url: str, amqp_uri: str):
        self.engine = make_engine(url)
        self.amqp_uri = amqp_uri

    def count(self, table) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(table)))

    def effects(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(EFFECTS.c.event_id, EFFECTS.c.proposal_id))
            return [tuple(row) for row in rows]

    def processed(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(PROCESSED.c.event_id, PROCESSED.c.handler))
            return [tuple(row) for row in rows]


DELAYS = (0.3, 0.3, 0.3, 0.3)  # four retries: five attempts in all, 1.2 s of waiting


@pytest.fixture(params=["postgresql", "sqlite"])
def probe_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'probe.db'}"
    return request.getfixturevalue("pg").create("probe")


@pytest.fixture
def start_probe(probe_url, amqp_uri, monkeypatch):
    """Start the probe in-process; `deployed` declares its queues first, as the deploy job would."""
    started: list[tuple[ServiceContainer, Probe]] = []
    monkeypatch.setenv("EVENT_RETRY_DELAYS", ",".join(map(str, DELAYS)))

    def start(deployed: bool = True) -> Probe:
        url = probe_url
        monkeypatch.setenv("PROBE_DATABASE_URL", url)
        delete_probe_queues(amqp_uri)  # nothing left over from another test of this session
        if deployed:
            with Connection(amqp_uri, connect_timeout=5) as connection:
                topology.declare(connection, [SUBSCRIPTION])
        container = ServiceContainer(ProbeService, {"AMQP_URI": amqp_uri})
        container.start()
        probe = Probe(url, amqp_uri)
        started.append((container, probe))
        return probe

    yield start
    for container, probe in started:
        container.stop()
        probe.engine.dispose()
    delete_probe_queues(amqp_uri)


@pytest.fixture
def probe(start_probe):
    return start_probe()


class TestIdempotentConsumer:
    def test_one_event_makes_one_effect(self, probe, amqp_uri):
        event = envelope()

        publish(amqp_uri, PROPOSAL_SUBMITTED, event)

        wait_until(lambda: probe.count(EFFECTS) == 1, 10, what="the effect row")
        assert probe.effects() == [effect_of(event)]
        assert probe.processed() == [(event["event_id"], f"probe.{HANDLER}")]

    def test_the_same_event_five_times_makes_one_effect(self, probe, amqp_uri):
        event = envelope()
        before = handled()

        publish(amqp_uri, PROPOSAL_SUBMITTED, *[event] * 5)

        wait_until(lambda: handled() - before >= 5, 15, what="all five deliveries handled")
        assert probe.effects() == [effect_of(event)]
        assert probe.count(PROCESSED) == 1
        assert ready_in_main_queue(amqp_uri) == 0

    def test_fifty_distinct_events_published_concurrently_make_fifty_effects(self, probe, amqp_uri):
        events = [envelope(f"并发建议 {i}") for i in range(50)]
        before = handled()

        pool = eventlet.GreenPool(5)
        for start in range(0, 50, 10):
            pool.spawn(publish, amqp_uri, PROPOSAL_SUBMITTED, *events[start : start + 10])
        pool.waitall()

        wait_until(lambda: handled() - before >= 50, 30, what="fifty events handled")
        effects = probe.effects()
        assert len(effects) == 50
        assert sorted(effects) == sorted(effect_of(e) for e in events)
        assert probe.count(PROCESSED) == 50


class TestRetries:
    def test_a_failed_attempt_leaves_nothing_and_the_retry_applies_it_once(self, probe, amqp_uri):
        failures_before = handler_failures()
        event = envelope("FAIL-ONCE 第一次处理失败")

        publish(amqp_uri, PROPOSAL_SUBMITTED, event)

        wait_until(lambda: probe.count(EFFECTS) == 1, 15, what="the retried effect")
        assert handler_failures() - failures_before == 1
        assert probe.effects() == [effect_of(event)]  # the failed attempt's row rolled back
        assert probe.processed() == [(event["event_id"], f"probe.{HANDLER}")]
        assert dead_letters(amqp_uri) == 0

    def test_retries_wait_their_delays_before_the_dead_letter(self, probe, amqp_uri):
        started = time.monotonic()
        publish(amqp_uri, PROPOSAL_SUBMITTED, envelope("FAIL-ALWAYS 等待重试"))

        wait_for_dead_letters(amqp_uri, 1)
        assert time.monotonic() - started >= sum(DELAYS) * 0.9  # the broker's TTL clock


class TestDeadLetters:
    def test_an_event_whose_handler_keeps_failing_lands_in_the_dead_letter_queue(
        self, probe, amqp_uri
    ):
        failures_before = handler_failures()
        event = envelope("FAIL-ALWAYS 这条建议让探针报错")

        publish(amqp_uri, PROPOSAL_SUBMITTED, event)

        wait_for_dead_letters(amqp_uri, 1)
        assert handler_failures() - failures_before == len(DELAYS) + 1  # every attempt, no more
        assert ready_in_main_queue(amqp_uri) == 0
        assert probe.count(EFFECTS) == 0
        assert probe.count(PROCESSED) == 0  # the failed attempts recorded nothing either
        parked = parked_letter(amqp_uri)
        assert parked.payload == event
        assert parked.headers[retry.ERROR] == "RuntimeError: probe told to fail"
        assert parked.headers[retry.ATTEMPT] == len(DELAYS) + 1
        assert parked.headers[retry.ORIGIN] == SUBSCRIPTION.queue

    def test_an_event_that_breaks_its_contract_is_parked_at_once(self, probe, amqp_uri):
        failures_before = handler_failures()
        event = envelope("合同之外")
        event["payload"]["category"] = "不存在的类别"
        event = event_seal.sign(event, config.event_key())  # its producer's bug, signed

        publish(amqp_uri, PROPOSAL_SUBMITTED, event)

        wait_for_dead_letters(amqp_uri, 1)
        assert handler_failures() - failures_before == 1  # retrying cannot fix a bad payload
        assert parked_letter(amqp_uri).headers[retry.ERROR_TYPE] == "InvalidEvent"

    def test_dead_letter_depth_is_reported_to_metrics(self, probe, amqp_uri):
        publish(amqp_uri, PROPOSAL_SUBMITTED, envelope("FAIL-ALWAYS 再一次"))
        wait_for_dead_letters(amqp_uri, 1)

        families = list(metrics.DeadLetterCollector(amqp_uri, [SUBSCRIPTION]).collect())

        samples = [(s.labels, s.value) for family in families for s in family.samples]
        assert samples == [({"queue": SUBSCRIPTION.queue}, 1.0)]

    def test_a_failing_event_does_not_hold_up_the_good_ones(self, probe, amqp_uri):
        bad, good = envelope("FAIL-ALWAYS 坏的"), envelope("好的")

        publish(amqp_uri, PROPOSAL_SUBMITTED, bad, good)

        wait_until(lambda: probe.count(EFFECTS) == 1, 15, what="the good event's effect")
        wait_for_dead_letters(amqp_uri, 1)
        assert probe.effects() == [effect_of(good)]

    def test_a_consumer_started_without_the_deploy_job_still_parks_failures(
        self, start_probe, amqp_uri
    ):
        # The subscription was never declared up front: the consumer must declare its own
        # dead-letter queue, or a dead-lettered event would vanish without trace.
        probe = start_probe(deployed=False)
        event = envelope("FAIL-ALWAYS 没有部署声明")

        publish(amqp_uri, PROPOSAL_SUBMITTED, event)

        wait_for_dead_letters(amqp_uri, 1)
        assert probe.count(EFFECTS) == 0


class TestReplay:
    """python -m servicekit.deadletters: list shows the letters and changes nothing; replay puts
    the chosen ones back as first attempts, and the idempotent consumer applies each once."""

    def run(self, amqp_uri, monkeypatch, capsys, *args):
        monkeypatch.setenv("AMQP_URI", amqp_uri)
        assert deadletters.main(list(args)) == 0
        return capsys.readouterr().out

    def test_list_then_replay_after_the_fix(self, probe, amqp_uri, monkeypatch, capsys):
        monkeypatch.setitem(probe_service.BROKEN, "now", True)
        first, second = envelope("FAIL-WHILE-BROKEN 一"), envelope("FAIL-WHILE-BROKEN 二")
        publish(amqp_uri, PROPOSAL_SUBMITTED, first, second)
        wait_for_dead_letters(amqp_uri, 2)

        listed = self.run(amqp_uri, monkeypatch, capsys, "list", SUBSCRIPTION.queue)
        assert "2 条死信" in listed and first["event_id"] in listed
        assert "RuntimeError: probe has a bug" in listed
        assert dead_letters(amqp_uri) == 2  # listing took nothing away

        monkeypatch.setitem(probe_service.BROKEN, "now", False)  # the fix is deployed
        out = self.run(
            amqp_uri,
            monkeypatch,
            capsys,
            "replay",
            f"{SUBSCRIPTION.queue}.dead",
            "--id",
            first["event_id"],
        )
        assert "已重放 1 条" in out
        wait_until(lambda: probe.effects() == [effect_of(first)], 15, what="the replayed effect")
        assert dead_letters(amqp_uri) == 1  # the other one stays parked

        self.run(amqp_uri, monkeypatch, capsys, "replay", SUBSCRIPTION.queue)
        self.run(amqp_uri, monkeypatch, capsys, "replay", SUBSCRIPTION.queue)  # nothing left
        wait_until(lambda: probe.count(EFFECTS) == 2, 15, what="both effects")
        assert sorted(probe.effects()) == sorted([effect_of(first), effect_of(second)])
        assert dead_letters(amqp_uri) == 0

    def test_an_unknown_queue_is_refused_with_the_known_ones(self, amqp_uri, monkeypatch):
        monkeypatch.setenv("AMQP_URI", amqp_uri)
        with pytest.raises(SystemExit, match="未知的队列"):
            deadletters.main(["list", "evt-nosuch"])
