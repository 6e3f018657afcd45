"""A project's supervision file through the service's consumers and its read: each of
implementation's facts one line and its figures, never backwards, nothing lost when a fact
comes before its project."""

from datetime import date

import pytest
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Forbidden, NotFound
from sqlalchemy import func, select
from supervision.db.files import entries, project
from supervision.db.groups_models import PendingFact

from tests.support import supervision_facts as f
from tests.support.workers import migrated_sessions, service_worker

STAFF = Principal("cs-1", ("congress_staff",), f.BANNER)
READERS = [
    Principal("gov-1", ("government_staff",), f.TOWN),
    Principal("ev-1", ("evaluator",), f.BANNER),
    Principal("sup-1", ("supervisor",), f.TOWN),
    Principal("dep-1", ("deputy",), f.TOWN),
]
PROJECT = f.project_id(1)


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


@pytest.fixture
def consumer(sessions):
    return service_worker("supervision", sessions, ANONYMOUS)


@pytest.fixture
def opened(consumer):
    consumer.handle_implementation_project_created(f.created(1))
    return consumer


def row(sessions):
    session = sessions["supervision"]
    session.expire_all()
    return project(session, PROJECT)


def kinds(sessions) -> list[str]:
    return [e.kind for e in entries(sessions["supervision"], PROJECT)]


class TestFacts:
    def test_a_plan_names_who_leads_and_by_when(self, sessions, opened):
        opened.handle_implementation_plan_adopted(f.plan(version=1))
        opened.handle_implementation_plan_adopted(f.plan(version=2, leader="副镇长乙"))
        opened.handle_implementation_plan_adopted(f.plan(version=1))  # late, a new event id
        found = row(sessions)
        assert (found.plan_version, found.lead_leader, found.status) == (2, "副镇长乙", "planned")
        assert found.deadline == date(2026, 11, 30)
        # the late delivery of version 1 is the same fact: no second line
        assert kinds(sessions) == ["project_created", "plan_adopted", "plan_adopted"]

    def test_an_older_progress_report_files_but_leaves_the_figures(self, sessions, opened):
        opened.handle_implementation_progress_reported(f.progress(as_of="2026-05-08", actual="60"))
        opened.handle_implementation_progress_reported(f.progress(as_of="2026-05-01", actual="45"))
        found = row(sessions)
        assert (found.actual_percent, found.as_of) == ("60", date(2026, 5, 8))
        assert found.status == "in_progress"
        lines = entries(sessions["supervision"], PROJECT)
        assert [e.kind for e in lines].count("progress_reported") == 2
        # the file is in time order, whatever the order of delivery
        assert "截至2026-05-01" in lines[1].summary and "截至2026-05-08" in lines[2].summary

    def test_flagged_overdue_funds_and_completion(self, sessions, opened):
        opened.handle_implementation_project_flagged(f.flagged())
        opened.handle_implementation_problem_overdue(f.overdue(problem=1))
        opened.handle_implementation_problem_overdue(f.overdue(problem=1, step="deadline_order"))
        opened.handle_implementation_problem_overdue(f.overdue(problem=2))
        opened.handle_implementation_funds_disbursed(
            f.funds(flow=2, disbursed=100_000_00, recorded="2026-05-01")
        )
        opened.handle_implementation_funds_disbursed(
            f.funds(flow=1, disbursed=50_000_00, recorded="2026-04-01")
        )
        opened.handle_implementation_project_completed(f.completed())
        opened.handle_implementation_progress_reported(f.progress(as_of="2026-11-01"))  # late
        found = row(sessions)
        assert found.flagged is True and found.overdue_problems == 2
        assert (found.budget_fen, found.disbursed_fen) == (120_000_00, 100_000_00)
        assert (found.status, found.completed_on, found.same_year) == (
            "completed",
            date(2026, 11, 20),
            True,
        )
        assert found.actual_percent == "45.0"  # a report's figures, but the status stays
        lines = entries(sessions["supervision"], PROJECT)
        assert all(e.side == "government" for e in lines)
        assert any("挂牌督办" in e.summary for e in lines)
        assert any("拨付50,000.00元" in e.summary for e in lines)

    def test_a_redelivered_event_writes_one_line(self, sessions, opened):
        event = f.progress()
        assert opened.handle_implementation_progress_reported(event) is True
        assert opened.handle_implementation_progress_reported(event) is False
        assert kinds(sessions).count("progress_reported") == 1

    def test_a_fact_before_its_project_waits_then_applies(self, sessions, consumer):
        consumer.handle_implementation_plan_adopted(f.plan())
        consumer.handle_implementation_progress_reported(f.progress())
        session = sessions["supervision"]
        assert session.scalar(select(func.count()).select_from(PendingFact)) == 2
        assert row(sessions) is None
        consumer.handle_implementation_project_created(f.created(1))
        found = row(sessions)
        assert (found.plan_version, found.actual_percent, found.status) == (
            1,
            "45.0",
            "in_progress",
        )
        assert kinds(sessions) == ["project_created", "plan_adopted", "progress_reported"]
        assert session.scalar(select(func.count()).select_from(PendingFact)) == 0

    def test_a_bad_payload_is_refused_before_any_effect(self, sessions, opened):
        from servicekit.consumer import InvalidEvent

        event = f.progress()
        event["payload"]["standing"] = "sideways"
        with pytest.raises(InvalidEvent):
            opened.handle_implementation_progress_reported(event)
        assert kinds(sessions) == ["project_created"]


