"""Rectification (交办问题) and look-back (回头看) through supervision's entrypoints on SQLite:
a finding handed over once (rectification_requested_v1), the government's report applied once,
look-backs refused before the set date, rounds reopened with their own request ids up to the
area's limit, then escalated; every look-back published as lookback_completed_v1."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from contracts.events import RECTIFICATION_REPORTED
from servicekit import metrics
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import select
from supervision.db.files import entries

from tests.support import supervision_inspections as s
from tests.support.workers import migrated_sessions, service_worker

START = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    for part in ("inspections", "rectifications"):
        monkeypatch.setattr(f"supervision.entrypoints.{part}.utcnow", clock)
    return clock


def worker(sessions, principal=s.MEMBER):
    return service_worker("supervision", sessions, principal)


def events(sessions, event_type):
    session = sessions["supervision"]
    session.rollback()
    rows = session.execute(
        select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type).order_by(OUTBOX.c.seq)
    )
    return [json.loads(envelope)["payload"] for (envelope,) in rows]


@pytest.fixture
def finding(sessions, clock):
    envelope = s.project_created()
    worker(sessions, ANONYMOUS).handle_implementation_project_created(envelope)
    project_id = envelope["payload"]["project_id"]
    group_id = s.make_group(sessions["supervision"], [project_id])
    body = {"project_id": project_id, "group_id": group_id, "text": "材料进场台账缺失"}
    return worker(sessions).raise_project_finding(body)


def request(sessions, finding, key=None, **changes):
    body = {"group_id": finding["group_id"], "due_date": "2026-06-30", **changes}
    return worker(sessions).request_rectification(finding["id"], body, key)


def reported(request_id, project_id, note="台账已补齐", event_id=None):
    payload = {
        "request_id": request_id,
        "problem_id": "T-" + "e" * 32,
        "project_id": project_id,
        "area_code": s.AREA,
        "level": "township",
        "year": s.YEAR,
        "measure": "建立材料台账",
        "note": note,
        "reported_at": "2026-06-20T08:00:00+00:00",
    }
    envelope = build_envelope(
        RECTIFICATION_REPORTED, payload, area_code=s.AREA, level="township", correlation_id="c"
    )
    return {**envelope, "event_id": event_id} if event_id else envelope


def metric(name, outcome=None):
    labels = {"service": "supervision", "level": "township"}
    labels |= {"outcome": outcome} if outcome else {}
    found = metrics.REGISTRY.get_sample_value(f"minsheng_supervision_{name}_total", labels)
    return found or 0.0


def look(sessions, rect, outcome="not_rectified", principal=s.MEMBER, **changes):
    body = {"outcome": outcome, "note": "现场查看", "new_due_date": None, **changes}
    return worker(sessions, principal).record_lookback(rect["id"], body)


class TestRequests:
    def test_a_finding_is_handed_over_once(self, sessions, clock, finding):
        rect = request(sessions, finding, "r-1", lookback_on="2026-07-05")
        assert request(sessions, finding, "r-1", lookback_on="2026-07-05") == rect
        assert (rect["state"], rect["round"], rect["max_rounds"]) == ("requested", 1, 3)
        assert rect["lookback_on"] == "2026-07-05" and rect["finding"] == "材料进场台账缺失"
        (sent,) = events(sessions, "rectification_requested_v1")
        assert sent["request_id"] == f"{rect['id']}.1" == rect["rounds"][0]["request_id"]
        assert sent["group_name"] == "第一监督组" and sent["due_date"] == "2026-06-30"
        with pytest.raises(Conflict):
            request(sessions, finding)
        assert worker(sessions).get_finding(finding["id"])["state"] == "requested"
        assert entries(sessions["supervision"], finding["project_id"])[-1].kind == (
            "rectification_requested"
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [({"due_date": "2026-05-31"}, "due_date"), ({"lookback_on": "2026-06-29"}, "lookback_on")],
    )
    def test_dates_in_the_past_or_out_of_order_are_a_400(
        self, sessions, clock, finding, changes, field
    ):
        with pytest.raises(ValidationFailed) as refused:
            request(sessions, finding, **changes)
        assert field in refused.value.details
        assert events(sessions, "rectification_requested_v1") == []

    def test_only_members_of_the_group_hand_it_over(self, sessions, clock, finding):
        body = {"group_id": finding["group_id"], "due_date": "2026-06-30"}
        for caller in (s.OUTSIDER, s.GOVERNMENT, s.EVALUATOR):
            with pytest.raises(Forbidden):
                worker(sessions, caller).request_rectification(finding["id"], body)
        with pytest.raises(NotFound):
            worker(sessions).request_rectification("T-" + "0" * 32, body)
        assert (
            request(sessions, finding)
            and worker(sessions, s.CONGRESS).list_rectifications({"area_code": s.BANNER})["total"]
            == 1
        )

    def test_a_group_not_assigned_the_project_cannot_hand_it_over(self, sessions, clock, finding):
        other = s.make_group(sessions["supervision"], [], members=("dep-1",))
        with pytest.raises(RuleViolation):
            request(sessions, finding, group_id=other)
        assert events(sessions, "rectification_requested_v1") == []


class TestReports:
    def test_the_report_is_applied_once_and_kept_on_its_round(self, sessions, clock, finding):
        rect = request(sessions, finding)
        envelope = reported(f"{rect['id']}.1", finding["project_id"])
        handler = worker(sessions, ANONYMOUS)
        assert handler.handle_implementation_rectification_reported(envelope) is True
        assert handler.handle_implementation_rectification_reported(envelope) is False
        got = worker(sessions, s.GOVERNMENT).get_rectification(rect["id"])
        assert got["state"] == "reported" and got["state_name"] == "已报告整改"
        assert got["rounds"][0]["measure"] == "建立材料台账"
        assert got["rounds"][0]["report_note"] == "台账已补齐"
        lines = [e.kind for e in entries(sessions["supervision"], finding["project_id"])]
        assert lines.count("rectification_reported") == 1

    def test_a_report_of_an_unknown_request_changes_nothing(self, sessions, finding):
        handler = worker(sessions, ANONYMOUS)
        handler.handle_implementation_rectification_reported(
            reported("T-" + "1" * 32 + ".1", finding["project_id"])
        )
        assert worker(sessions).list_rectifications({"area_code": s.AREA})["total"] == 0


class TestLookbacks:
    def test_before_the_set_date_is_a_422_and_changes_nothing(self, sessions, clock, finding):
        rect = request(sessions, finding, lookback_on="2026-07-10")
        clock.days(38)  # 2026-07-09
        with pytest.raises(RuleViolation):
            look(sessions, rect, "rectified")
        assert worker(sessions).get_rectification(rect["id"])["state"] == "requested"
        assert events(sessions, "lookback_completed_v1") == []

    def test_rectified_closes_the_request_and_the_finding(self, sessions, clock, finding):
        rect = request(sessions, finding)
        worker(sessions, ANONYMOUS).handle_implementation_rectification_reported(
            reported(f"{rect['id']}.1", finding["project_id"])
        )
        clock.days(29)
        closed = look(sessions, rect, "rectified")
        assert (closed["state"], closed["rounds"][0]["next"]) == ("closed", "closed")
        assert worker(sessions).get_finding(finding["id"])["state"] == "closed"
        (done,) = events(sessions, "lookback_completed_v1")
        assert (done["outcome"], done["next"], done["round"]) == ("rectified", "closed", 1)
        with pytest.raises(Conflict):
            look(sessions, rect, "rectified")

    def test_rounds_reopen_up_to_the_limit_then_escalate(self, sessions, clock, finding):
        escalated, partly = metric("rectifications_escalated"), metric("lookbacks", "partly")
        rect = request(sessions, finding)
        for round_ in (1, 2):
            clock.days(30)
            due = (clock.now + timedelta(days=20)).date().isoformat()
            rect = look(sessions, rect, "partly", new_due_date=due)
            assert (rect["state"], rect["round"], rect["due_date"]) == (
                "requested",
                round_ + 1,
                due,
            )
        clock.days(30)
        rect = look(sessions, rect, new_due_date="2026-12-31")
        assert (rect["state"], rect["round"]) == ("escalated", 3)
        assert [r["next"] for r in rect["rounds"]] == ["reopened", "reopened", "escalated"]
        requested = events(sessions, "rectification_requested_v1")
        assert [r["request_id"] for r in requested] == [f"{rect['id']}.{n}" for n in (1, 2, 3)]
        assert requested[2]["finding"] == "【回头看后第 3 轮交办】材料进场台账缺失"
        done = events(sessions, "lookback_completed_v1")
        assert [d["next"] for d in done] == ["reopened", "reopened", "escalated"]
        assert done[-1]["new_due_date"] is None
        assert worker(sessions).get_finding(finding["id"])["state"] == "escalated"
        lines = [e.kind for e in entries(sessions["supervision"], finding["project_id"])]
        assert lines.count("lookback") == 3 and lines.count("rectification_requested") == 3
        with pytest.raises(Conflict):
            look(sessions, rect, new_due_date="2027-01-31")
        assert metric("rectifications_escalated") == escalated + 1
        assert metric("lookbacks", "partly") == partly + 2

    def test_an_unreported_request_is_looked_back_and_a_late_report_stays_on_its_round(
        self, sessions, clock, finding
    ):
        rect = request(sessions, finding)
        clock.days(30)
        rect = look(sessions, rect, new_due_date="2026-08-31")
        assert rect["round"] == 2 and rect["rounds"][0]["reported_at"] is None
        worker(sessions, ANONYMOUS).handle_implementation_rectification_reported(
            reported(f"{rect['id']}.1", finding["project_id"])
        )
        got = worker(sessions).get_rectification(rect["id"])
        assert got["state"] == "requested" and got["rounds"][0]["report_note"] == "台账已补齐"

    def test_a_new_due_date_is_required_unless_rectified(self, sessions, clock, finding):
        rect = request(sessions, finding)
        clock.days(30)
        with pytest.raises(ValidationFailed) as refused:
            look(sessions, rect)
        assert "new_due_date" in refused.value.details

    def test_only_members_look_back(self, sessions, clock, finding):
        rect = request(sessions, finding)
        clock.days(30)
        for caller in (s.OUTSIDER, s.GOVERNMENT, s.SOCIAL):
            with pytest.raises(Forbidden):
                look(sessions, rect, "rectified", caller)
        assert look(sessions, rect, "rectified", s.CONGRESS)["state"] == "closed"

    def test_an_area_with_one_round_escalates_at_the_first_failure(self, sessions, clock, finding):
        setting = {"area_code": s.BANNER, "max_rounds": 1}
        with pytest.raises(Forbidden):
            worker(sessions).set_rectification_rounds(setting)
        assert worker(sessions, s.CONGRESS).set_rectification_rounds(setting) == setting
        rect = request(sessions, finding)
        assert rect["max_rounds"] == 1
        clock.days(30)
        assert look(sessions, rect, new_due_date="2026-08-31")["state"] == "escalated"
        assert len(events(sessions, "rectification_requested_v1")) == 1

    def test_lists_filter_by_state(self, sessions, clock, finding):
        rect = request(sessions, finding)
        query = {"area_code": s.AREA, "state": "requested", "year": 2026}
        assert [r["id"] for r in worker(sessions).list_rectifications(query)["items"]] == [
            rect["id"]
        ]
        query["state"] = "closed"
        assert worker(sessions, s.DEPT).list_rectifications(query)["total"] == 0
        assert (
            worker(sessions, s.DEPT_OTHER).list_rectifications({"area_code": s.AREA})["total"] == 0
        )
        with pytest.raises(NotFound):
            worker(sessions, s.DEPT_OTHER).get_rectification(rect["id"])
