"""The outbound budget feed through a broker restart: the implementation worker, a real process,
takes disbursements over RPC on a private RabbitMQ node of this test while its pusher sends
their feed records to the test receiver; the node is killed (SIGKILL) and started again in the
middle. Every disbursement the clients saw accepted is stored once and its record arrives at
the receiver exactly once — nothing lost, nothing doubled — on PostgreSQL and on SQLite.

Clients behave as the API asks: one idempotency key per disbursement, the same key on every
retry after an error or a timeout, so a disbursement committed whose answer was lost in the
outage is answered from its first commit, not recorded twice. The machine's shared broker is
never touched; nothing restarts the worker: it must find the restarted node by itself.
"""

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from implementation.db.models import FeedRecord, FundFlow
from implementation.domain.feed_delivery import FeedSettings
from implementation.feed_endpoint import HttpFeedEndpoint
from nameko.standalone.rpc import ClusterRpcProxy
from servicekit import config, testing
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Unauthenticated
from sqlalchemy import func, select

from tests.support import projects as p
from tests.support.factories import migrated_engine
from tests.support.feed_receiver import FeedReceiver
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

FINANCE = Principal("fin-1", ("finance_staff",), p.AREA)
TOTAL = 150
CLIENTS = 6
RESTART_AFTER = 50  # accepted disbursements before the node is killed
DOWN_SECONDS = 3
# Per disbursement: then it counts as not accepted. Generous: on SQLite a worker whose reply is
# stuck on the restarting broker can hold the file's write lock meanwhile (a replayed request
# keeps the transaction write_first opened until the worker's teardown), and every writer waits.
GIVE_UP_SECONDS = 300
CONVERGE_SECONDS = 60
RPC_TIMEOUT = 8


@pytest.fixture
def private_rabbit(tmp_path):
    """A RabbitMQ node of this test's own (the shared one is never stopped); killed at the end."""
    if not os.path.exists(os.path.join(testing.RABBITMQ_SBIN, "rabbitmq-server")):
        testing.unavailable("rabbitmq-server (to start a private node)")
    rabbit = testing.PrivateRabbit(str(tmp_path / "rabbit"))
    try:
        rabbit.start()
        yield rabbit
    finally:
        rabbit.kill()


@pytest.fixture(params=["postgresql", "sqlite"])
def implementation_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'implementation.db'}"
    return request.getfixturevalue("pg").create("implementation")


@pytest.fixture
def receiver():
    receiver = FeedReceiver().start()
    yield receiver
    receiver.stop()


def funded_project(url: str, folder) -> str:
    """A township project from the vote with its budget (200 万元, own funds), seeded directly."""
    feed = HttpFeedEndpoint(FeedSettings())
    with migrated_sessions("implementation", folder, {"implementation": url}) as sessions:
        service_worker(
            "implementation", sessions, ANONYMOUS, feed=feed
        ).handle_voting_session_results_announced(p.envelope(p.results(1, 0)))
        staff = service_worker("implementation", sessions, p.STAFF, feed=feed)
        project_id = staff.list_projects({"area_code": p.AREA})["items"][0]["id"]
        service_worker("implementation", sessions, FINANCE, feed=feed).put_budget(
            project_id,
            {
                "amounts": {"own_fiscal": 200_000_000},
                "pro_code": "P2026-FEED",
                "reason": "年初预算",
            },
        )
    return project_id


def flow(n: int) -> dict:
    return {
        "kind": "disbursement",
        "source": "own_fiscal",
        "amount_fen": 1_000_000 + n,
        "flow_date": "2026-06-01",
        "voucher_no": f"RST-{n:05d}",
        "payee": "准格尔旗某建设有限公司",
    }


def call(uri: str, method: str, *args):
    """One RPC as the finance clerk, sealed now (a seal lives a minute), on a new connection."""
    auth = {"auth": FINANCE.to_context(config.identity_key())}
    with ClusterRpcProxy({"AMQP_URI": uri}, context_data=auth, timeout=RPC_TIMEOUT) as rpc:
        return getattr(rpc.implementation_township, method)(*args)