class TestReadFile:
    def test_the_whole_file_in_one_page(self, sessions, opened):
        opened.handle_implementation_plan_adopted(f.plan())
        group = service_worker("supervision", sessions, STAFF).create_group(
            {
                "area_code": f.BANNER,
                "year": f.YEAR,
                "name": "第一监督组",
                "members": [{"subject": "lead-1", "name": "王主任", "role": "leader"}],
                "project_ids": [PROJECT],
            }
        )
        page = service_worker("supervision", sessions, STAFF).get_project_file(PROJECT)
        assert (
            page["project"]["public_code"].startswith("T") and page["project"]["group_count"] == 1
        )
        assert page["groups"] == [
            {"group_id": group["group_id"], "name": "第一监督组", "leader": "王主任"}
        ]
        assert [e["kind"] for e in page["timeline"]] == [
            "project_created",
            "plan_adopted",
            "group_assigned",
        ]
        assert [e["side"] for e in page["timeline"]][-1] == "supervision"
        assert page["open_findings"] == []

    @pytest.mark.parametrize("reader", READERS)
    def test_every_reader_of_the_area_reads_it(self, sessions, opened, reader):
        page = service_worker("supervision", sessions, reader).get_project_file(PROJECT)
        assert page["project"]["project_id"] == PROJECT

    def test_another_area_and_an_unknown_project_are_refused(self, sessions, opened):
        outsider = Principal("gov-9", ("government_staff",), f.OTHER_BANNER)
        with pytest.raises(Forbidden):
            service_worker("supervision", sessions, outsider).get_project_file(PROJECT)
        with pytest.raises(Forbidden):
            service_worker(
                "supervision", sessions, Principal("x", ("finance_staff",), f.TOWN)
            ).get_project_file(PROJECT)
        with pytest.raises(NotFound):
            service_worker("supervision", sessions, STAFF).get_project_file(f.project_id(9))


def test_file_lines_are_counted_once_committed(sessions, opened):
    from supervision.metrics import FILE_ENTRIES

    counted = FILE_ENTRIES.labels("township", side="government")
    before = counted._value.get()
    event = f.progress()
    opened.handle_implementation_progress_reported(event)
    opened.handle_implementation_progress_reported(event)  # redelivered: not counted again
    assert counted._value.get() == before + 1


def test_a_member_of_its_group_reads_the_file_from_another_area(sessions, opened):
    far = Principal("dep-far", ("deputy",), f.OTHER_BANNER)
    with pytest.raises(Forbidden):
        service_worker("supervision", sessions, far).get_project_file(PROJECT)
    service_worker("supervision", sessions, STAFF).create_group(
        {
            "area_code": f.BANNER,
            "year": f.YEAR,
            "name": "第一监督组",
            "members": [
                {"subject": "lead-1", "name": "王主任", "role": "leader"},
                {"subject": "dep-far", "name": "代表丙", "role": "deputy"},
            ],
            "project_ids": [PROJECT],
        }
    )
    page = service_worker("supervision", sessions, far).get_project_file(PROJECT)
    assert page["groups"][0]["name"] == "第一监督组"
