"""Checkpoints through the supervision service's entrypoints, on its migrated SQLite database:
setting a stage (idempotent), what is expected of every group × project, filing a report
(every question answered, one per group × project, findings into the file), the reminders of
a missing report by working days, and who may do what.

Today is the development clock (MINSHENG_DEV, MINSHENG_TODAY), so "missing" does not move
with the wall clock. Groups are seeded in the tables the groups part owns (`seed_group`).
"""

import json
import uuid
from datetime import UTC, datetime

import pytest
from servicekit import metrics
from servicekit.auth import Principal
from servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.db.checkpoints_models import CheckpointReminder
from supervision.db.groups_models import Group, GroupMember, GroupProject
from supervision.db.models import FileEntry, Finding, Project
from supervision.domain.checkpoints import DEFAULT_QUESTIONS
from supervision.use_cases import files

from tests.support.workers import migrated_sessions, service_worker

AREA = "150622"  # 准格尔旗 (banner)
STAFF = Principal("staff-1", ("congress_staff",), AREA)
ADMIN = Principal("admin-1", ("admin",), "150600")
MEMBER = Principal("deputy-1", ("deputy",), AREA)
OUTSIDER = Principal("deputy-9", ("deputy",), AREA)  # a deputy of the area, not in the group
EVALUATOR = Principal("eval-1", ("evaluator",), AREA)
OTHER_STAFF = Principal("staff-9", ("congress_staff",), "150621")  # another banner
PHOTO = {
    "file_name": "现场.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 2048,
    "sha256": "a" * 64,
}


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", "2026-06-15")
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=STAFF):
    return service_worker("supervision", sessions, principal, level="banner")


def seed_project(session, title: str, **figures) -> str:
    project_id = "B-" + uuid.uuid4().hex
    fact = {
        "project_id": project_id,
        "area_code": AREA,
        "year": 2026,
        "title": title,
        "category": "教育",
        "estimated_cost_fen": 100_000_00,
        "proposal_id": str(uuid.uuid4()),
        "session_id": "B-" + "0" * 32,
        "lead_department": "教育局",
        "created_at": datetime(2026, 1, 20, tzinfo=UTC),
        "results_digest": "f" * 64,
    }
    files.open_file(session, fact, datetime(2026, 1, 20, tzinfo=UTC))
    row = session.get(Project, project_id)
    for name, value in figures.items():
        setattr(row, name, value)
    session.commit()
    return project_id


def seed_group(
    session, name: str, members: list[str], projects: list[str], year: int = 2026
) -> str:
    """A group as the groups part keeps it (the one place to change if its tables grow)."""
    group_id = "B-" + uuid.uuid4().hex
    at = datetime(2026, 2, 1, tzinfo=UTC)
    session.add(
        Group(
            id=group_id,
            area_code=AREA,
            area_path="/150600/150622/",
            level="banner",
            year=year,
            name=name,
            created_by="staff-1",
            created_at=at,
            updated_at=at,
        )
    )
    session.flush()
    for position, subject in enumerate(members):
        session.add(
            GroupMember(
                group_id=group_id,
                subject=subject,
                position=position,
                name="代表",
                role="deputy",
                specialty=None,
            )
        )
    for project_id in projects:
        session.add(
            GroupProject(
                group_id=group_id, project_id=project_id, assigned_by="staff-1", assigned_at=at
            )
        )
    session.commit()
    return group_id


@pytest.fixture
def area(sessions):
    """Two groups: 第一组 (deputy-1) with two projects, 第二组 (nobody of ours) with one."""
    session = sessions["supervision"]
    school = seed_project(
        session,
        "新建第三小学",
        actual_percent="40.0",
        planned_percent="50.0",
        standing="lagging",
        budget_fen=500_000_00,
        disbursed_fen=200_000_00,
        paid_fen=150_000_00,
    )
    road = seed_project(session, "硬化乡村道路")
    water = seed_project(session, "农村饮水安全")
    first = seed_group(session, "第一监督组", ["deputy-1"], [school, road])
    second = seed_group(session, "第二监督组", ["deputy-2"], [water])
    return {"school": school, "road": road, "water": water, "first": first, "second": second}


def midyear(sessions, due="2026-06-30", **extra):
    body = {"area_code": AREA, "year": 2026, "stage": "midyear", "due_date": due, **extra}
    return worker(sessions).set_checkpoint(body)


def answers(questions=DEFAULT_QUESTIONS["midyear"]):
    return [{"question": q, "answer": f"答：{n}"} for n, q in enumerate(questions)]


