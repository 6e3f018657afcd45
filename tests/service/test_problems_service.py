"""Problem lists (问题清单) and scheduling meetings (调度会) through implementation's entrypoints
on SQLite: every transition kept with who and why, 销号 behind an optional satisfaction
threshold, supervision's rectification requests made problems once and reported back."""

import json
import uuid

import pytest
from contracts.events import RECTIFICATION_REQUESTED
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import select

from tests.service.test_projects_service import created, events, planned, worker
from tests.support import projects as p
from tests.support.workers import migrated_sessions

PROBLEM = {
    "description": "施工围挡不全，存在安全隐患",
    "responsible_unit": "住房和城乡建设局",
    "responsible_person": "张科长",
    "measure": "三日内补齐围挡并设置警示标志",
    "due_date": "2026-05-15",
    "source": "report",
}


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def rectification(project_id: str, request_id: str | None = None) -> dict:
    payload = {
        "request_id": request_id or str(uuid.uuid4()),
        "project_id": project_id,
        "area_code": p.AREA,
        "level": "township",
        "year": p.YEAR,
        "group_id": str(uuid.uuid4()),
        "group_name": "第一监督组",
        "finding": "材料进场台账缺失",
        "due_date": "2026-06-30",
        "requested_at": "2026-06-01T02:00:00+00:00",
    }
    return build_envelope(
        RECTIFICATION_REQUESTED, payload, area_code=p.AREA, level="township", correlation_id="c"
    )


class TestProblems:
    def test_a_problem_moves_on_and_keeps_every_step(self, sessions):
        project_id = planned(sessions)
        problem = worker(sessions).raise_problem(project_id, PROBLEM)
        assert problem["id"].startswith("T-") and problem["state_name"] == "待整改"
        for action, state in (
            ("start", "in_progress"),
            ("resolve", "resolved"),
            ("close", "closed"),
        ):
            problem = worker(sessions).act_on_problem(
                problem["id"], action, {"note": f"{action}了"}
            )
            assert problem["state"] == state
        assert [h["action"] for h in problem["history"]] == ["raise", "start", "resolve", "close"]
        assert {h["by"] for h in problem["history"]} == {"gov-1"}
        with pytest.raises(Conflict):
            worker(sessions).act_on_problem(problem["id"], "start", {"note": "再来"})

    def test_closing_before_resolving_is_refused(self, sessions):
        problem = worker(sessions).raise_problem(planned(sessions), PROBLEM)
        with pytest.raises(Conflict):
            worker(sessions).act_on_problem(problem["id"], "close", {"note": "直接销号"})

    def test_an_area_that_closes_at_a_satisfaction_threshold_needs_it(self, sessions):
        project_id = planned(sessions)
        worker(sessions).put_area_settings(p.AREA, {"close_threshold": "9/10"})
        problem = worker(sessions).raise_problem(project_id, PROBLEM)
        for action in ("start", "resolve"):
            worker(sessions).act_on_problem(problem["id"], action, {"note": "整改"})
        with pytest.raises(RuleViolation) as refused:
            worker(sessions).act_on_problem(problem["id"], "close", {"note": "销号"})
        assert refused.value.details["threshold"] == "9/10"
        with pytest.raises(RuleViolation):
            worker(sessions).act_on_problem(
                problem["id"], "close", {"note": "销号", "satisfaction": "0.85"}
            )
        closed = worker(sessions).act_on_problem(
            problem["id"], "close", {"note": "回访满意", "satisfaction": "0.9"}
        )
        assert closed["state"] == "closed"

    def test_lists_filter_by_state_and_overdue(self, sessions):
        project_id = planned(sessions)
        late = worker(sessions).raise_problem(project_id, PROBLEM)
        worker(sessions).raise_problem(project_id, {**PROBLEM, "due_date": "2099-01-01"})
        listed = worker(sessions).list_problems({"area_code": p.AREA, "overdue": True})
        assert [i["id"] for i in listed["items"]] == [late["id"]]
        assert listed["items"][0]["overdue"] is True
        assert worker(sessions).list_problems({"area_code": p.AREA, "state": "open"})["total"] == 2

    def test_roles_and_areas(self, sessions):
        project_id = planned(sessions)
        for principal in (p.DEPUTY, p.CONGRESS, p.OTHER_STAFF):
            with pytest.raises(Forbidden):
                worker(sessions, principal).raise_problem(project_id, PROBLEM)
        problem = worker(sessions).raise_problem(project_id, PROBLEM)
        with pytest.raises(Forbidden):
            worker(sessions, p.OTHER_STAFF).act_on_problem(problem["id"], "start", {"note": "x"})
        with pytest.raises(NotFound):
            worker(sessions).act_on_problem(problem["id"], "explode", {"note": "x"})
        with pytest.raises(ValidationFailed):
            worker(sessions).raise_problem(project_id, {**PROBLEM, "due_date": "soon"})
        assert worker(sessions, p.DEPUTY).list_problems({"area_code": p.AREA})["total"] == 1


