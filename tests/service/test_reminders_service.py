"""Reminders on the Chinese working-day calendar (2026: National Day 10-01…10-07 off, Saturday
10-10 a make-up working day): an overdue problem climbs 温馨提示 → 限期督促 → 专报通报 once each,
a job that missed days catches up in order, a report not filed is chased the same way, and a
year nobody has entered is refused — counted, listed, never guessed — until it is entered."""

from datetime import UTC, date, datetime

import pytest
from implementation.use_cases import reminders
from servicekit import metrics
from servicekit.auth import Principal
from servicekit.errors import Forbidden, ValidationFailed
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX

from tests.service.test_problems_service import PROBLEM
from tests.service.test_projects_service import events, planned, worker
from tests.support import projects as p
from tests.support.workers import migrated_sessions

ADMIN = Principal("admin-1", ("admin",), "150600")
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def run(sessions, on: str) -> list[tuple[str, str]]:
    answer = worker(sessions).run_reminders({"area_code": p.AREA, "on": on})
    return [(item["kind"], item["step"]) for item in answer["sent"] if item["kind"] == "problem"]


def remind(sessions, on: date):
    session = sessions["implementation"]
    return reminders.remind(session, OutboxWriter(OUTBOX, "req"), "/", "township", on, NOW)


class TestProblemReminders:
    def test_steps_count_working_days_across_national_day(self, sessions):
        worker(sessions).raise_problem(planned(sessions), {**PROBLEM, "due_date": "2026-09-30"})
        assert run(sessions, "2026-09-30") == []  # not late yet
        assert run(sessions, "2026-10-07") == []  # the holiday: no working day has passed
        assert run(sessions, "2026-10-08") == [("problem", "friendly_reminder")]  # 1 day
        assert run(sessions, "2026-10-10") == []  # 3 days with the make-up Saturday: still 1st
        assert run(sessions, "2026-10-12") == [("problem", "deadline_order")]  # 4 days
        assert run(sessions, "2026-10-14") == [("problem", "special_report")]  # 6 days
        assert run(sessions, "2026-10-30") == []  # each step once
        steps = [e["step"] for e in events(sessions, "problem_overdue_v1")]
        assert steps == ["friendly_reminder", "deadline_order", "special_report"]
        (listed,) = worker(sessions).list_problems({"area_code": p.AREA})["items"]
        assert [r["step_name"] for r in listed["reminders"]] == ["温馨提示", "限期督促", "专报通报"]

    def test_a_job_that_missed_days_sends_every_step_in_order(self, sessions):
        worker(sessions).raise_problem(planned(sessions), {**PROBLEM, "due_date": "2026-09-30"})
        assert run(sessions, "2026-10-14") == [
            ("problem", "friendly_reminder"),
            ("problem", "deadline_order"),
            ("problem", "special_report"),
        ]
        overdue = [e["overdue_working_days"] for e in events(sessions, "problem_overdue_v1")]
        assert overdue == [6, 6, 6]

    def test_a_resolved_problem_is_not_chased(self, sessions):
        problem = worker(sessions).raise_problem(
            planned(sessions), {**PROBLEM, "due_date": "2026-09-30"}
        )
        for action in ("start", "resolve"):
            worker(sessions).act_on_problem(problem["id"], action, {"note": "整改"})
        assert run(sessions, "2026-10-14") == []

    def test_an_area_sets_its_own_steps(self, sessions):
        worker(sessions).put_area_settings(
            p.AREA,
            {
                "reminder_steps": [
                    ["friendly_reminder", 1],
                    ["deadline_order", 2],
                    ["special_report", 3],
                ]
            },
        )
        worker(sessions).raise_problem(planned(sessions), {**PROBLEM, "due_date": "2026-09-30"})
        assert run(sessions, "2026-10-08") == []  # 1 working day: not more than 1
        assert [s for _, s in run(sessions, "2026-10-10")] == [
            "friendly_reminder",
            "deadline_order",
        ]


class TestReportReminders:
    def test_a_week_not_reported_is_chased_and_a_reported_one_is_not(self, sessions):
        project_id = planned(sessions)  # the plan starts on Sunday 2026-03-01
        worker(sessions).create_report(project_id, p.report("2026-W10", "2026-03-06", {}))
        answer = worker(sessions).run_reminders({"area_code": p.AREA, "on": "2026-03-10"})
        chased = {(i["target"].split("/", 1)[1], i["step"]) for i in answer["sent"]}
        # W09 (its last day is the plan's first) was due Monday 03-02: 6 working days late.
        assert chased == {
            ("weekly/2026-W09", "friendly_reminder"),
            ("weekly/2026-W09", "deadline_order"),
            ("weekly/2026-W09", "special_report"),
        }

    def test_the_weeks_of_a_quiet_year_are_chased_in_one_pass(self, sessions):
        planned(sessions)
        sent, unknown = remind(sessions, date(2026, 11, 30))
        weekly = {i["target"] for i in sent if "/weekly/" in i["target"]}
        assert len(weekly) == 36  # W09 … W44: every week up to the 10-31 deadline
        assert unknown == set()


class TestUnknownYears:
    def test_a_deadline_in_an_unknown_year_is_refused_counted_then_computed_once_entered(
        self, sessions
    ):
        worker(sessions).raise_problem(planned(sessions), {**PROBLEM, "due_date": "2026-12-31"})
        before = refusals()
        sent, unknown = remind(sessions, date(2027, 1, 8))
        assert (sent, unknown) == ([], {2027})
        assert refusals() == before + 1
        assert worker(sessions).get_calendar_year(2027)["known"] is False
        worker(sessions, ADMIN).put_calendar_year(
            2027,
            {
                "holidays": ["2027-01-01"],
                "workdays": [],
                "document_ref": "国办发明电〔2026〕X号（测试）",
            },
        )
        shown = worker(sessions).get_calendar_year(2027)
        assert shown["known"] is True and shown["source"] == "override"
        sent, unknown = remind(sessions, date(2027, 1, 8))
        # 01-04 … 01-08 are working days, 01-01 is not: 5 > 3 → up to 限期督促.
        assert [i["step"] for i in sent if i["kind"] == "problem"] == [
            "friendly_reminder",
            "deadline_order",
        ]
        assert unknown == set()

    def test_the_bundled_year_is_known_and_only_admins_enter_one(self, sessions):
        shown = worker(sessions).get_calendar_year(2026)
        assert shown["known"] is True and shown["source"] == "chinese-calendar"
        assert "2026-10-10" in shown["workdays"] and "2026-10-01" in shown["holidays"]
        body = {"holidays": ["2027-01-01"], "workdays": [], "document_ref": "通知"}
        with pytest.raises(Forbidden):
            worker(sessions).put_calendar_year(2027, body)
        with pytest.raises(ValidationFailed):
            worker(sessions, ADMIN).put_calendar_year(2027, {**body, "holidays": ["2026-01-01"]})
        with pytest.raises(ValidationFailed):
            worker(sessions, ADMIN).put_calendar_year(2027, {**body, "workdays": ["2027-01-01"]})


def refusals() -> float:
    value = metrics.REGISTRY.get_sample_value(
        "minsheng_implementation_calendar_refusals_total",
        {"service": "implementation", "level": "township", "year": "2027"},
    )
    return value or 0.0
