"""Projects from the vote on the real broker, with implementation in-process and its database on
PostgreSQL and on SQLite: the same announcement delivered twice, and published again under a
new event id (a producer that crashed between publishing and marking its outbox row), makes
each elected candidate one project and one project_created_v1 — and the relay sends them."""

import pytest
from contracts.events import SESSION_RESULTS_ANNOUNCED, SUBSCRIPTIONS
from implementation.db.models import Project
from implementation.service import ImplementationService
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.relay import OUTBOX
from servicekit.testing import wait_until
from sqlalchemy import func, select

from tests.support import projects as p
from tests.support.events import publish
from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

CONSUMED = [s for s in SUBSCRIPTIONS if s.consumer == "implementation"]
SUBSCRIPTION = next(s for s in CONSUMED if s.event is SESSION_RESULTS_ANNOUNCED)
# Who receives what implementation publishes: declared first, as the deploy step does.
PUBLISHED = [s for s in SUBSCRIPTIONS if s.event.source == "implementation"]


@pytest.fixture(params=["postgresql", "sqlite"])
def implementation_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'implementation.db'}"
    return request.getfixturevalue("pg").create("implementation")


@pytest.fixture
def engine(implementation_url, tmp_path, amqp_uri, monkeypatch):
    migrated_engine("implementation", implementation_url).dispose()
    monkeypatch.setenv("IMPLEMENTATION_DATABASE_URL", implementation_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, [*CONSUMED, *PUBLISHED])
        topology.queue_for(SUBSCRIPTION)(connection.default_channel).purge()
    engine = make_engine(implementation_url)
    container = ServiceContainer(ImplementationService, {"AMQP_URI": amqp_uri})
    container.start()
    yield engine
    container.stop()
    engine.dispose()


def count(engine, what, *where) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(what).where(*where)))


def test_a_redelivered_and_a_republished_result_make_each_project_once(engine, amqp_uri):
    payload = p.results(elected=4, other=2)
    first = p.envelope(payload)
    publish(amqp_uri, SESSION_RESULTS_ANNOUNCED, first, first, p.envelope(payload))
    wait_until(lambda: count(engine, PROCESSED) == 2, 20, what="both event ids processed")
    assert count(engine, Project) == 4
    assert count(engine, OUTBOX, OUTBOX.c.event_type == "project_created_v1") == 4
    wait_until(
        lambda: count(engine, OUTBOX, OUTBOX.c.sent_at.is_(None)) == 0, 20, what="events sent"
    )
    with engine.connect() as conn:
        titles = sorted(conn.scalars(select(Project.title)))
    assert titles == sorted(c["title"] for c in payload["candidates"] if c["elected"])