@pytest.mark.timeout(900)
def test_every_accepted_disbursement_reaches_the_receiver_exactly_once_across_a_broker_restart(
    private_rabbit, implementation_url, receiver, tmp_path
):
    project_id = funded_project(implementation_url, tmp_path)
    engine = migrated_engine("implementation", implementation_url)
    platform = testing.Platform(
        private_rabbit.uri,
        str(tmp_path / "platform"),
        {"IMPLEMENTATION_DATABASE_URL": implementation_url, **receiver.env()},
    )
    platform._start("implementation", "implementation", {"WORKER_LEVEL": "township"})
    try:
        testing.wait_until(
            lambda: _answers(private_rabbit.uri), 60, 0.5, "the implementation worker up"
        )
        accepted, outcomes, timeline = _stream(private_rabbit, project_id, receiver)

        def converged() -> bool:
            with engine.connect() as conn:
                waiting = conn.scalar(select(func.count()).where(FeedRecord.state != "delivered"))
            return waiting == 0 and accepted <= set(receiver.records)

        testing.wait_until(converged, CONVERGE_SECONDS, 0.2, "every record delivered")
        time.sleep(3)  # room for a late second post to show up, if one could
        with engine.connect() as conn:
            flows = list(conn.scalars(select(FundFlow.id)))
            rows = dict(conn.execute(select(FeedRecord.id, FeedRecord.state)).all())
    finally:
        platform.stop_all()
        engine.dispose()

    delivered = {
        rid for rid, body in receiver.records.items() if body["record_type"] == "disbursement"
    }
    print(
        f"\n[feed-broker-restart] {implementation_url.split(':')[0].split('+')[0]}: "
        f"submitted={TOTAL} "
        f"accepted={len(accepted)} flows_stored={len(flows)} records={len(rows)} "
        f"received={len(receiver.records)} disbursements_received={len(delivered)} "
        f"posts={receiver.requests} duplicates={receiver.duplicates()} "
        f"answers={dict(receiver.answers)}\n"
        f"[feed-broker-restart] broker down {timeline['up'] - timeline['killed']:.1f}s after "
        f"{timeline['accepted_at_kill']} accepted, {timeline['posted_at_kill']:.0f} posted; "
        f"{timeline['posted_at_up'] - timeline['posted_at_kill']:.0f} posted while it was down; "
        f"all answered {timeline['answered']:.1f}s, the slowest in {timeline['slowest']:.1f}s; "
        f"client outcomes (retries included) {dict(sorted(outcomes.items()))}"
    )
    assert timeline["accepted_at_kill"] < TOTAL, "the broker went down after the stream ended"
    assert len(accepted) == TOTAL, f"{TOTAL - len(accepted)} disbursements never accepted"
    assert len(flows) == len(set(flows)) == TOTAL and set(flows) == accepted  # none doubled
    assert delivered == accepted  # nothing lost, nothing extra
    assert set(receiver.records) == set(rows) and set(rows.values()) == {"delivered"}
    assert receiver.duplicates() == 0 and receiver.requests == len(rows)  # each posted once
    assert receiver.answers == {200: len(rows)}  # every post signed and fresh


def _answers(uri: str) -> bool:
    try:
        call(uri, "get_status")
    except Exception:
        return False
    return True


def _stream(rabbit: testing.PrivateRabbit, project_id: str, receiver: FeedReceiver):
    lock = threading.Lock()
    outcomes: Counter[str] = Counter()
    accepted: set[str] = set()
    timeline: dict[str, float] = {}
    started = time.monotonic()

    def submit(n: int) -> None:
        first = time.monotonic()
        deadline, pause = first + GIVE_UP_SECONDS, 0.2
        while time.monotonic() < deadline:
            try:
                answer = call(rabbit.uri, "add_fund_flow", project_id, flow(n), f"restart-{n}")
            except Unauthenticated:
                raise
            except Exception as exc:  # the broker away, a lost reply: the same key again
                with lock:
                    outcomes[type(exc).__name__] += 1
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            with lock:
                outcomes["accepted"] += 1
                accepted.add(answer["id"])
                timeline["slowest"] = max(timeline.get("slowest", 0.0), time.monotonic() - first)
            return

    def chaos() -> None:
        testing.wait_until(lambda: len(accepted) >= RESTART_AFTER, 120, 0.02, "accepted flows")
        timeline["accepted_at_kill"] = len(accepted)
        timeline["killed"], timeline["posted_at_kill"] = time.monotonic(), receiver.requests
        rabbit.kill()
        time.sleep(DOWN_SECONDS)
        rabbit.start()
        timeline["up"], timeline["posted_at_up"] = time.monotonic(), receiver.requests

    chaos_thread = threading.Thread(target=chaos, daemon=True)
    chaos_thread.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(submit, range(TOTAL)))
    timeline["answered"] = time.monotonic() - started
    chaos_thread.join(120)
    assert "up" in timeline, "the broker was not restarted"
    return accepted, outcomes, timeline
