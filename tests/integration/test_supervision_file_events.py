"""Supervision's file from implementation's events on PostgreSQL and on SQLite: every consumed
event delivered twice (a redelivery) has one effect — one line, one set of figures, one
processed row — in-process through the consumers, then over the real broker with the service
running as it does in production."""

from datetime import date

import pytest
from contracts.events import SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.testing import wait_until
from sqlalchemy import func, select
from supervision.db.groups_models import PendingFact
from supervision.db.models import FileEntry, Project
from supervision.service import SupervisionService

from tests.support import supervision_facts as f
from tests.support.events import publish
from tests.support.factories import migrated_engine
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

MINE = {
    "project_created_v1": f.created,
    "plan_adopted_v1": f.plan,
    "progress_reported_v1": f.progress,
    "project_flagged_v1": f.flagged,
    "problem_overdue_v1": f.overdue,
    "funds_disbursed_v1": f.funds,
    "project_completed_v1": f.completed,
}
CONSUMED = [s for s in SUBSCRIPTIONS if s.consumer == "supervision" and s.event.name in MINE]


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'supervision.db'}"
    return request.getfixturevalue("pg").create("supervision")


def count(session_or_engine, what, *where) -> int:
    query = select(func.count()).select_from(what).where(*where)
    if hasattr(session_or_engine, "scalar") and not hasattr(session_or_engine, "connect"):
        return int(session_or_engine.scalar(query))
    with session_or_engine.connect() as conn:
        return int(conn.scalar(query))


def figures(row: Project) -> tuple:
    return (
        row.status,
        row.plan_version,
        row.actual_percent,
        row.flagged,
        row.overdue_problems,
        row.disbursed_fen,
        row.completed_on,
    )


def test_each_event_twice_in_process_has_one_effect(url, tmp_path):
    with migrated_sessions("supervision", tmp_path, {"supervision": url}) as sessions:
        consumer = service_worker("supervision", sessions, level="township")
        session = sessions["supervision"]
        early = f.progress(as_of="2026-04-24", actual="20")  # before its project: pending
        assert consumer.handle_implementation_progress_reported(early) is True
        assert consumer.handle_implementation_progress_reported(early) is False
        assert count(session, PendingFact) == 1
        for subscription in CONSUMED:
            event = MINE[subscription.event.name]()
            handler = getattr(consumer, subscription.handler)
            assert handler(event) is True
            assert handler(event) is False  # the redelivery changes nothing
        session.expire_all()
        row = session.get(Project, f.project_id(1))
        assert figures(row) == ("completed", 1, "45.0", True, 1, 50_000_00, date(2026, 11, 20))
        kinds = [k for (k,) in session.execute(select(FileEntry.kind).order_by(FileEntry.seq))]
        assert sorted(kinds) == sorted(
            ["progress_reported", *(n.removesuffix("_v1") for n in MINE)]
        )
        assert count(session, PendingFact) == 0
        assert count(session, PROCESSED) == len(CONSUMED) + 1


@pytest.fixture
def running(url, tmp_path, amqp_uri, monkeypatch):
    migrated_engine("supervision", url).dispose()
    monkeypatch.setenv("SUPERVISION_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, CONSUMED)
        for subscription in CONSUMED:
            topology.queue_for(subscription)(connection.default_channel).purge()
    engine = make_engine(url)
    container = ServiceContainer(SupervisionService, {"AMQP_URI": amqp_uri})
    container.start()
    yield engine
    container.stop()
    engine.dispose()


def test_each_event_twice_over_the_broker_has_one_effect(running, amqp_uri):
    created = f.created(1)
    publish(amqp_uri, CONSUMED[0].event, created, created)
    wait_until(lambda: count(running, Project) == 1, 20, what="the file opened")
    for subscription in CONSUMED[1:]:
        event = MINE[subscription.event.name]()
        publish(amqp_uri, subscription.event, event, event)
    wait_until(lambda: count(running, PROCESSED) == len(CONSUMED), 30, what="every event processed")
    wait_until(lambda: count(running, FileEntry) == len(CONSUMED), 10, what="one line per event")
    with running.connect() as conn:
        status, flagged = conn.execute(select(Project.status, Project.flagged)).one()
    assert (status, flagged) == ("completed", True)
