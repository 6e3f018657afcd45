"""A public submission's built statements (petition.db.intake), on PostgreSQL and SQLite: the
code, its holder and station read in one statement, a tracking code checked in that same read
(and drawn again when taken), the area's latest rule versions read on every submission (a
version another process adds applies at once), the calendar's two tables read in one, and the
matter, its deputy and its first step written as Core inserts — as the ORM wrote them."""

import json
from datetime import UTC, datetime

import pytest
from contracts.matters import MatterSubmit
from petition.db.matters import Matter, MatterDeputy, MatterStep
from petition.db.models import PublicCode
from petition.domain import codes as code_rules
from petition.use_cases import intake
from servicekit.auth import ANONYMOUS, Guard
from servicekit.db import make_engine
from servicekit.errors import RuleViolation, ValidationFailed
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.support import petition as p
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration

WED_30_SEP = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
NEW_YEARS_EVE = datetime(2026, 12, 31, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def world(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        urls = {"petition": request.getfixturevalue("pg").create("petition")}
    with migrated_sessions("petition", tmp_path, urls) as sessions:
        yield p.build(sessions)


@pytest.fixture
def other_process(world):
    """A second engine and session on the same database, as another worker process has."""
    url = world.sessions["petition"].get_bind().url.render_as_string(hide_password=False)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        yield {"petition": session}
    engine.dispose()


def submit_at(world, now, code, **extra):
    data = load(MatterSubmit, {**p.MATTER, "code": code, "resident": p.RESIDENT, **extra})
    guard = Guard(ANONYMOUS, "petition", "township")
    session = world.sessions["petition"]
    return intake.submit_matter(session, OutboxWriter(OUTBOX, "req"), guard, data, None, now)


def statements_of(session, call):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        return call(), seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


class TestTheHolderRead:
    def test_a_deputy_with_a_station_without_one_and_a_station_each_reach_theirs(self, world):
        wang = submit_at(world, WED_30_SEP, world.code_of("wang"))  # of the town's station
        li = submit_at(world, WED_30_SEP, world.code_of("li"))  # a banner deputy, no station
        station = submit_at(world, WED_30_SEP, world.station["public_code"])  # nobody on duty
        session = world.sessions["petition"]
        rows = {m.id: m for m in session.scalars(select(Matter))}
        found = [
            (rows[c["id"]].level, rows[c["id"]].area_code, rows[c["id"]].handling_area_code,
             rows[c["id"]].deputy_id, rows[c["id"]].station_id, rows[c["id"]].accept_stage)
            for c in (wang, li, station)
        ]  # fmt: skip
        sid = world.station["id"]
        assert found == [
            ("township", "150622100", "150622100", world.deputies["wang"]["id"], sid,
             "first_contact"),
            ("banner", "150622", "150622", world.deputies["li"]["id"], None, "first_contact"),
            ("township", "150622100", "150622100", None, sid, "accept"),
        ]  # fmt: skip
        assert [c["tracking_code"][0] for c in (wang, li, station)] == ["T", "B", "T"]

    def test_the_rows_are_those_the_orm_wrote(self, world):
        created = submit_at(world, WED_30_SEP, world.code_of("wang"))
        session = world.sessions["petition"]
        session.expire_all()
        matter = session.get_one(Matter, created["id"])
        assert (matter.resident_name, matter.resident_phone) == (p.RESIDENT["name"],
                                                                 p.RESIDENT["phone"])  # fmt: skip
        assert (matter.state, matter.reopens, matter.escalations, matter.extended_days) == (
            "received", 0, 0, 0)  # fmt: skip
        assert matter.converted is False and matter.tier is None and matter.documents == "[]"
        assert matter.received_at == WED_30_SEP and matter.updated_at == WED_30_SEP
        assert str(matter.received_on) == "2026-09-30" and matter.year == 2026
        assert (str(matter.accept_due), matter.due_unit, matter.due_pending_year) == (
            "2026-10-10", "workday", None)  # fmt: skip
        assert (matter.lat, matter.lng, matter.location_text) == (39.851, 111.231, "迎宾路小区东门")
        assert json.loads(matter.attachments) == []
        (deputy,) = session.scalars(select(MatterDeputy).where(MatterDeputy.matter_id == matter.id))
        assert (deputy.deputy_id, deputy.role, deputy.added_at) == (
            world.deputies["wang"]["id"], "addressed", WED_30_SEP)  # fmt: skip
        (step,) = session.scalars(select(MatterStep).where(MatterStep.matter_id == matter.id))
        assert (step.action, step.level, step.by, step.method, step.at) == (
            "submit", "township", None, None, WED_30_SEP)  # fmt: skip
        assert json.loads(step.details) == {"channel": "qr"}
        detail = world.worker(p.TOWN_RENDA).get_matter(created["id"])
        assert detail["tracking_code"] == created["tracking_code"]
        assert detail["accept_due"] == created["accept_due"] == "2026-10-10"

    def test_a_public_submission_runs_seven_statements(self, world):
        session = world.sessions["petition"]
        code = world.code_of("wang")
        submit_at(world, WED_30_SEP, code)  # the statements are built and cached
        created, seen = statements_of(session, lambda: submit_at(world, WED_30_SEP, code))
        assert created["state"] == "received"
        # code + holder + station + tracking check, rules, calendar, 3 inserts, outbox
        assert len(seen) <= 7, seen

    def test_a_revoked_code_names_its_replacement(self, world):
        old = world.code_of("wang")
        new = world.worker(p.RENDA).replace_deputy_code(
            world.deputies["wang"]["id"], {"reason": "海报被涂改"}
        )
        with pytest.raises(RuleViolation) as refused:
            submit_at(world, WED_30_SEP, old.lower())
        assert refused.value.details == {"code": old, "replaced_by": new["public_code"]}
        assert submit_at(world, WED_30_SEP, new["public_code"])["level"] == "township"

    def test_a_code_whose_holder_is_gone_or_unknown_is_a_400_on_the_code(self, world):
        session = world.sessions["petition"]
        session.add(PublicCode(code="T0000000", kind="deputy", holder_id="nobody", active=True,
                               created_at=WED_30_SEP))  # fmt: skip
        session.add(PublicCode(code="T0000001", kind="station", holder_id="nowhere",
                               active=True, created_at=WED_30_SEP))  # fmt: skip
        session.commit()
        for code in ("T0000000", "T0000001", "T9999999", "not a code"):
            with pytest.raises(ValidationFailed) as refused:
                submit_at(world, WED_30_SEP, code)
            assert "code" in refused.value.details


class TestTrackingCodes:
    def drawing(self, monkeypatch, *codes):
        drawn = []
        queue = list(codes)

        def draw(level):
            code = queue.pop(0) if queue else code_rules.LEVEL_LETTERS[level] + "ZZZ-ZZZZ-ZZZZ"
            drawn.append(code)
            return code

        monkeypatch.setattr(code_rules, "new_tracking_code", draw)
        return drawn

    def test_a_free_code_checked_in_the_holder_read_is_used(self, world, monkeypatch):
        drawn = self.drawing(monkeypatch, "T111-1111-1111")
        created = submit_at(world, WED_30_SEP, world.code_of("wang"))
        assert created["tracking_code"] == "T111-1111-1111" and drawn == ["T111-1111-1111"]

    def test_a_taken_code_is_drawn_again_until_free(self, world, monkeypatch):
        taken = submit_at(world, WED_30_SEP, world.code_of("wang"))["tracking_code"]
        drawn = self.drawing(monkeypatch, taken, taken, "T222-2222-2222")
        created = submit_at(world, WED_30_SEP, world.code_of("zhao"))
        assert created["tracking_code"] == "T222-2222-2222"
        assert drawn == [taken, taken, "T222-2222-2222"]


RULES = {
    "rules": [
        {"stage": "accept", "limit": 7, "unit": "calendar_day"},
        {"stage": "first_contact", "limit": 2, "unit": "workday"},
        {"stage": "handle", "limit": 30, "unit": "workday"},
    ],
    "reason": "准格尔旗人大常委会关于代表代办时限的规定",
}


def first_contact(days: int) -> dict:
    rules = [{**r, "limit": days} if r["stage"] == "first_contact" else r for r in RULES["rules"]]
    return {**RULES, "rules": rules}


class TestRulesReadEveryTime:
    def test_a_version_another_process_adds_applies_to_the_next_submission(
        self, world, other_process
    ):
        code = world.code_of("wang")
        assert submit_at(world, WED_30_SEP, code)["accept_due"] == "2026-10-10"  # defaults: 3
        there = service_worker("petition", other_process, p.RENDA)
        there.put_time_limits("150622", first_contact(2))
        assert submit_at(world, WED_30_SEP, code)["accept_due"] == "2026-10-09"  # Thu 8, Fri 9
        service_worker("petition", other_process, p.TOWN_RENDA).put_time_limits(
            "150622100", first_contact(5)
        )
        # the nearest area's version wins over its banner's, however new the banner's is
        assert submit_at(world, WED_30_SEP, code)["accept_due"] == "2026-10-13"
        there.put_time_limits("150622", first_contact(1))
        assert submit_at(world, WED_30_SEP, code)["accept_due"] == "2026-10-13"
        # the banner's deputy follows the banner's latest version
        assert submit_at(world, WED_30_SEP, world.code_of("li"))["accept_due"] == "2026-10-08"

    def test_a_year_entered_by_another_process_is_known_at_once(self, world, other_process):
        code = world.code_of("wang")
        assert submit_at(world, NEW_YEARS_EVE, code)["accept_due"] is None  # 2027: unknown
        service_worker("petition", other_process, p.ADMIN).put_petition_calendar_year(
            2027,
            {"holidays": ["2027-01-01"], "workdays": [], "document_ref": "国办发明电〔2026〕X号"},
        )
        # 3 working days from 31 Dec: 4, 5, 6 Jan (1 Jan off, 2–3 a weekend)
        assert submit_at(world, NEW_YEARS_EVE, code)["accept_due"] == "2027-01-06"
