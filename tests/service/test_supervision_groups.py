"""Supervision groups through the service's entrypoints, on its migrated SQLite database:
forming them (one leader, projects of the area and year), who may act for a group, the
supervised projects' list, suggestions."""

from datetime import UTC, datetime

import pytest
from servicekit.auth import ANONYMOUS, Guard, Principal
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from supervision.db import groups as groups_db
from supervision.db.files import entries, project
from supervision.db.findings import add_finding
from supervision.use_cases.groups import require_member

from tests.support import supervision_facts as f
from tests.support.workers import migrated_sessions, service_worker

STAFF = Principal("cs-1", ("congress_staff",), f.BANNER)
OTHER_STAFF = Principal("cs-9", ("congress_staff",), f.OTHER_BANNER)
MEMBER = Principal("dep-1", ("deputy",), f.TOWN)
OUTSIDER = Principal("dep-7", ("deputy",), f.TOWN)
GOVERNMENT = Principal("gov-1", ("government_staff",), f.TOWN)
MEMBERS = [
    {"subject": "lead-1", "name": "王主任", "role": "leader"},
    {"subject": "dep-1", "name": "代表甲", "role": "deputy", "specialty": "建筑工程"},
    {"subject": "off-1", "name": "办公室乙", "role": "office"},
]


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=STAFF):
    return service_worker("supervision", sessions, principal)


@pytest.fixture
def projects(sessions):
    w = worker(sessions, ANONYMOUS)
    w.handle_implementation_project_created(f.created(1, "老旧小区改造"))
    w.handle_implementation_project_created(f.created(2, "教育"))
    w.handle_implementation_project_created(f.created(3, "教育", area_code="150621100"))
    return [f.project_id(1), f.project_id(2)]


def body(**more):
    return {"area_code": f.BANNER, "year": f.YEAR, "name": "第一监督组", "members": MEMBERS, **more}


def form(sessions, **more):
    return worker(sessions).create_group(body(**more), "key-1")


class TestCreateGroup:
    def test_a_group_is_formed_with_its_members_and_projects(self, sessions, projects):
        group = form(sessions, project_ids=projects[:1])
        assert group["group_id"].startswith("B-") and len(group["group_id"]) == 34
        assert [m["role"] for m in group["members"]] == ["leader", "deputy", "office"]
        assert [p["project_id"] for p in group["projects"]] == projects[:1]
        lines = entries(sessions["supervision"], projects[0])
        assert lines[-1].kind == "group_assigned" and "第一监督组" in lines[-1].summary

    def test_the_same_key_answers_the_first_group(self, sessions, projects):
        first = form(sessions)
        again = form(sessions)
        assert again["group_id"] == first["group_id"]
        assert groups_db.groups_page(sessions["supervision"], "/", None, 1, 10)[1] == 1
        with pytest.raises(Conflict):
            worker(sessions).create_group(body(name="另一组"), "key-1")

    @pytest.mark.parametrize(
        ("members", "said"),
        [
            ([{"subject": "d", "name": "代表", "role": "deputy"}], "没有组长"),
            (
                [
                    {"subject": "a", "name": "王", "role": "leader"},
                    {"subject": "b", "name": "李", "role": "leader"},
                ],
                "王、李",
            ),
        ],
    )
    def test_exactly_one_leader_or_the_refusal_says_which(self, sessions, members, said):
        with pytest.raises(RuleViolation) as caught:
            worker(sessions).create_group(body(members=members))
        assert said in caught.value.message
        assert groups_db.groups_page(sessions["supervision"], "/", None, 1, 10)[1] == 0

    def test_a_project_of_another_area_or_year_is_refused_by_id(self, sessions, projects):
        with pytest.raises(RuleViolation) as caught:
            worker(sessions).create_group(body(project_ids=[projects[0], f.project_id(3)]))
        assert caught.value.details == {"project_ids": [f.project_id(3)]}
        with pytest.raises(RuleViolation):
            worker(sessions).create_group(body(year=2027, project_ids=projects[:1]))

    def test_a_bad_body_is_a_validation_failure(self, sessions):
        with pytest.raises(ValidationFailed):
            worker(sessions).create_group({"area_code": f.BANNER, "year": f.YEAR, "name": "x"})
        with pytest.raises(ValidationFailed):
            worker(sessions).create_group(body(members=[{**MEMBERS[0], "role": "chair"}]))

    @pytest.mark.parametrize("who", [MEMBER, GOVERNMENT, OTHER_STAFF])
    def test_only_the_areas_congress_staff_form_groups(self, sessions, who):
        with pytest.raises(Forbidden):
            worker(sessions, who).create_group(body())


