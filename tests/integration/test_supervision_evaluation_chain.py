"""The satisfaction vote across services on the real broker: supervision's request leaves
through its outbox relay, voting (in-process, its own database) makes the draft session with
the id supervision derived, and voting's announced result comes back graded in supervision."""

import pytest
from contracts.events import SATISFACTION_VOTE_COMPLETED, SUBSCRIPTIONS
from kombu import Connection
from nameko.containers import ServiceContainer
from servicekit import topology
from servicekit.db import make_engine
from servicekit.testing import wait_until
from sqlalchemy import func, select
from supervision.db.evaluation_models import SatisfactionVote
from supervision.service import SupervisionService
from voting.db.models import VotingSession
from voting.service import VotingService

from tests.support import supervision_evaluation as e
from tests.support.events import publish
from tests.support.voting_worker import migrated_databases, roster_csv, voting_worker
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

BETWEEN = [s for s in SUBSCRIPTIONS if {s.consumer, s.event.source} <= {"supervision", "voting"}]


@pytest.fixture
def urls(tmp_path, monkeypatch):
    found = {
        name: f"sqlite:///{tmp_path / name}.db"
        for name in ("supervision", "voting", "voting_ballots")
    }
    for name, url in found.items():
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return found


@pytest.fixture
def voting_ready(urls, tmp_path):
    """The banner's rules adopted and its roster of 60 deputies imported."""
    with migrated_databases(tmp_path, {k: urls[k] for k in ("voting", "voting_ballots")}) as dbs:
        staff = voting_worker(dbs, e.STAFF, level="banner")
        staff.adopt_rules(
            {
                "area_code": e.BANNER,
                "adopted_on": "2026-12-01",
                "document_ref": "准人大发〔2026〕1号",
                "publication_channel": "公开栏",
            }
        )
        staff.import_roster(
            {"area_code": e.BANNER, "title": "旗人大代表名册", "csv": roster_csv(60)}
        )


@pytest.fixture
def containers(urls, voting_ready, amqp_uri):
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare(connection, BETWEEN)
        for subscription in BETWEEN:
            topology.queue_for(subscription)(connection.default_channel).purge()
    with migrated_sessions("supervision", None, {"supervision": urls["supervision"]}):
        pass
    started = [
        ServiceContainer(cls, {"AMQP_URI": amqp_uri}) for cls in (SupervisionService, VotingService)
    ]
    for container in started:
        container.start()
    yield
    for container in started:
        container.stop()


def test_the_request_becomes_voting_s_session_and_the_result_comes_back(urls, containers, amqp_uri):
    with migrated_sessions("supervision", None, {"supervision": urls["supervision"]}) as dbs:
        projects = e.add_projects(service_worker("supervision", dbs), e.BANNER, 2)
        vote = service_worker(
            "supervision", dbs, e.STAFF, level="banner"
        ).request_satisfaction_vote(
            {"area_code": e.BANNER, "year": 2027, "title": "2027年满意度测评"}
        )
    voting = make_engine(urls["voting"])
    supervision = make_engine(urls["supervision"])

    def made() -> int:
        with voting.connect() as conn:
            query = select(func.count()).select_from(VotingSession)
            return int(conn.scalar(query.where(VotingSession.id == vote["session_id"])))

    wait_until(lambda: made() == 1, 30, what="voting's draft session")
    payload = e.completed(vote, {projects[0]: (40, 10, 9, 0), projects[1]: (9, 10, 40, 0)}, 59)
    publish(amqp_uri, SATISFACTION_VOTE_COMPLETED, e.completed_envelope(payload))

    def state() -> str:
        with supervision.connect() as conn:
            return conn.scalar(
                select(SatisfactionVote.state).where(SatisfactionVote.id == vote["id"])
            )

    wait_until(lambda: state() == "completed", 30, what="the results applied")
    voting.dispose()
    supervision.dispose()
