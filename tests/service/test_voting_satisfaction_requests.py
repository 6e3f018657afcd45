"""Voting's side of supervision's satisfaction vote (满意度测评): satisfaction_vote_requested_v1
makes the draft session with the id supervision derived — once, whatever is redelivered — and
an area without rules or a roster keeps the request pending until the timer can make it."""

import uuid
from datetime import UTC, datetime

import pytest
from contracts.events import SATISFACTION_VOTE_REQUESTED
from contracts.voting import requested_session_id
from servicekit.auth import ANONYMOUS
from servicekit.outbox import build_envelope
from sqlalchemy import func, select
from voting.db.models import SatisfactionRequest, VotingSession
from voting.use_cases import requested

from tests.support.voting_worker import STAFF, TOWN, migrated_databases, roster_csv, voting_worker


@pytest.fixture
def dbs(tmp_path):
    with migrated_databases(tmp_path) as dbs:
        yield dbs


def request_payload() -> dict:
    request_id = f"T-{uuid.uuid4().hex}"
    return {
        "request_id": request_id,
        "session_id": requested_session_id("township", request_id),
        "area_code": TOWN,
        "level": "township",
        "year": 2027,
        "title": "2027年民生实事项目满意度测评",
        "projects": [{"project_id": f"T-{n:032x}", "title": f"项目{n}"} for n in range(1, 4)],
        "requested_at": "2027-12-20T02:00:00+00:00",
    }


def deliver(dbs, payload: dict) -> None:
    envelope = build_envelope(
        SATISFACTION_VOTE_REQUESTED,
        payload,
        area_code=TOWN,
        level="township",
        correlation_id="corr",
    )
    voting_worker(dbs, ANONYMOUS).handle_supervision_satisfaction_vote_requested(envelope)
    return envelope


def adopt_rules(dbs) -> None:
    voting_worker(dbs, STAFF).adopt_rules(
        {
            "area_code": TOWN,
            "adopted_on": "2026-12-01",
            "document_ref": "薛人大发〔2026〕1号",
            "publication_channel": "镇政府公开栏",
        }
    )


def import_roster(dbs) -> None:
    voting_worker(dbs, STAFF).import_roster(
        {"area_code": TOWN, "title": "镇人大代表名册", "csv": roster_csv(60)}
    )


def sessions_count(dbs) -> int:
    dbs.db.rollback()
    return dbs.db.scalar(select(func.count()).select_from(VotingSession))


def test_the_session_is_made_once_with_supervision_s_id(dbs):
    adopt_rules(dbs)
    import_roster(dbs)
    payload = request_payload()
    envelope = deliver(dbs, payload)
    voting_worker(dbs, ANONYMOUS).handle_supervision_satisfaction_vote_requested(envelope)
    deliver(dbs, payload)  # published again under a new event id
    assert sessions_count(dbs) == 1
    shown = voting_worker(dbs, STAFF).get_session(payload["session_id"])
    assert shown["kind"] == "satisfaction" and shown["state"] == "draft"
    assert shown["deputies_total"] == 60
    assert [c["title"] for c in shown["candidates"]] == ["项目1", "项目2", "项目3"]


def test_an_area_without_rules_or_roster_keeps_the_request_until_it_has_both(dbs):
    payload = request_payload()
    deliver(dbs, payload)
    assert sessions_count(dbs) == 0
    row = dbs.db.get(SatisfactionRequest, payload["request_id"])
    assert row.state == "pending" and "票决办法" in row.problem
    now = datetime(2027, 12, 20, 3, tzinfo=UTC)
    adopt_rules(dbs)
    assert requested.create_waiting(dbs.db, "township", now) == 0
    dbs.db.refresh(row)
    assert row.state == "pending" and "名册" in row.problem
    import_roster(dbs)
    assert requested.create_waiting(dbs.db, "city", now) == 0  # another level's workers
    assert requested.create_waiting(dbs.db, "township", now) == 1
    assert requested.create_waiting(dbs.db, "township", now) == 0
    assert sessions_count(dbs) == 1
    dbs.db.refresh(row)
    assert row.state == "created" and row.problem is None
    deliver(dbs, payload)  # a late redelivery: the session exists
    assert sessions_count(dbs) == 1