def report(area, project="school", **extra):
    return {
        "group_id": area["first"],
        "project_id": area[project],
        "answers": answers(),
        "verdict": "fair",
        "findings": [{"text": "进度滞后两周", "photos": [PHOTO]}],
        **extra,
    }


class TestSetCheckpoint:
    def test_a_stage_gets_its_default_questions_and_a_level_id(self, sessions):
        checkpoint = midyear(sessions)
        assert checkpoint["id"].startswith("B-")
        assert checkpoint["stage_name"] == "年中·问进度"
        assert checkpoint["questions"] == list(DEFAULT_QUESTIONS["midyear"])
        assert checkpoint["overdue"] is False

    def test_setting_again_is_the_same_checkpoint_with_the_new_date(self, sessions):
        first = midyear(sessions)
        again = midyear(sessions, due="2026-07-10", questions=["问一？", "问二？"])
        assert again["id"] == first["id"]
        assert (again["due_date"], again["questions"]) == ("2026-07-10", ["问一？", "问二？"])
        listed = worker(sessions).list_checkpoints({"area_code": AREA, "year": 2026})["items"]
        assert [c["id"] for c in listed] == [first["id"]]

    def test_questions_answered_already_cannot_change(self, sessions, area):
        checkpoint = midyear(sessions)
        worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area))
        midyear(sessions, due="2026-07-01")  # the date may still move
        with pytest.raises(Conflict):
            midyear(sessions, questions=["新问题？"])

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"stage": "spring"}, "stage"),
            ({"due_date": "not a date"}, "due_date"),
            ({"questions": []}, "questions"),
            ({"questions": ["同一个？", "同一个？"]}, "questions"),
            ({"area_code": "999999"}, "area_code"),
        ],
    )
    def test_bad_bodies_name_the_field(self, sessions, body, field):
        base = {"area_code": AREA, "year": 2026, "stage": "midyear", "due_date": "2026-06-30"}
        with pytest.raises(ValidationFailed) as caught:
            worker(sessions).set_checkpoint({**base, **body})
        assert field in caught.value.details

    @pytest.mark.parametrize("principal", [MEMBER, EVALUATOR, OTHER_STAFF])
    def test_only_the_areas_staff_set_checkpoints(self, sessions, principal):
        body = {"area_code": AREA, "year": 2026, "stage": "opening", "due_date": "2026-03-31"}
        with pytest.raises(Forbidden):
            worker(sessions, principal).set_checkpoint(body)


class TestExpected:
    def test_every_group_times_each_project_is_expected(self, sessions, area):
        checkpoint = midyear(sessions)
        seen = worker(sessions, MEMBER).get_checkpoint(checkpoint["id"])
        pairs = {(i["group_name"], i["project_title"]) for i in seen["expected"]}
        assert pairs == {
            ("第一监督组", "新建第三小学"),
            ("第一监督组", "硬化乡村道路"),
            ("第二监督组", "农村饮水安全"),
        }
        assert seen["counts"] == {
            "expected": 3,
            "filed": 0,
            "missing": 0,  # not due yet
            "verdicts": {"good": 0, "fair": 0, "poor": 0},
        }

    def test_after_the_due_date_what_is_not_filed_is_missing(self, sessions, area, monkeypatch):
        checkpoint = midyear(sessions)
        worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area))
        monkeypatch.setenv("MINSHENG_TODAY", "2026-06-30")
        assert worker(sessions).get_checkpoint(checkpoint["id"])["counts"]["missing"] == 0
        monkeypatch.setenv("MINSHENG_TODAY", "2026-07-01")
        seen = worker(sessions).get_checkpoint(checkpoint["id"])
        assert seen["overdue"] is True
        assert seen["counts"] == {
            "expected": 3,
            "filed": 1,
            "missing": 2,
            "verdicts": {"good": 0, "fair": 1, "poor": 0},
        }
        missing = {i["project_title"] for i in seen["expected"] if i["missing"]}
        assert missing == {"硬化乡村道路", "农村饮水安全"}

    def test_an_unknown_checkpoint_is_404_and_another_area_403(self, sessions):
        with pytest.raises(NotFound):
            worker(sessions).get_checkpoint("B-" + "9" * 32)
        checkpoint = midyear(sessions)
        with pytest.raises(Forbidden):
            worker(sessions, OTHER_STAFF).get_checkpoint(checkpoint["id"])


