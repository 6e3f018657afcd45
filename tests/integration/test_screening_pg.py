"""Screening, the library, publishing and answering on PostgreSQL and SQLite: the queries that
differ between the two (row locks, LIKE/ILIKE, the year taken from the notice, UPDATE with a
subquery) and the outbox: one proposal_screened_v1 per answered proposal, exactly once."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import servicekit.outbox
from collection.db import screening as db
from collection.db.models import DraftList, DraftListVersion, LibraryItem, Notice, Proposal
from collection.domain.intake import new_tracking_code
from collection.use_cases import intake, outcomes, screening
from contracts import rpc
from contracts import screening as contract
from contracts.events import PROPOSAL_SCREENED
from servicekit.auth import Guard, Principal
from servicekit.errors import Conflict
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from tests.support.factories import migrated_engine

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
TOWNSHIP, PATH = "150622100", "/150600/150622/150622100/"
STAFF = Guard(Principal("gov-1", ("government_staff",), "150622"), "collection", "all")
STAFF2 = Guard(Principal("gov-2", ("admin",), "150600"), "collection", "all")
YES = {"public_benefit": 5, "inclusive": 4, "urgency": 5, "assessable": 4, "verdict": "in_library"}
NO = {**YES, "verdict": "rejected", "reason": "已列入旗级交通规划，明年统一实施"}
SCOPE = {"area_code": TOWNSHIP, "year": 2027}


@pytest.fixture
def sessions(engine):
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        for area_code, path, year in ((TOWNSHIP, PATH, 2027), ("150622", "/150600/150622/", 2027)):
            session.add(notice(area_code, path, year))
        session.add(notice(TOWNSHIP, PATH, 2028))
        session.commit()
    return factory


def notice(area_code: str, path: str, year: int) -> Notice:
    return Notice(
        id=f"n-{area_code}-{year}",
        area_code=area_code,
        area_path=path,
        level="township" if len(area_code) == 9 else "banner",
        year=year,
        title=f"{year}年征集",
        opens_at=NOW - timedelta(days=60),
        closes_at=NOW - timedelta(days=1),
        created_by="gov-0",
        created_at=NOW - timedelta(days=61),
    )


def proposal(sessions, title: str, area_code=TOWNSHIP, path=PATH, year=2027, **extra: Any) -> str:
    with sessions() as session:
        row = Proposal(
            tracking_code=new_tracking_code("township" if len(area_code) == 9 else "banner"),
            notice_id=f"n-{area_code}-{year}",
            area_code=area_code,
            area_path=path,
            level="township" if len(area_code) == 9 else "banner",
            channel="online",
            title=title,
            description=f"{title}：群众反映强烈，希望尽快解决。",
            category="交通出行",
            location_text="薛家湾镇",
            submitter_name="刘桂兰",
            submitter_phone="13904771234",
            status="submitted",
            submitted_at=NOW - timedelta(days=5),
            year=None,  # rows from before migration 0002 filled it take the notice's year
            **extra,
        )
        session.add(row)
        session.commit()
        return row.id


def screen(sessions, pid: str, body: dict[str, Any], guard: Guard = STAFF) -> dict[str, Any]:
    with sessions() as session:
        data = load(contract.ScreeningCreate, body)
        return screening.screen_proposal(session, guard, pid, data, body, None, NOW)


def publish(sessions) -> dict[str, Any]:
    with sessions() as session:
        return outcomes.publish_outcomes(session, STAFF, dict(SCOPE), NOW)


def answer(sessions) -> dict[str, Any]:
    with sessions() as session:
        writer = OutboxWriter(OUTBOX, "corr-answer")
        return outcomes.answer_submitters(session, writer, STAFF, dict(SCOPE), NOW)


def screened_events(engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == PROPOSAL_SCREENED.name)
        )
        return [json.loads(envelope) for (envelope,) in rows]


class TestPublishAndAnswer:
    def test_each_published_proposal_is_answered_exactly_once(self, sessions, engine):
        accepted, rejected = proposal(sessions, "迎宾路加装路灯"), proposal(sessions, "修路")
        unscreened = proposal(sessions, "增设公交站")
        banner = proposal(sessions, "旗里的建议", "150622", "/150600/150622/")
        next_year = proposal(sessions, "明年的建议", year=2028)
        screen(sessions, accepted, YES)
        screen(sessions, rejected, NO)
        screen(sessions, banner, NO)
        screen(sessions, next_year, NO)

        assert publish(sessions)["published"] == 2
        first, again = answer(sessions), answer(sessions)

        assert (first["answered"], again["answered"]) == (2, 0)
        events = screened_events(engine)
        assert sorted(e["payload"]["proposal_id"] for e in events) == sorted([accepted, rejected])
        by_id = {e["payload"]["proposal_id"]: e for e in events}
        assert by_id[rejected]["payload"]["reason"] == NO["reason"]
        assert by_id[rejected]["payload"]["year"] == 2027
        assert by_id[accepted]["payload"]["verdict"] == "in_library"
        assert {e["level"] for e in events} == {"township"}
        assert {e["correlation_id"] for e in events} == {"corr-answer"}
        assert "13904771234" not in json.dumps(events) and "gov-1" not in json.dumps(events)
        with sessions() as session:
            answered = {
                p.id
                for p in session.scalars(select(Proposal).where(Proposal.answered_at.is_not(None)))
            }
        assert answered == {accepted, rejected}
        assert unscreened not in answered

    def test_answering_before_publishing_is_a_conflict(self, sessions, engine):
        screen(sessions, proposal(sessions, "修路"), NO)
        with pytest.raises(Conflict):
            answer(sessions)
        assert screened_events(engine) == []

    def test_a_failing_outbox_write_answers_nobody(self, sessions, engine, monkeypatch):
        for title in ("甲", "乙", "丙"):
            screen(sessions, proposal(sessions, title), NO)
        publish(sessions)
        real, calls = servicekit.outbox.build_envelope, []

        def fails_on_the_third(*args: Any, **kwargs: Any) -> dict[str, Any]:
            calls.append(1)
            if len(calls) == 3:
                raise RuntimeError("outbox unavailable")
            return real(*args, **kwargs)

        monkeypatch.setattr(servicekit.outbox, "build_envelope", fails_on_the_third)
        with pytest.raises(RuntimeError):
            answer(sessions)

        assert screened_events(engine) == []
        with engine.connect() as conn:
            answered = conn.scalar(select(func.count()).where(Proposal.answered_at.is_not(None)))
        assert answered == 0
        monkeypatch.setattr(servicekit.outbox, "build_envelope", real)
        assert answer(sessions)["answered"] == 3

    def test_tracking_shows_the_verdict_only_after_publishing(self, sessions):
        pid = proposal(sessions, "修路")
        screen(sessions, pid, NO)
        with sessions() as session:
            code = session.get(Proposal, pid).tracking_code
            before = intake.track_proposal(session, code)
        publish(sessions)
        with sessions() as session:
            after = intake.track_proposal(session, code)
        assert (before["status"], before["outcome_reason"]) == ("submitted", None)
        assert (after["status"], after["outcome_reason"]) == ("rejected", NO["reason"])


class TestScreeningQueries:
    def test_two_screeners_the_library_item_and_the_staff_list_summary(self, sessions):
        pid = proposal(sessions, "迎宾路加装LED路灯")
        screen(sessions, pid, {**YES, "library": {"lead_department": "准格尔旗住建局"}})
        recorded = screen(sessions, pid, {**YES, "urgency": 3}, STAFF2)
        assert recorded["summary"]["urgency"] == {"mean": 4, "stdev": 1, "min": 3, "max": 5}
        assert recorded["library_item"]["year"] == 2027  # from the notice
        with sessions() as session:
            query = load(rpc.ProposalQuery, {"area_code": "150622"})
            items = intake.list_proposals(session, STAFF, query)["items"]
            assert [i["screening"]["screeners"] for i in items] == [2]
            library = screening.list_library(
                session, STAFF, load(contract.LibraryQuery, {**SCOPE, "q": "led"})
            )
        assert [i["proposal_id"] for i in library["items"]] == [pid]  # case-insensitive
        assert library["items"][0]["lead_department"] == "准格尔旗住建局"

    def test_a_proposal_on_a_draft_list_keeps_its_library_item(self, sessions, engine):
        pid = proposal(sessions, "修路")
        screen(sessions, pid, YES)
        with sessions() as session:
            session.add(draft_list())
            session.flush()
            session.add(version(json.dumps([{"proposal_id": pid, "position": 1}])))
            session.commit()
        with pytest.raises(Conflict):
            screen(sessions, pid, NO)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(LibraryItem)) == 1
            assert conn.scalar(select(Proposal.status).where(Proposal.id == pid)) == "in_library"


def draft_list() -> DraftList:
    return DraftList(
        id="dl-1",
        area_code=TOWNSHIP,
        area_path=PATH,
        level="township",
        year=2027,
        title="草拟清单",
        rounds_planned=3,
        status="drafting",
        created_by="gov-1",
        created_at=NOW,
    )


def version(items: str) -> DraftListVersion:
    return DraftListVersion(
        draft_list_id="dl-1",
        number=0,
        items=items,
        content_hash="0" * 64,
        created_by="gov-1",
        created_at=NOW,
    )


class TestRowLocksOnPostgres:
    """Two callers at once: the second waits for the first's row locks instead of reading the
    same unanswered proposals (which would stage every event twice)."""

    @pytest.fixture
    def pg_sessions(self, pg):
        engine = migrated_engine("collection", pg.create("screening_locks"))
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with factory() as session:
            session.add(notice(TOWNSHIP, PATH, 2027))
            session.commit()
        yield factory
        engine.dispose()

    def test_answering_locks_the_rows_it_answers(self, pg_sessions):
        for title in ("甲", "乙"):
            screen(pg_sessions, proposal(pg_sessions, title), NO)
        publish(pg_sessions)
        with pg_sessions() as first:
            pending = db.to_answer(first, PATH, 2027)
            assert len(pending) == 2
            with pg_sessions() as second:
                second.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock"):
                    db.to_answer(second, PATH, 2027)
            for row in pending:
                row.answered_at = NOW
            first.commit()
        assert answer(pg_sessions)["answered"] == 0

    def test_screening_locks_the_proposal(self, pg_sessions):
        pid = proposal(pg_sessions, "修路")
        with pg_sessions() as first:
            assert db.proposal_for_update(first, pid) is not None
            with pg_sessions() as second:
                second.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock"):
                    db.proposal_for_update(second, pid)