class TestRequireMember:
    def guard(self, principal):
        return Guard(principal, "supervision", "banner")

    def test_a_member_and_the_areas_staff_act_for_the_group(self, sessions):
        group_id = form(sessions)["group_id"]
        session = sessions["supervision"]
        assert require_member(session, self.guard(MEMBER), group_id).id == group_id
        assert require_member(session, self.guard(STAFF), group_id).id == group_id

    @pytest.mark.parametrize(
        ("who", "error"),
        [(OUTSIDER, Forbidden), (OTHER_STAFF, Forbidden), (ANONYMOUS, Unauthenticated)],
    )
    def test_anyone_else_is_refused(self, sessions, who, error):
        group_id = form(sessions)["group_id"]
        with pytest.raises(error):
            require_member(sessions["supervision"], self.guard(who), group_id)

    def test_an_unknown_group_is_not_found(self, sessions):
        with pytest.raises(NotFound):
            require_member(sessions["supervision"], self.guard(STAFF), f"B-{'0' * 32}")


class TestChangeGroup:
    def test_projects_are_replaced_and_each_change_is_in_the_file(self, sessions, projects):
        group_id = form(sessions, project_ids=projects[:1])["group_id"]
        changed = worker(sessions).put_group_projects(group_id, {"project_ids": projects[1:]})
        assert [p["project_id"] for p in changed["projects"]] == projects[1:]
        session = sessions["supervision"]
        assert entries(session, projects[0])[-1].kind == "group_unassigned"
        assert entries(session, projects[1])[-1].kind == "group_assigned"
        assert [g.id for g in groups_db.groups_of_project(session, projects[1])] == [group_id]
        assert groups_db.groups_of_project(session, projects[0]) == []

    def test_a_project_may_have_several_groups(self, sessions, projects):
        one = form(sessions, project_ids=projects)["group_id"]
        two = worker(sessions).create_group(body(name="第二组", project_ids=projects[:1]))
        found = groups_db.groups_of_project(sessions["supervision"], projects[0])
        assert {g.id for g in found} == {one, two["group_id"]}

    def test_members_are_replaced_keeping_one_leader(self, sessions):
        group_id = form(sessions)["group_id"]
        changed = worker(sessions).put_group_members(group_id, {"members": MEMBERS[:1]})
        assert [m["subject"] for m in changed["members"]] == ["lead-1"]
        with pytest.raises(RuleViolation):
            worker(sessions).put_group_members(
                group_id, {"members": [{**MEMBERS[0], "role": "deputy"}]}
            )
        assert len(worker(sessions).get_group(group_id)["members"]) == 1

    def test_a_member_deputy_may_read_but_not_change_the_group(self, sessions):
        group_id = form(sessions)["group_id"]
        assert worker(sessions, MEMBER).get_group(group_id)["name"] == "第一监督组"
        with pytest.raises(Forbidden):
            worker(sessions, MEMBER).put_group_members(group_id, {"members": MEMBERS})
        with pytest.raises(Forbidden):
            worker(sessions, OTHER_STAFF).get_group(group_id)
        with pytest.raises(NotFound):
            worker(sessions).put_group_projects(f"B-{'0' * 32}", {"project_ids": []})