class TestFileReport:
    def test_a_member_files_with_a_snapshot_findings_and_file_lines(self, sessions, area):
        checkpoint = midyear(sessions)
        filed = worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area))
        assert (filed["verdict"], filed["verdict_name"], filed["stage"]) == (
            "fair",
            "一般",
            "midyear",
        )
        assert filed["answers"] == answers()
        assert filed["snapshot"] == {
            "status": "created",
            "actual_percent": "40.0",
            "planned_percent": "50.0",
            "standing": "lagging",
            "as_of": None,
            "budget_fen": 500_000_00,
            "disbursed_fen": 200_000_00,
            "paid_fen": 150_000_00,
        }
        session = sessions["supervision"]
        (finding,) = session.query(Finding).all()
        assert (finding.source, finding.source_ref, finding.group_id) == (
            "checkpoint",
            filed["id"],
            area["first"],
        )
        assert json.loads(finding.photos) == [PHOTO]
        assert filed["finding_ids"] == [finding.id]
        lines = (
            session.query(FileEntry).filter_by(project_id=area["school"], side="supervision").all()
        )
        assert sorted(line.kind for line in lines) == ["checkpoint_report", "finding_raised"]
        assert any("年中·问进度检查报告：一般" in line.summary for line in lines)

    def test_a_missing_answer_is_named(self, sessions, area):
        checkpoint = midyear(sessions)
        body = report(area, answers=answers()[1:])
        with pytest.raises(ValidationFailed) as caught:
            worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], body)
        (message,) = caught.value.details["answers"]
        assert DEFAULT_QUESTIONS["midyear"][0] in message
        assert sessions["supervision"].query(Finding).count() == 0

    def test_a_second_report_is_a_conflict_and_a_replay_answers_the_first(self, sessions, area):
        checkpoint = midyear(sessions)
        first = worker(sessions, MEMBER).file_checkpoint_report(
            checkpoint["id"], report(area), "key-1"
        )
        replay = worker(sessions, MEMBER).file_checkpoint_report(
            checkpoint["id"], report(area), "key-1"
        )
        assert replay == first
        with pytest.raises(Conflict):
            worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area), "key-2")
        with pytest.raises(Conflict):
            worker(sessions, STAFF).file_checkpoint_report(checkpoint["id"], report(area))
        assert sessions["supervision"].query(Finding).count() == 1

    def test_a_deputy_not_in_the_group_is_refused(self, sessions, area):
        checkpoint = midyear(sessions)
        with pytest.raises(Forbidden):
            worker(sessions, OUTSIDER).file_checkpoint_report(checkpoint["id"], report(area))

    def test_a_member_with_an_account_of_another_area_files_for_the_group(self, sessions, area):
        checkpoint = midyear(sessions)
        member = Principal("deputy-1", ("deputy",), "150621")
        filed = worker(sessions, member).file_checkpoint_report(checkpoint["id"], report(area))
        assert filed["group_id"] == area["first"]

    def test_staff_of_another_area_are_refused(self, sessions, area):
        checkpoint = midyear(sessions)
        with pytest.raises(Forbidden):
            worker(sessions, OTHER_STAFF).file_checkpoint_report(checkpoint["id"], report(area))

    def test_an_evaluator_is_refused(self, sessions, area):
        checkpoint = midyear(sessions)
        with pytest.raises(Forbidden):
            worker(sessions, EVALUATOR).file_checkpoint_report(checkpoint["id"], report(area))

    def test_a_project_of_another_group_is_refused(self, sessions, area):
        checkpoint = midyear(sessions)
        with pytest.raises(ValidationFailed) as caught:
            worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area, "water"))
        assert "project_id" in caught.value.details

    def test_an_unknown_group_is_404(self, sessions, area):
        checkpoint = midyear(sessions)
        body = report(area, group_id="B-" + "7" * 32)
        with pytest.raises(NotFound):
            worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], body)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"verdict": "excellent"}, "verdict"),
            ({"group_id": "not-a-group"}, "group_id"),
            ({"answers": []}, "answers"),
            ({"findings": [{"text": "x", "photos": [{"file_name": "a.jpg"}]}]}, "findings"),
            (
                {"findings": [{"text": "x", "photos": [{**PHOTO, "content_type": "text/x-sh"}]}]},
                "findings",
            ),
            ({"findings": [{"text": "x", "photos": [{**PHOTO, "size_bytes": 0}]}]}, "findings"),
            (
                {"findings": [{"text": "x", "photos": [{**PHOTO, "size_bytes": 21 * 2**20}]}]},
                "findings",
            ),
            ({"findings": [{"text": "x", "photos": [{**PHOTO, "sha256": "z" * 64}]}]}, "findings"),
            ({"findings": [{"text": "x", "photos": [PHOTO] * 11}]}, "findings"),
        ],
    )
    def test_bad_bodies_name_the_field(self, sessions, area, change, field):
        checkpoint = midyear(sessions)
        with pytest.raises(ValidationFailed) as caught:
            worker(sessions, MEMBER).file_checkpoint_report(
                checkpoint["id"], report(area, **change)
            )
        assert field in caught.value.details


