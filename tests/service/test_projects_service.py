"""Implementation's projects through its entrypoints on its migrated SQLite database: projects
from the vote (once, whatever the broker does), plans with versions, reports judged against
序时进度, flagged supervision, carry-over, the public page, and every refusal."""

import json

import pytest
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from servicekit.relay import OUTBOX
from sqlalchemy import func, select

from tests.support import projects as p
from tests.support.workers import migrated_sessions, service_worker


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal: Principal = p.STAFF):
    return service_worker("implementation", sessions, principal)


def events(sessions, event_type: str) -> list[dict]:
    session = sessions["implementation"]
    session.rollback()
    rows = session.execute(select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type))
    return [json.loads(envelope)["payload"] for (envelope,) in rows]


def created(sessions, elected: int = 3, other: int = 1) -> list[dict]:
    """Announce a result and answer the area's projects."""
    worker(sessions, ANONYMOUS).handle_voting_session_results_announced(
        p.envelope(p.results(elected, other))
    )
    return worker(sessions).list_projects({"area_code": p.AREA})["items"]


def planned(sessions) -> str:
    project_id = created(sessions, 1, 0)[0]["id"]
    worker(sessions).put_plan(project_id, p.plan())
    return project_id


class TestProjectsFromTheVote:
    def test_each_elected_candidate_becomes_one_project(self, sessions):
        payload = p.results(elected=3, other=2)
        worker(sessions, ANONYMOUS).handle_voting_session_results_announced(p.envelope(payload))
        items = worker(sessions).list_projects({"area_code": p.AREA})["items"]
        elected = [c for c in payload["candidates"] if c["elected"]]
        assert sorted(i["title"] for i in items) == sorted(c["title"] for c in elected)
        assert {i["status"] for i in items} == {"created"}
        assert {i["status_name"] for i in items} == {"已立项"}
        assert all(i["id"].startswith("T-") and i["category"] == "老旧小区改造" for i in items)
        sent = events(sessions, "project_created_v1")
        assert sorted(e["proposal_id"] for e in sent) == sorted(c["proposal_id"] for c in elected)
        detail = worker(sessions).get_project(items[0]["id"])
        assert detail["origin"]["session_id"] == payload["session_id"]
        assert detail["origin"]["results_digest"] == payload["digest"]
        assert (
            detail["lead_department"] == "住房和城乡建设局"
        )  # the list's suggestion, until a plan

    def test_a_redelivered_or_republished_result_makes_no_second_project(self, sessions):
        payload = p.results(elected=2, other=0)
        handler = worker(sessions, ANONYMOUS)
        handler.handle_voting_session_results_announced(p.envelope(payload))
        handler.handle_voting_session_results_announced(p.envelope(payload))  # new event id
        first = p.envelope(payload)
        handler.handle_voting_session_results_announced(first)
        handler.handle_voting_session_results_announced(first)  # the same event again
        assert worker(sessions).list_projects({"area_code": p.AREA})["total"] == 2
        assert len(events(sessions, "project_created_v1")) == 2

    def test_results_announced_before_categories_travelled_still_make_projects(self, sessions):
        payload = p.results(elected=1, other=0)
        for key in ("category", "estimated_cost_fen", "lead_department"):
            del payload["candidates"][0][key]
        worker(sessions, ANONYMOUS).handle_voting_session_results_announced(p.envelope(payload))
        (item,) = worker(sessions).list_projects({"area_code": p.AREA})["items"]
        assert item["category"] == "其他" and item["estimated_cost_fen"] is None

    def test_lists_filter_by_year_status_and_cover_the_subtree(self, sessions):
        created(sessions, 2, 0)
        banner = worker(sessions, p.BANNER_STAFF)
        assert banner.list_projects({"area_code": "150622"})["total"] == 2
        assert banner.list_projects({"area_code": "150622", "year": 2025})["total"] == 0
        assert banner.list_projects({"area_code": "150622", "status": "planned"})["total"] == 0


