"""Department staff act only on the projects their department leads or co-handles (the plan's
lead and co-departments, the list's suggestion before a plan), and read every project of their
area; government staff of the area are not limited. Through implementation's entrypoints on
its migrated SQLite database."""

import logging

import pytest
from servicekit.auth import Principal
from servicekit.errors import Forbidden

from tests.service.test_problems_service import PROBLEM
from tests.service.test_projects_service import created, planned, worker
from tests.support import projects as p
from tests.support.workers import migrated_sessions

# tests.support.projects: the list suggests 住房和城乡建设局, the plan keeps it as lead and
# names 财政局 and 社区居委会 as co-departments.
LEAD = Principal("dept-1", ("department_staff",), p.AREA, "zhujian", "住房和城乡建设局")
CO = Principal("dept-2", ("department_staff",), p.AREA, "caizheng", "财政局")
OTHER = Principal("dept-3", ("department_staff",), p.AREA, "jiaoyu", "教育局")
UNNAMED = Principal("dept-4", ("department_staff",), p.AREA, "laozhanghao")  # an older token
BOTH = Principal("gov-3", ("government_staff", "department_staff"), p.AREA, None, "教育局")
REPORT = p.report("2026-W16", "2026-04-15", {"design": "1"})


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def refusals(caplog) -> list[str]:
    return [r.reason for r in caplog.records if r.name == "minsheng.security"]


class TestTheirDepartmentsProjects:
    def test_the_lead_department_plans_and_reports(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]  # led by the list's suggestion
        assert worker(sessions, LEAD).put_plan(project_id, p.plan())["changed_by"] == "dept-1"
        report = worker(sessions, LEAD).create_report(project_id, REPORT)
        assert report["actual_percent"] == "25.0"

    def test_a_co_department_reports_and_raises_and_moves_problems(self, sessions):
        project_id = planned(sessions)
        assert worker(sessions, CO).create_report(project_id, REPORT)["actual_percent"] == "25.0"
        problem = worker(sessions, CO).raise_problem(project_id, PROBLEM)
        moved = worker(sessions, CO).act_on_problem(problem["id"], "start", {"note": "已部署"})
        assert moved["state"] == "in_progress"

    def test_a_co_department_dropped_from_the_plan_no_longer_acts(self, sessions):
        project_id = planned(sessions)
        worker(sessions).put_plan(project_id, p.plan(co_departments=["社区居委会"], reason="调整"))
        with pytest.raises(Forbidden):
            worker(sessions, CO).create_report(project_id, REPORT)


class TestOtherDepartments:
    @pytest.mark.parametrize(
        "act",
        [
            lambda w, project_id: w.put_plan(project_id, p.plan(reason="改方案")),
            lambda w, project_id: w.create_report(project_id, REPORT),
            lambda w, project_id: w.raise_problem(project_id, PROBLEM),
            lambda w, project_id: w.carry_over_project(
                project_id, {"reason": "资金未到位", "new_deadline": "2027-06-30"}
            ),
        ],
        ids=["plan", "report", "problem", "carry_over"],
    )
    def test_another_department_is_refused_and_it_is_logged(self, sessions, caplog, act):
        project_id = planned(sessions)
        security = caplog.at_level(logging.WARNING, logger="minsheng.security")
        with security, pytest.raises(Forbidden) as refused:
            act(worker(sessions, OTHER), project_id)
        assert refused.value.status == 403
        assert refused.value.message.startswith("只能办理本部门牵头或协办的项目")
        assert refused.value.details == {
            "department": "教育局",
            "lead_department": "住房和城乡建设局",
        }
        assert refusals(caplog) == ["department_scope"]
        detail = worker(sessions).get_project(project_id)
        assert detail["status"] == "planned" and detail["recent_reports"] == []
        assert len(worker(sessions).list_plan_versions(project_id)["versions"]) == 1
        assert worker(sessions).list_problems({"area_code": p.AREA})["total"] == 0

    def test_before_a_plan_only_the_suggested_department_acts(self, sessions):
        project_id = created(sessions, 1, 0)[0]["id"]
        with pytest.raises(Forbidden):
            worker(sessions, CO).put_plan(project_id, p.plan())  # co-departments come with it

    def test_another_departments_problem_cannot_be_moved(self, sessions):
        problem = worker(sessions).raise_problem(planned(sessions), PROBLEM)
        with pytest.raises(Forbidden):
            worker(sessions, OTHER).act_on_problem(problem["id"], "start", {"note": "越权"})
        (listed,) = worker(sessions).list_problems({"area_code": p.AREA})["items"]
        assert listed["state"] == "open"

    def test_a_meeting_cannot_assign_a_problem_to_another_departments_project(self, sessions):
        project_id = planned(sessions)
        body = {
            "area_code": p.AREA,
            "cadence": "weekly",
            "held_on": "2026-05-08",
            "chair": "教育局局长",
            "attendees": ["教育局"],
            "project_ids": [project_id],  # discussing it is reading
            "decisions": [],
            "problems": [{**PROBLEM, "project_id": project_id}],
        }
        with pytest.raises(Forbidden):
            worker(sessions, OTHER).record_meeting(body)
        without = {**body, "problems": []}
        assert worker(sessions, OTHER).record_meeting(without)["problem_ids"] == []

    def test_an_account_without_a_department_acts_on_no_project(self, sessions):
        project_id = planned(sessions)
        with pytest.raises(Forbidden):
            worker(sessions, UNNAMED).create_report(project_id, REPORT)


class TestReadingAndGovernmentStaff:
    def test_every_department_reads_every_project_of_the_area(self, sessions):
        project_id = planned(sessions)
        created(sessions, 2, 0)  # two more, not planned
        worker(sessions).raise_problem(project_id, PROBLEM)
        for reader in (OTHER, UNNAMED):
            assert worker(sessions, reader).list_projects({"area_code": p.AREA})["total"] == 3
            assert worker(sessions, reader).get_project(project_id)["id"] == project_id
            versions = worker(sessions, reader).list_plan_versions(project_id)["versions"]
            assert len(versions) == 1
            assert worker(sessions, reader).list_problems({"area_code": p.AREA})["total"] == 1

    def test_government_staff_act_on_every_project_of_the_area(self, sessions):
        project_id = planned(sessions)
        for staff in (p.STAFF, p.BANNER_STAFF, BOTH):
            problem = worker(sessions, staff).raise_problem(project_id, PROBLEM)
            assert problem["state"] == "open"
        assert worker(sessions, BOTH).create_report(project_id, REPORT)["actual_percent"] == "25.0"

    def test_the_area_still_comes_first(self, sessions):
        project_id = planned(sessions)
        elsewhere = Principal("dept-9", ("department_staff",), "150602", None, "住房和城乡建设局")
        with pytest.raises(Forbidden) as refused:
            worker(sessions, elsewhere).create_report(project_id, REPORT)
        assert "area_code" in refused.value.details
