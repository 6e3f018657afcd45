"""A consumer's database goes away, or the consumer dies mid-transaction: every event is still
applied exactly once and nothing is dead-lettered (ARCHITECTURE §5).

The consumer is the probe (tests/support/probe) as `make run` would start a worker, on the
retry schedule a deployment runs (1 s, 5 s, 30 s, 2 min). Figures come from its database.
"""

import os
import threading
import time
import uuid
from collections import Counter

import pytest
from contracts.events import PROPOSAL_SUBMITTED
from kombu import Connection
from servicekit import testing, topology
from servicekit.outbox import build_envelope
from sqlalchemy import create_engine, text

from tests.faults.support import declare_probe_queue
from tests.support.events import publish
from tests.support.factories import AREA_CODE, LEVEL, proposal_submitted_payload
from tests.support.probe.service import SUBSCRIPTION

OUTAGE_SECONDS = 20
STREAM_SECONDS = 30
PER_SECOND = 10


def event(title: str) -> dict:
    return build_envelope(
        PROPOSAL_SUBMITTED,
        proposal_submitted_payload(title),
        area_code=AREA_CODE,
        level=LEVEL,
        correlation_id="corr-faults",
    )


def effects(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT event_id FROM effects"))]
    except Exception:
        return []  # the database is down, or the probe has not created its tables yet
    finally:
        engine.dispose()


def dead_letters(amqp_uri: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        return topology.dead_letter_depth(connection, SUBSCRIPTION)


def consumers(amqp_uri: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue = topology.queue_for(SUBSCRIPTION)(connection.default_channel)
        return int(queue.queue_declare(passive=True)[2])


@pytest.fixture
def start_probe(tmp_path, amqp_uri):
    platform = testing.Platform(amqp_uri, str(tmp_path / "probe"))
    declare_probe_queue(amqp_uri)

    def start(database_url: str):
        platform.env["PROBE_DATABASE_URL"] = database_url
        process = platform.start_worker("all", name="probe", service="tests.support.probe")
        testing.wait_until(lambda: consumers(amqp_uri) >= 1, 60, 0.2, "the probe consuming")
        return platform, process

    yield start
    platform.stop_all()


@pytest.fixture
def private_pg():
    if not os.path.exists(os.path.join(testing.PG_BIN, "initdb")):
        testing.unavailable("initdb (to start a private PostgreSQL cluster)")
    cluster = testing.PrivatePostgres().start()
    yield cluster
    cluster.destroy()


def test_a_database_outage_of_20_s_under_a_stream_of_events_loses_and_doubles_nothing(
    start_probe, private_pg, amqp_uri
):
    url = private_pg.create_database("probe")
    platform, _ = start_probe(url)
    stream = [event(f"数据库故障测试 {i}") for i in range(STREAM_SECONDS * PER_SECOND)]
    publisher = threading.Thread(
        target=publish,
        args=(amqp_uri, PROPOSAL_SUBMITTED, *stream),
        kwargs={"per_second": PER_SECOND},
    )
    publisher.start()

    time.sleep(5)
    before_outage = len(effects(url))
    private_pg.stop()
    down_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    private_pg.start()
    down_for = time.monotonic() - down_at
    publisher.join(STREAM_SECONDS * 2)

    expected = {item["event_id"] for item in stream}
    testing.wait_until(
        lambda: len(set(effects(url))) >= len(expected), 120, 0.5, "every event applied"
    )
    time.sleep(2)  # room for a late duplicate to show up, if there were one
    applied = effects(url)
    duplicated = {e: n for e, n in Counter(applied).items() if n > 1}
    retried = platform.log("probe").count("event handler failed; retrying")
    print(
        f"\n  database down {down_for:.1f} s under {PER_SECOND} events/s: "
        f"{len(stream)} published, {len(set(applied))} applied, {len(duplicated)} duplicated, "
        f"{dead_letters(amqp_uri)} dead-lettered, {retried} retried deliveries "
        f"({before_outage} applied before the outage)"
    )
    assert set(applied) == expected
    assert not duplicated
    assert dead_letters(amqp_uri) == 0
    assert retried > 0, "the outage was not felt: nothing retried"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_kill_9_between_effect_and_commit_leaves_the_event_to_be_applied_once(
    start_probe, pg, tmp_path, amqp_uri, backend
):
    url = pg.create("probe") if backend == "postgresql" else f"sqlite:///{tmp_path}/probe.db"
    platform, process = start_probe(url)
    doomed, normal = event(f"KILL-BEFORE-COMMIT {uuid.uuid4().hex[:6]}"), event("正常事件")

    publish(amqp_uri, PROPOSAL_SUBMITTED, doomed)
    process.wait(30)  # the probe killed itself with the effect staged, not committed
    assert process.returncode == -9
    assert effects(url) == []
    platform.processes.pop("probe")

    platform.start_worker("all", name="probe", service="tests.support.probe")
    publish(amqp_uri, PROPOSAL_SUBMITTED, normal)
    testing.wait_until(lambda: len(effects(url)) >= 2, 60, 0.2, "both events applied")
    time.sleep(1)
    assert sorted(effects(url)) == sorted([doomed["event_id"], normal["event_id"]])
    assert dead_letters(amqp_uri) == 0
