"""CollectionService entrypoints wired with nameko's worker_factory: a real migrated SQLite
session, the real outbox writer and a Guard for the caller — no broker."""

from datetime import timedelta

import pytest
from collection.db.models import Notice, Proposal
from servicekit.auth import ANONYMOUS, Principal
from servicekit.clock import utcnow
from servicekit.errors import Forbidden, RuleViolation, Unauthenticated, ValidationFailed
from servicekit.relay import OUTBOX
from sqlalchemy import func, select

from tests.support.collection_worker import collection_worker

STAFF = Principal("u-1", ("government_staff",), "150602")
BODY = {
    "title": "林荫街道停车位改造",
    "description": "小区停车难，希望新增停车位。",
    "category": "交通出行",
    "area_code": "150602001",
    "location": {"text": "林荫街道"},
}


def service(session, principal=ANONYMOUS):
    return collection_worker(session, principal, request_id="req-service-test")


def open_notice(session, area_code="150602001", days=(-1, 30)):
    now = utcnow()
    session.add(
        Notice(
            area_code=area_code,
            area_path="/150600/150602/150602001/",
            level="township",
            year=2027,
            title="征集",
            body="",
            opens_at=now + timedelta(days=days[0]),
            closes_at=now + timedelta(days=days[1]),
            created_by="u-0",
            created_at=now,
        )
    )
    session.commit()


def count(session, what):
    return session.scalar(select(func.count()).select_from(what))


class TestSubmitProposal:
    def test_stores_the_proposal_and_one_outbox_event(self, session):
        open_notice(session)
        created = service(session).submit_proposal(BODY)
        assert created["status"] == "submitted" and created["tracking_code"].startswith("T")
        assert count(session, Proposal) == 1 and count(session, OUTBOX) == 1
        envelope_row = session.execute(select(OUTBOX.c.event_type, OUTBOX.c.envelope)).one()
        assert envelope_row.event_type == "proposal_submitted_v1"
        assert "req-service-test" in envelope_row.envelope

    def test_bad_payload_is_refused_before_anything_is_written(self, session):
        open_notice(session)
        with pytest.raises(ValidationFailed) as refused:
            service(session).submit_proposal({**BODY, "estimated_cost_fen": -5})
        assert "estimated_cost_fen" in refused.value.details
        assert count(session, Proposal) == 0 and count(session, OUTBOX) == 0

    def test_collection_not_open_is_a_rule_violation(self, session):
        open_notice(session, days=(3, 30))
        with pytest.raises(RuleViolation, match="尚未开始"):
            service(session).submit_proposal(BODY)
        assert count(session, OUTBOX) == 0

    def test_staff_channel_needs_a_permitted_role(self, session):
        open_notice(session)
        body = {**BODY, "channel": "hotline"}
        with pytest.raises(Unauthenticated):
            service(session).submit_proposal(body)
        with pytest.raises(Forbidden):
            service(session, Principal("d-1", ("deputy",), "150602")).submit_proposal(body)
        assert service(session, STAFF).submit_proposal(body)["status"] == "submitted"


class TestReading:
    def test_tracking_shows_status_without_personal_data(self, session):
        open_notice(session)
        code = service(session).submit_proposal({**BODY, "submitter_phone": "13800001111"})[
            "tracking_code"
        ]
        tracked = service(session).track_proposal(code.lower())
        assert tracked["status"] == "submitted" and "13800001111" not in str(tracked)

    def test_listing_is_refused_outside_the_callers_area(self, session):
        open_notice(session)
        service(session).submit_proposal(BODY)
        assert service(session, STAFF).list_proposals({"area_code": "150602"})["total"] == 1
        with pytest.raises(Forbidden):
            service(session, STAFF).list_proposals({"area_code": "150622"})


class TestNoticeTimes:
    def test_a_beijing_time_window_means_the_same_instant_on_sqlite(self, session):
        admin = Principal("a-1", ("admin",), "150600")
        created = service(session, admin).create_notice(
            {
                "area_code": "150602001",
                "year": 2027,
                "title": "2027年民生实事征集",
                "opens_at": "2026-12-01T08:00:00+08:00",
                "closes_at": "2027-01-31T20:00:00+08:00",
            }
        )
        session.expire_all()
        listed = service(session).list_notices({"area_code": "150602001"})["items"]
        assert [n["id"] for n in listed] == [created["id"]]
        assert listed[0]["opens_at"].startswith("2026-12-01T00:00:00")  # 08:00 Beijing = 00:00 UTC
        assert listed[0]["closes_at"].startswith("2027-01-31T12:00:00")


class TestNoticesWithin:
    def test_within_lists_the_notices_of_every_area_under_one(self, session):
        admin = Principal("a-1", ("admin",), "150600")
        window = {"opens_at": "2026-12-01T08:00:00+08:00", "closes_at": "2027-01-31T20:00:00+08:00"}
        for code in ("150602", "150602001", "150602100", "150622100"):
            service(session, admin).create_notice(
                {"area_code": code, "year": 2027, "title": f"{code}征集", **window}
            )
        session.expire_all()
        query = {"area_code": "150602", "within": True}
        under = service(session).list_notices(query)["items"]
        assert [n["area_code"] for n in under] == ["150602", "150602001", "150602100"]
        alone = service(session).list_notices({"area_code": "150602"})["items"]
        assert [n["area_code"] for n in alone] == ["150602"]


class TestCreateNotice:
    BODY = {
        "area_code": "150602001",
        "year": 2027,
        "title": "2027年民生实事征集",
        "opens_at": "2026-12-01T08:00:00+08:00",
        "closes_at": "2027-01-31T20:00:00+08:00",
    }

    def test_a_retry_with_the_same_idempotency_key_makes_one_notice(self, session):
        admin = service(session, Principal("a-1", ("admin",), "150600"))
        first = admin.create_notice(self.BODY, "notice-key-1")
        again = admin.create_notice(self.BODY, "notice-key-1")
        assert first["id"] == again["id"]
        assert count(session, Notice) == 1
        other = admin.create_notice(self.BODY, "notice-key-2")
        assert other["id"] != first["id"] and count(session, Notice) == 2

    def test_only_government_staff_in_scope_may_open_one(self, session):
        with pytest.raises(Forbidden):
            service(session, Principal("c-1", ("congress_staff",), "150602")).create_notice(
                self.BODY
            )
        with pytest.raises(Forbidden):
            service(session, Principal("g-1", ("government_staff",), "150622")).create_notice(
                self.BODY
            )
        assert count(session, Notice) == 0
