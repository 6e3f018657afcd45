"""Collection's use cases on PostgreSQL: a real Session, the real outbox writer and a Guard.

A proposal and its event are written in one transaction (or not at all); idempotency keys make a
retried submission return the first result; staff lists follow the area tree by path prefix and
paginate; a closed collection refuses with the time it closed.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import servicekit.outbox
from collection.db import intake as db
from collection.db.models import Attachment, Supporter
from collection.use_cases import intake as use_cases
from contracts import rpc as contract
from contracts.events import PROPOSAL_SUBMITTED
from servicekit.auth import Guard, Principal
from servicekit.errors import Conflict, RuleViolation
from servicekit.idempotency import KEYS
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
STAFF = Principal("staff-1", ("admin",), "150600")  # the whole city
# Children first: every submission also writes its bigrams (duplicate suggestions).
TABLES = (
    OUTBOX,
    KEYS,
    Supporter.__table__,
    Attachment.__table__,
    db.Proposal.__table__,
    db.Notice.__table__,
)


@pytest.fixture(scope="module")
def engine(pg):
    url = pg.create("collection")
    engine = migrated_engine("collection", url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    yield factory
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(delete(table))


@pytest.fixture
def session(sessions):
    with sessions() as session:
        yield session


def guard(principal: Principal = STAFF) -> Guard:
    return Guard(principal, "collection", "all")


def outbox() -> OutboxWriter:
    return OutboxWriter(OUTBOX, "corr-1")


def open_notice(
    session: Session, area_code: str, *, closes_at: datetime | None = None
) -> dict[str, Any]:
    raw = {
        "area_code": area_code,
        "year": 2027,
        "title": "2027年民生实事项目征集",
        "opens_at": (NOW - timedelta(days=10)).isoformat(),
        "closes_at": (closes_at or NOW + timedelta(days=30)).isoformat(),
    }
    data = load(contract.NoticeCreate, raw)
    return use_cases.create_notice(session, guard(), data, raw, None, NOW - timedelta(days=11))


def raw_proposal(
    area_code: str = "150602001", title: str = "修缮林荫街道广场", **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "description": "广场地面破损，雨天积水，老人散步不便。",
        "category": "基础设施",
        "area_code": area_code,
        "location": {"text": "林荫街道中心广场"},
        "estimated_cost_fen": 12_000_000,
        **extra,
    }


def submit(
    session: Session, raw: dict[str, Any], key: str | None = None, now: datetime = NOW
) -> dict[str, Any]:
    data = load(contract.ProposalSubmit, raw)
    return use_cases.submit_proposal(session, outbox(), guard(), data, raw, key, now)


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table).where(*where)))


def staff_list(session: Session, area_code: str, **query: Any) -> dict[str, Any]:
    data = load(contract.ProposalQuery, {"area_code": area_code, **query})
    return use_cases.list_proposals(session, guard(), data)


class TestSubmitProposal:
    def test_the_proposal_and_exactly_one_outbox_event_are_committed_together(
        self, session, engine
    ):
        notice = open_notice(session, "150602001")

        created = submit(session, raw_proposal())

        assert count(engine, db.Proposal.__table__, db.Proposal.id == created["id"]) == 1
        with engine.connect() as conn:
            query = select(OUTBOX.c.event_type, OUTBOX.c.envelope, OUTBOX.c.sent_at)
            rows = conn.execute(query).all()
        assert len(rows) == 1
        event_type, envelope, sent_at = rows[0]
        envelope = json.loads(envelope)
        assert event_type == PROPOSAL_SUBMITTED.name
        assert sent_at is None
        assert envelope["correlation_id"] == "corr-1"
        assert envelope["area_code"] == "150602001"
        assert envelope["level"] == "township"
        assert envelope["payload"]["proposal_id"] == created["id"]
        assert envelope["payload"]["tracking_code"] == created["tracking_code"]
        assert envelope["payload"]["notice_id"] == notice["id"]
        assert "submitter_name" not in envelope["payload"]

    def test_a_failing_outbox_write_leaves_no_proposal_behind(self, sessions, engine, monkeypatch):
        with sessions() as session:
            open_notice(session, "150602001")

        def broken_envelope(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
            raise RuntimeError("outbox unavailable")

        monkeypatch.setattr(servicekit.outbox, "build_envelope", broken_envelope)
        with sessions() as session, pytest.raises(RuntimeError, match="outbox unavailable"):
            submit(session, raw_proposal(), key="key-broken")
        # the session is closed (as the worker's teardown closes it): nothing was half-written

        assert count(engine, db.Proposal.__table__) == 0
        assert count(engine, OUTBOX) == 0
        assert count(engine, KEYS) == 0

    def test_the_same_idempotency_key_twice_returns_the_same_proposal_and_writes_one(
        self, sessions, engine
    ):
        with sessions() as session:
            open_notice(session, "150602001")
            first = submit(session, raw_proposal(), key="retry-1")
        with sessions() as session:
            second = submit(session, raw_proposal(), key="retry-1")

        assert second == first
        assert count(engine, db.Proposal.__table__) == 1
        assert count(engine, OUTBOX) == 1

    def test_the_same_key_with_a_different_body_is_a_conflict(self, sessions, engine):
        with sessions() as session:
            open_notice(session, "150602001")
            submit(session, raw_proposal(), key="retry-2")

        with sessions() as session, pytest.raises(Conflict):
            submit(session, raw_proposal(title="另一条建议"), key="retry-2")

        assert count(engine, db.Proposal.__table__) == 1
        assert count(engine, OUTBOX) == 1

    def test_different_keys_make_different_proposals(self, session, engine):
        open_notice(session, "150602001")

        first = submit(session, raw_proposal(), key="a")
        second = submit(session, raw_proposal(), key="b")

        assert first["id"] != second["id"]
        assert count(engine, db.Proposal.__table__) == 2
        assert count(engine, OUTBOX) == 2

    def test_a_closed_notice_refuses_and_says_when_it_closed(self, session, engine):
        open_notice(session, "150602001", closes_at=NOW - timedelta(days=1))

        with pytest.raises(RuleViolation, match="截止"):
            submit(session, raw_proposal())

        assert count(engine, db.Proposal.__table__) == 0
        assert count(engine, OUTBOX) == 0


class TestListProposals:
    def test_a_banner_list_includes_its_townships_and_excludes_other_banners(self, session):
        open_notice(session, "150602001")
        open_notice(session, "150622100")
        dongsheng = {submit(session, raw_proposal("150602001"))["id"] for _ in range(2)}
        zhungeer = {submit(session, raw_proposal("150622100"))["id"]}

        listed_150602 = {item["id"] for item in staff_list(session, "150602")["items"]}
        listed_150622 = {item["id"] for item in staff_list(session, "150622")["items"]}
        listed_city = {item["id"] for item in staff_list(session, "150600")["items"]}

        assert listed_150602 == dongsheng
        assert listed_150622 == zhungeer
        assert listed_city == dongsheng | zhungeer

    def test_pagination_reports_total_page_and_page_size(self, session):
        open_notice(session, "150602001")
        for i in range(25):
            submit(session, raw_proposal(title=f"建议{i:02d}"), now=NOW + timedelta(minutes=i))

        pages = [staff_list(session, "150602", page=page, page_size=10) for page in (1, 2, 3)]

        assert [len(p["items"]) for p in pages] == [10, 10, 5]
        assert {p["total"] for p in pages} == {25}
        assert [(p["page"], p["page_size"]) for p in pages] == [(1, 10), (2, 10), (3, 10)]
        titles = [item["title"] for p in pages for item in p["items"]]
        assert titles == [f"建议{i:02d}" for i in reversed(range(25))]  # newest first, no overlap
        beyond = staff_list(session, "150602", page=4, page_size=10)
        assert beyond["items"] == [] and beyond["total"] == 25
