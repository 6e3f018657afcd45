"""Voting's handle_supervision_satisfaction_vote_requested on PostgreSQL and SQLite: the same
request delivered twice, and published again under a new event id, makes one draft session
with supervision's id; a pending one is made once by the timer's sweep."""

from datetime import UTC, datetime

import pytest
from servicekit.auth import ANONYMOUS
from sqlalchemy import func, select
from voting.db.models import VotingSession
from voting.use_cases import requested

from tests.service.test_voting_satisfaction_requests import (
    adopt_rules,
    deliver,
    import_roster,
    request_payload,
)
from tests.support.voting_worker import migrated_databases, voting_worker

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql", "sqlite"])
def dbs(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        pg = request.getfixturevalue("pg")
        urls = {"voting": pg.create("voting"), "voting_ballots": pg.create("voting_ballots")}
    with migrated_databases(tmp_path, urls) as dbs:
        yield dbs


def sessions_count(dbs) -> int:
    dbs.db.rollback()
    return dbs.db.scalar(select(func.count()).select_from(VotingSession))


def test_one_session_whatever_is_redelivered(dbs):
    adopt_rules(dbs)
    import_roster(dbs)
    payload = request_payload()
    envelope = deliver(dbs, payload)
    voting_worker(dbs, ANONYMOUS).handle_supervision_satisfaction_vote_requested(envelope)
    deliver(dbs, payload)
    assert sessions_count(dbs) == 1
    assert dbs.db.get(VotingSession, payload["session_id"]).kind == "satisfaction"


def test_a_pending_request_becomes_one_session(dbs):
    payload = request_payload()
    deliver(dbs, payload)
    deliver(dbs, payload)
    adopt_rules(dbs)
    import_roster(dbs)
    moment = datetime(2027, 12, 20, tzinfo=UTC)
    assert requested.create_waiting(dbs.db, "all", moment) == 1
    assert requested.create_waiting(dbs.db, "all", moment) == 0
    assert sessions_count(dbs) == 1