class TestPlans:
    def test_a_plan_is_version_one_and_the_project_is_planned(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        version = worker(sessions).put_plan(project_id, p.plan())
        assert version["version"] == 1 and version["changed_by"] == "gov-1"
        assert version["changes"] == ["初始方案 (first plan)"]
        detail = worker(sessions).get_project(project_id)
        assert detail["status"] == "planned" and detail["plan"]["lead_leader"] == "王副镇长"
        assert [m["weight"] for m in detail["milestones"]] == ["1/4", "1/4", "1/2"]
        assert detail["deadline"] == "2026-10-31"

    def test_weights_that_do_not_sum_to_one_say_what_is_missing(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        body = p.plan()
        body["milestones"][2]["weight"] = "1/4"
        with pytest.raises(RuleViolation) as refused:
            worker(sessions).put_plan(project_id, body)
        assert refused.value.details["missing"] == "1/4"
        assert "1/4" in refused.value.message
        assert worker(sessions).get_project(project_id)["plan"] is None

    def test_an_unreadable_weight_is_a_400_on_that_field(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        for weight in ("abc", "1e-3", "０.５", "-1/4", "1/4\n"):
            body = p.plan()
            body["milestones"][0]["weight"] = weight
            with pytest.raises(ValidationFailed):
                worker(sessions).put_plan(project_id, body)

    def test_a_deadline_past_the_year_is_refused(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        body = p.plan(deadline="2027-01-31")
        body["milestones"][2]["due"] = "2027-01-31"
        with pytest.raises(RuleViolation):
            worker(sessions).put_plan(project_id, body)

    def test_every_change_is_a_version_with_who_and_why_and_a_repeat_is_not(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        worker(sessions).put_plan(project_id, p.plan())
        again = worker(sessions).put_plan(project_id, p.plan(reason="再次提交"))
        assert again["version"] == 1  # nothing changed: no new version
        changed = p.plan(lead_leader="李镇长", reason="分工调整")
        second = worker(sessions, Principal("gov-9", ("government_staff",), p.AREA)).put_plan(
            project_id, changed
        )
        assert second["version"] == 2 and second["changed_by"] == "gov-9"
        assert any("lead_leader" in line for line in second["changes"])
        history = worker(sessions, p.DEPUTY).list_plan_versions(project_id)["versions"]
        assert [(v["version"], v["reason"]) for v in history] == [(1, "初始方案"), (2, "分工调整")]


class TestReports:
    def test_a_report_is_judged_against_planned_progress(self, sessions):
        project_id = planned(sessions)
        # 2026-04-15: design due (1/4 planned), tender half way (15/30 of 1/4): 3/8 + ... planned
        answer = worker(sessions).create_report(
            project_id, p.report("2026-W16", "2026-04-15", {"design": "1", "tender": "1/2"})
        )
        assert answer["actual_percent"] == "37.5"  # 1/4 + 1/4 × 1/2; works unreported counts 0
        assert answer["planned_percent"] == "37.5"  # 1/4 + 1/4 × 15/30
        assert answer["standing"] == "on_track" and answer["flagged_now"] is False
        detail = worker(sessions).get_project(project_id)
        assert detail["status"] == "in_progress"
        assert detail["progress"]["standing_name"] == "正常"
        assert detail["progress"]["tolerance_points"] == 10
        (sent,) = events(sessions, "progress_reported_v1")
        assert (
            sent["actual_percent"] == "37.5"
            and sent["proposal_id"] == detail["origin"]["proposal_id"]
        )

    def test_lagging_in_three_reports_in_a_row_flags_the_project_once(self, sessions):
        project_id = planned(sessions)
        days = ("2026-06-05", "2026-06-12", "2026-06-19", "2026-06-26")
        answers = [
            worker(sessions).create_report(
                project_id, p.report(p.iso_week(day), day, {"design": "1"})
            )
            for day in days
        ]
        assert [a["standing"] for a in answers] == ["lagging"] * 4
        assert [a["flagged_now"] for a in answers] == [False, False, True, False]
        (flag,) = events(sessions, "project_flagged_v1")
        assert flag["consecutive_lagging"] == 3
        detail = worker(sessions).get_project(project_id)
        assert detail["flagged"] is True and detail["progress"]["lagging_streak"] == 4

    def test_a_late_report_takes_its_place_by_date_in_the_lagging_streak(self, sessions):
        project_id = planned(sessions)
        for day in ("2026-06-12", "2026-06-26"):  # W24, W26: lagging, a week missing between
            worker(sessions).create_report(
                project_id, p.report(p.iso_week(day), day, {"design": "1"})
            )
        # W25 filed last but dated 06-19, lagging too: three in a row by date
        late = worker(sessions).create_report(
            project_id, p.report("2026-W25", "2026-06-19", {"design": "1"})
        )
        assert (late["standing"], late["flagged_now"]) == ("lagging", True)
        detail = worker(sessions).get_project(project_id)
        assert detail["progress"]["lagging_streak"] == 3
        assert detail["progress"]["as_of"] == "2026-06-26"  # the latest date stays the project's

    def test_a_late_report_on_track_breaks_the_streak_it_falls_in(self, sessions):
        project_id = planned(sessions)
        for day in ("2026-06-12", "2026-06-26"):
            worker(sessions).create_report(
                project_id, p.report(p.iso_week(day), day, {"design": "1"})
            )
        # 06-19: 63.6 planned; 1/4 + 1/4 + 1/2 × 1/4 = 62.5 done: on track
        late = worker(sessions).create_report(
            project_id,
            p.report("2026-W25", "2026-06-19", {"design": "1", "tender": "1", "works": "1/4"}),
        )
        assert (late["standing"], late["flagged_now"]) == ("on_track", False)
        detail = worker(sessions).get_project(project_id)
        assert detail["progress"]["lagging_streak"] == 1  # W26 lagging, then W25 on track
        assert detail["flagged"] is False

    def test_a_report_is_judged_by_the_nearest_areas_tolerance_and_flag_setting(self, sessions):
        project_id = planned(sessions)
        banner = Principal("gov-b", ("government_staff",), "150622")
        worker(sessions, banner).put_area_settings(
            "150622", {"tolerance_points": 5, "flag_after_lagging": 1}
        )
        # 2026-04-15: 37.5 planned; 1/4 + 1/4 × 1/4 = 31.25 done, 6.25 points behind
        shares = {"design": "1", "tender": "1/4"}
        first = worker(sessions).create_report(
            project_id, p.report("2026-W16", "2026-04-15", shares)
        )
        assert (first["standing"], first["flagged_now"]) == ("lagging", True)
        worker(sessions).put_area_settings(p.AREA, {"tolerance_points": 10})  # its own wins
        again = worker(sessions).create_report(
            project_id, p.report("2026-04", "2026-04-15", shares, cadence="monthly")
        )
        assert again["standing"] == "on_track"

    def test_a_report_before_the_plan_is_refused(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        with pytest.raises(RuleViolation):
            worker(sessions).create_report(
                project_id, p.report("2026-W16", "2026-04-15", {"design": "1"})
            )

    def test_a_period_is_reported_once_and_a_retry_with_its_key_answers_the_first(self, sessions):
        project_id = planned(sessions)
        body = p.report("2026-W16", "2026-04-15", {"design": "1"})
        first = worker(sessions).create_report(project_id, body, "key-1")
        assert worker(sessions).create_report(project_id, body, "key-1") == first
        with pytest.raises(Conflict):
            worker(sessions).create_report(project_id, body, "key-2")
        assert len(events(sessions, "progress_reported_v1")) == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"period": "2026-04"},  # a month for a weekly report
            {"as_of": "2099-01-01"},  # the future
            {"milestones": [{"key": "nope", "done": "1"}]},
            {"milestones": [{"key": "design", "done": "3/2"}]},
            {"milestones": [{"key": "design", "done": "x"}]},
            {"cadence": "daily"},
            {"narrative": ""},
            {"extra": 1},
        ],
    )
    def test_bad_reports_are_400_and_write_nothing(self, sessions, change):
        project_id = planned(sessions)
        body = {**p.report("2026-W16", "2026-04-15", {"design": "1"}), **change}
        with pytest.raises(ValidationFailed):
            worker(sessions).create_report(project_id, body)
        assert events(sessions, "progress_reported_v1") == []


class TestCarryOver:
    def test_a_carried_over_project_keeps_going_with_a_deadline_next_year(self, sessions):
        project_id = planned(sessions)
        body = {"reason": "冬季停工，主体工程顺延", "new_deadline": "2027-06-30"}
        detail = worker(sessions).carry_over_project(project_id, body)
        assert detail["status"] == "carried_over" and detail["deadline"] == "2027-06-30"
        assert detail["carried_over"] == {"to_year": 2027, "reason": "冬季停工，主体工程顺延"}
        with pytest.raises(Conflict):
            worker(sessions).carry_over_project(project_id, body)
        later = p.plan(deadline="2027-06-30", reason="结转后调整")
        later["milestones"][2]["due"] = "2027-06-30"
        assert worker(sessions).put_plan(project_id, later)["version"] == 2

    def test_the_new_deadline_lies_in_the_next_year(self, sessions):
        project_id = planned(sessions)
        with pytest.raises(ValidationFailed):
            worker(sessions).carry_over_project(
                project_id, {"reason": "顺延", "new_deadline": "2026-12-31"}
            )


class TestPublicPage:
    def test_anyone_sees_progress_and_milestones_and_no_staff_names(self, sessions):
        project_id = planned(sessions)
        worker(sessions).create_report(
            project_id, p.report("2026-W16", "2026-04-15", {"design": "1", "tender": "1/2"})
        )
        page = worker(sessions, ANONYMOUS).get_public_project(project_id)
        assert page["actual_percent"] == "37.5" and page["status_name"] == "实施中"
        assert [m["done_percent"] for m in page["milestones"]] == ["100.0", "50.0", "0.0"]
        text = json.dumps(page, ensure_ascii=False)
        assert "王副镇长" not in text and "gov-1" not in text and "按计划推进" not in text

    def test_an_unknown_project_is_404(self, sessions):
        with pytest.raises(NotFound):
            worker(sessions, ANONYMOUS).get_public_project("T-" + "0" * 32)


class TestPublicBoard:
    def test_anyone_sees_the_years_projects_against_plan_and_the_completion(self, sessions):
        ids = [item["id"] for item in created(sessions, 2, 0)]
        worker(sessions).put_plan(ids[0], p.plan())
        worker(sessions).create_report(
            ids[0], p.report("2026-W16", "2026-04-15", {"design": "1", "tender": "1/2"})
        )
        board = worker(sessions, ANONYMOUS).get_public_board({"area_code": "150622", "year": 2026})
        assert (board["projects"], board["completed"], board["year"]) == (2, 0, 2026)
        assert board["area_name"] == "准格尔旗" and board["target_percent"] == "95.0"
        rows = {row["id"]: row for row in board["items"]}
        assert set(rows) == set(ids) and rows[ids[0]]["actual_percent"] == "37.5"
        assert rows[ids[0]]["planned_percent"] is not None and rows[ids[1]]["standing"] is None
        township = next(a for a in board["areas"] if a["area_code"] == p.AREA)
        assert township["projects"] == 2
        text = json.dumps(board, ensure_ascii=False)
        assert "王副镇长" not in text and "gov-1" not in text and "按计划推进" not in text

    def test_another_year_is_empty_and_bad_queries_are_refused(self, sessions):
        created(sessions, 1, 0)
        board = worker(sessions, ANONYMOUS).get_public_board({"area_code": p.AREA, "year": 2030})
        assert (board["projects"], board["items"], board["completion_percent"]) == (0, [], None)
        with pytest.raises(ValidationFailed):
            worker(sessions, ANONYMOUS).get_public_board({"area_code": p.AREA})


class TestRefusals:
    def test_other_areas_wrong_roles_and_anonymous_are_refused(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        for principal in (p.OTHER_STAFF,):
            with pytest.raises(Forbidden):
                worker(sessions, principal).get_project(project_id)
            with pytest.raises(Forbidden):
                worker(sessions, principal).list_projects({"area_code": p.AREA})
        for principal in (p.DEPUTY, p.CONGRESS, p.OTHER_STAFF):
            with pytest.raises(Forbidden):
                worker(sessions, principal).put_plan(project_id, p.plan())
        with pytest.raises(Unauthenticated):
            worker(sessions, ANONYMOUS).get_project(project_id)
        assert worker(sessions, p.DEPUTY).get_project(project_id)["id"] == project_id
        assert worker(sessions, p.CONGRESS).get_project(project_id)["id"] == project_id
        session = sessions["implementation"]
        session.rollback()
        assert session.scalar(select(func.count()).select_from(OUTBOX)) == 1  # the creation

    def test_an_unknown_project_is_404_for_staff(self, sessions):
        with pytest.raises(NotFound):
            worker(sessions).get_project("T-" + "0" * 32)


ACCEPTED = {
    "accepted_on": "2026-10-30",
    "accepting_body": "薛家湾镇人大主席团",
    "result": "passed",
    "note": "12 个小区改造完成，资料齐全",
}


class TestAcceptanceAndCompletion:
    def test_a_passed_acceptance_completes_the_project_once(self, sessions):
        project_id = planned(sessions)
        answer = worker(sessions).accept_project(project_id, ACCEPTED)
        assert answer["result_name"] == "验收合格" and answer["same_year"] is True
        assert worker(sessions).get_project(project_id)["status"] == "completed"
        (done,) = events(sessions, "project_completed_v1")
        assert done["same_year"] is True and done["completed_on"] == "2026-10-30"
        with pytest.raises(Conflict):
            worker(sessions).accept_project(project_id, ACCEPTED)

    def test_a_failed_acceptance_is_kept_and_the_project_goes_on(self, sessions):
        project_id = planned(sessions)
        answer = worker(sessions).accept_project(project_id, {**ACCEPTED, "result": "failed"})
        assert answer["same_year"] is False
        assert worker(sessions).get_project(project_id)["status"] == "planned"
        assert events(sessions, "project_completed_v1") == []

    def test_nine_of_ten_accepted_and_one_carried_over_is_ninety_percent(self, sessions):
        ids = [item["id"] for item in created(sessions, 10, 0)]
        for project_id in ids:
            worker(sessions).put_plan(project_id, p.plan())
        for project_id in ids[:9]:
            worker(sessions).accept_project(project_id, ACCEPTED)
        worker(sessions).carry_over_project(
            ids[9], {"reason": "冬季停工", "new_deadline": "2027-06-30"}
        )
        report = worker(sessions, p.CONGRESS).get_report({"area_code": "150622", "year": 2026})
        assert (report["projects"], report["completed"]) == (10, 9)
        assert report["completion_rate"] == "9/10" and report["completion_percent"] == "90.0"
        assert report["meets_target"] is False and report["target_percent"] == "95.0"
        assert [c["id"] for c in report["carried_over"]] == [ids[9]]
        assert report["carried_over"][0]["reason"] == "冬季停工"
        township = next(a for a in report["areas"] if a["area_code"] == p.AREA)
        assert (township["projects"], township["completed"]) == (10, 9)

    def test_exports_open_with_chinese_headers(self, sessions):
        import base64
        import io

        from openpyxl import load_workbook

        planned(sessions)
        query = {"area_code": p.AREA, "year": 2026}
        sheet = worker(sessions).export_report({**query, "table": "projects"})
        assert sheet["file_name"].endswith("_项目.xlsx")
        book = load_workbook(io.BytesIO(base64.b64decode(sheet["content_base64"])))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[0][:4] == ("项目编号", "地区", "年度", "项目名称") and len(rows) == 2
        csv = worker(sessions).export_report({**query, "table": "problems", "format": "csv"})
        assert base64.b64decode(csv["content_base64"]).decode("utf-8-sig").startswith("问题编号")