class TestLists:
    def test_the_banner_lists_its_groups_its_towns_included(self, sessions, projects):
        form(sessions)
        worker(sessions).create_group(body(area_code=f.TOWN, name="镇组"), "key-2")
        page = worker(sessions).list_groups({"area_code": f.BANNER, "year": f.YEAR})
        assert page["total"] == 2
        town = worker(sessions, GOVERNMENT).list_groups({"area_code": f.TOWN})
        assert [g["name"] for g in town["items"]] == ["镇组"]
        with pytest.raises(Forbidden):
            worker(sessions, OTHER_STAFF).list_groups({"area_code": f.BANNER})

    def test_projects_without_a_group_are_said_and_filtered(self, sessions, projects):
        form(sessions, project_ids=projects[:1])
        session = sessions["supervision"]
        now = datetime(2026, 5, 1, tzinfo=UTC)
        add_finding(
            session,
            project(session, projects[0]),
            source="inspection",
            source_ref=None,
            text="围挡缺失",
            photos=[],
            raised_by="cs-1",
            now=now,
        )
        session.commit()
        page = worker(sessions).list_supervision_projects({"area_code": f.BANNER, "year": f.YEAR})
        by_id = {p["project_id"]: p for p in page["items"]}
        assert page["total"] == 2 and page["unassigned_total"] == 1
        assert by_id[projects[0]]["group_count"] == 1 and by_id[projects[0]]["open_findings"] == 1
        assert by_id[projects[1]]["unassigned"] is True
        only = worker(sessions).list_supervision_projects(
            {"area_code": f.BANNER, "unassigned": "true"}
        )
        assert [p["project_id"] for p in only["items"]] == projects[1:]
        with pytest.raises(ValidationFailed):
            worker(sessions).list_supervision_projects({"area_code": f.BANNER, "page": 0})


class TestSuggestions:
    def test_a_suggestion_watches_every_project_and_explains_each_score(self, sessions, projects):
        answer = worker(sessions).suggest_groups(
            {
                "area_code": f.BANNER,
                "year": f.YEAR,
                "deputies": [
                    {"subject": "dep-1", "name": "代表甲", "specialty": "建筑工程"},
                    {"subject": "dep-2", "name": "代表乙", "specialty": "中学教师"},
                ],
                "leaders": [{"subject": "l-1", "name": "王"}, {"subject": "l-2", "name": "李"}],
            }
        )
        watched = {p["project_id"]: p for g in answer["groups"] for p in g["projects"]}
        assert set(watched) == set(projects)
        assert "专业'建筑工程'与项目类别'老旧小区改造'相符 +3" in watched[projects[0]]["why"]
        assert all(sum(m["role"] == "leader" for m in g["members"]) == 1 for g in answer["groups"])

    def test_only_staff_ask_and_leaders_are_required(self, sessions):
        with pytest.raises(Forbidden):
            worker(sessions, MEMBER).suggest_groups(
                {"area_code": f.BANNER, "year": f.YEAR, "leaders": [{"subject": "l", "name": "王"}]}
            )
        with pytest.raises(ValidationFailed):
            worker(sessions).suggest_groups({"area_code": f.BANNER, "year": f.YEAR, "leaders": []})


def test_projects_without_a_group_are_a_scrape_time_gauge(sessions, projects):
    from supervision.groups_gauges import ProjectsWithoutGroupCollector

    form(sessions, project_ids=projects[:1])
    engine = sessions["supervision"].get_bind()
    (family,) = ProjectsWithoutGroupCollector(engine, ["township", "banner"]).collect()
    values = {s.labels["level"]: s.value for s in family.samples}
    assert values == {"township": 2, "banner": 0}  # project 2 here, project 3 in another banner
    assert family.name.endswith("supervision_projects_without_group")