class TestReminders:
    """Due Wednesday 30 Sep 2026: 1–7 Oct off, Saturday 10 Oct a make-up working day."""

    def test_a_missing_report_climbs_by_working_days_once_each(self, sessions, area, monkeypatch):
        checkpoint = midyear(sessions, due="2026-09-30")
        worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area))

        def run(on):
            monkeypatch.setenv("MINSHENG_TODAY", on)
            return worker(sessions).run_checkpoint_reminders({"area_code": AREA})["sent"]

        assert run("2026-09-30") == 0
        assert run("2026-10-07") == 0  # the holiday: no working day has passed
        assert run("2026-10-08") == 2  # 温馨提示 for each of the two missing reports
        assert run("2026-10-10") == 0
        assert run("2026-10-12") == 2  # 限期督促
        assert run("2026-10-14") == 2  # 专报通报
        assert run("2026-10-30") == 0
        seen = worker(sessions).get_checkpoint(checkpoint["id"])
        (road,) = [i for i in seen["expected"] if i["project_title"] == "硬化乡村道路"]
        assert [r["step_name"] for r in road["reminders"]] == ["温馨提示", "限期督促", "专报通报"]
        (school,) = [i for i in seen["expected"] if i["project_title"] == "新建第三小学"]
        assert school["reminders"] == []

    def test_the_timer_catches_up_and_sets_the_missing_gauge(self, sessions, area, monkeypatch):
        midyear(sessions, due="2026-09-30")
        monkeypatch.setenv("MINSHENG_TODAY", "2026-10-14")
        worker(sessions).send_checkpoint_reminders()
        rows = sessions["supervision"].query(CheckpointReminder).all()
        assert len(rows) == 9  # three missing reports × three steps, in one run
        assert {row.overdue_working_days for row in rows} == {6}
        worker(sessions).send_checkpoint_reminders()
        assert sessions["supervision"].query(CheckpointReminder).count() == 9
        gauge = metrics.REGISTRY.get_sample_value(
            "minsheng_supervision_checkpoint_reports_missing",
            {"service": "supervision", "level": "banner", "stage": "midyear"},
        )
        assert gauge == 3

    def test_a_year_without_a_schedule_is_skipped_not_guessed(self, sessions, area, monkeypatch):
        body = {"area_code": AREA, "year": 2026, "stage": "yearend", "due_date": "2031-01-10"}
        worker(sessions).set_checkpoint(body)
        monkeypatch.setenv("MINSHENG_TODAY", "2031-02-01")
        answer = worker(sessions).run_checkpoint_reminders({"area_code": AREA})
        assert (answer["sent"], answer["skipped_unknown_years"]) == (0, [2031])

    def test_a_year_entered_by_an_admin_is_reminded_from_then_on(self, sessions, area, monkeypatch):
        body = {"area_code": AREA, "year": 2027, "stage": "midyear", "due_date": "2027-09-30"}
        checkpoint = worker(sessions).set_checkpoint(body)
        seed_group(sessions["supervision"], "2027第一组", ["deputy-1"], [area["school"]], 2027)
        monkeypatch.setenv("MINSHENG_TODAY", "2027-10-08")
        answer = worker(sessions).run_checkpoint_reminders({"area_code": AREA})
        assert answer["skipped_unknown_years"] == [2027]
        schedule = {
            "holidays": [f"2027-10-0{day}" for day in range(1, 8)],
            "workdays": [],
            "document_ref": "国办发明电〔2026〕X号",
        }
        with pytest.raises(Forbidden):
            worker(sessions, STAFF).put_supervision_calendar_year(2027, schedule)
        year = worker(sessions, ADMIN).put_supervision_calendar_year(2027, schedule)
        assert (year["known"], year["source"]) == (True, "override")
        answer = worker(sessions).run_checkpoint_reminders({"area_code": AREA})
        assert (answer["sent"], answer["skipped_unknown_years"]) == (1, [])
        (expected,) = worker(sessions).get_checkpoint(checkpoint["id"])["expected"]
        assert [r["step_name"] for r in expected["reminders"]] == ["温馨提示"]
        assert worker(sessions, MEMBER).get_supervision_calendar_year(2027)["known"] is True
        with pytest.raises(NotFound):
            worker(sessions, MEMBER).get_supervision_calendar_year(1900)

    def test_only_staff_run_reminders(self, sessions):
        with pytest.raises(Forbidden):
            worker(sessions, MEMBER).run_checkpoint_reminders({"area_code": AREA})