class TestRectification:
    def test_a_request_is_one_problem_and_its_resolution_is_reported(self, sessions):
        project_id = planned(sessions)
        envelope = rectification(project_id)
        handler = worker(sessions, ANONYMOUS)
        handler.handle_supervision_rectification_requested(envelope)
        handler.handle_supervision_rectification_requested(envelope)
        republished = rectification(project_id, envelope["payload"]["request_id"])
        handler.handle_supervision_rectification_requested(republished)
        (problem,) = worker(sessions).list_problems({"area_code": p.AREA})["items"]
        assert problem["source"] == "rectification"
        assert problem["source_ref"] == envelope["payload"]["request_id"]
        assert problem["responsible_unit"] == "住房和城乡建设局"  # the plan's lead department
        worker(sessions).act_on_problem(problem["id"], "start", {"note": "建立台账"})
        worker(sessions).act_on_problem(problem["id"], "resolve", {"note": "台账已补齐"})
        (reported,) = events(sessions, "rectification_reported_v1")
        assert reported["request_id"] == envelope["payload"]["request_id"]
        assert reported["note"] == "台账已补齐"

    def test_a_request_for_an_unknown_project_changes_nothing(self, sessions):
        worker(sessions, ANONYMOUS).handle_supervision_rectification_requested(
            rectification("T-" + "0" * 32)
        )
        assert worker(sessions).list_problems({"area_code": p.AREA})["total"] == 0


class TestMeetings:
    def test_a_meeting_assigns_problems_to_the_projects_lists(self, sessions):
        first, second = (i["id"] for i in created(sessions, 2, 0))
        body = {
            "area_code": p.AREA,
            "cadence": "monthly",
            "held_on": "2026-05-08",
            "chair": "王副镇长",
            "attendees": ["住建局", "财政局"],
            "project_ids": [first, second],
            "decisions": ["5月底前完成招标"],
            "problems": [{**PROBLEM, "project_id": second}],
        }
        meeting = worker(sessions).record_meeting(body, "meet-1")
        assert meeting["cadence_name"] == "月调度会" and len(meeting["problem_ids"]) == 1
        assert worker(sessions).record_meeting(body, "meet-1") == meeting
        (problem,) = worker(sessions).list_problems({"area_code": p.AREA})["items"]
        assert problem["project_id"] == second and problem["source"] == "meeting"
        listed = worker(sessions, p.CONGRESS).list_meetings({"area_code": "150622", "year": 2026})
        assert [m["id"] for m in listed["items"]] == [meeting["id"]]

    def test_a_project_of_another_area_is_a_400_and_nothing_is_written(self, sessions):
        (mine,) = (i["id"] for i in created(sessions, 1, 0))
        body = {
            "area_code": p.AREA,
            "cadence": "weekly",
            "held_on": "2026-05-08",
            "chair": "王副镇长",
            "attendees": ["住建局"],
            "project_ids": [mine, "T-" + "0" * 32],
            "decisions": [],
        }
        with pytest.raises(ValidationFailed):
            worker(sessions).record_meeting(body)
        assert worker(sessions).list_meetings({"area_code": p.AREA})["items"] == []


class TestSettings:
    def test_a_banner_setting_holds_for_its_townships_until_they_set_their_own(self, sessions):
        banner = Principal("gov-b", ("government_staff",), "150622")
        worker(sessions, banner).put_area_settings("150622", {"tolerance_points": 5})
        shown = worker(sessions).get_area_settings(p.AREA)
        assert (shown["tolerance_points"], shown["inherited_from"]) == (5, "150622")
        worker(sessions).put_area_settings(p.AREA, {"tolerance_points": 15})
        assert worker(sessions).get_area_settings(p.AREA)["tolerance_points"] == 15

    def test_bad_settings_are_400(self, sessions):
        for bad in (
            {"tolerance_points": 99},
            {"close_threshold": "3/2"},
            {
                "reminder_steps": [
                    ["deadline_order", 0],
                    ["friendly_reminder", 3],
                    ["special_report", 5],
                ]
            },
            {
                "reminder_steps": [
                    ["friendly_reminder", 5],
                    ["deadline_order", 3],
                    ["special_report", 7],
                ]
            },
        ):
            with pytest.raises(ValidationFailed):
                worker(sessions).put_area_settings(p.AREA, bad)

    def test_outbox_holds_no_personal_data(self, sessions):
        project_id = planned(sessions)
        problem = worker(sessions).raise_problem(project_id, PROBLEM)
        worker(sessions).act_on_problem(problem["id"], "start", {"note": "开始"})
        session = sessions["implementation"]
        session.rollback()
        text = json.dumps([e for (e,) in session.execute(select(OUTBOX.c.envelope))])
        assert "张科长" not in text
