"""satisfaction_vote_completed_v1 on the real broker, with supervision in-process and its
database on PostgreSQL and on SQLite: the same result delivered twice, and published again
under a new event id, grades each project once and raises one finding per 不满意 project."""

import pytest
from contracts.events import SATISFACTION_VOTE_COMPLETED, SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import topology
from servicekit.consumer import PROCESSED
from servicekit.db import make_engine
from servicekit.testing import wait_until
from sqlalchemy import func, select
from supervision.db.evaluation_models import SatisfactionResult, SatisfactionVote
from supervision.db.models import FileEntry, Finding
from supervision.service import SupervisionService

from tests.support import supervision_evaluation as e
from tests.support.events import publish
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

CONSUMED = [s for s in SUBSCRIPTIONS if s.consumer == "supervision"]
SUBSCRIPTION = next(s for s in CONSUMED if s.event is SATISFACTION_VOTE_COMPLETED)
PUBLISHED = [s for s in SUBSCRIPTIONS if s.event.source == "supervision"]


@pytest.fixture(params=["postgresql", "sqlite"])
def supervision_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'supervision.db'}"
    return request.getfixturevalue("pg").create("supervision")


@pytest.fixture
def vote(supervision_url, tmp_path):
    """Three projects and a requested vote, staged through the entrypoints."""
    with migrated_sessions("supervision", tmp_path, {"supervision": supervision_url}) as dbs:
        projects = e.add_projects(service_worker("supervision", dbs), e.BANNER, 3)
        vote = service_worker("supervision", dbs, e.STAFF).request_satisfaction_vote(
            {"area_code": e.BANNER, "year": 2027, "title": "满意度测评"}
        )
    return vote, projects


@pytest.fixture
def engine(supervision_url, vote, tmp_path, amqp_uri, monkeypatch):
    monkeypatch.setenv("SUPERVISION_DATABASE_URL", supervision_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, [*CONSUMED, *PUBLISHED])
        topology.queue_for(SUBSCRIPTION)(connection.default_channel).purge()
    engine = make_engine(supervision_url)
    container = ServiceContainer(SupervisionService, {"AMQP_URI": amqp_uri})
    container.start()
    yield engine
    container.stop()
    engine.dispose()


def count(engine, what, *where) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(what).where(*where)))


def test_a_redelivered_and_a_republished_result_apply_once(engine, vote, amqp_uri):
    requested, projects = vote
    counts = {projects[0]: (30, 5, 5, 0), projects[1]: (5, 5, 30, 0), projects[2]: (10, 9, 21, 0)}
    payload = e.completed(requested, counts, valid=40)
    first = e.completed_envelope(payload)
    processed = count(engine, PROCESSED)
    publish(amqp_uri, SATISFACTION_VOTE_COMPLETED, first, first, e.completed_envelope(payload))
    wait_until(
        lambda: count(engine, PROCESSED) == processed + 2, 20, what="both event ids processed"
    )
    assert count(engine, SatisfactionVote, SatisfactionVote.state == "completed") == 1
    assert count(engine, SatisfactionResult) == 3
    assert count(engine, Finding, Finding.source == "satisfaction") == 2
    assert count(engine, FileEntry, FileEntry.kind == "satisfaction_graded") == 3
    with engine.connect() as conn:
        grades = dict(
            conn.execute(select(SatisfactionResult.project_id, SatisfactionResult.grade)).all()
        )
    assert grades == {projects[0]: "满意", projects[1]: "不满意", projects[2]: "不满意"}
