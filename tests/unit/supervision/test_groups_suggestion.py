"""Suggested groups: members spread evenly, every project watched, each score explained, the
same inputs the same answer."""

from contracts.reference import CATEGORIES
from supervision.domain.suggestion import (
    Person,
    ProjectCard,
    categories_of,
    suggest,
)

LEADERS = [Person("lead-1", "王主任"), Person("lead-2", "李副主任"), Person("lead-3", "张副主任")]


def project(n: int, category: str) -> ProjectCard:
    return ProjectCard(f"T-{n:032x}", f"项目{n}", category)


def deputy(n: int, specialty: str | None) -> Person:
    return Person(f"dep-{n}", f"代表{n}", specialty)


def assigned(result) -> dict[str, str]:
    return {a.project.project_id: g.name for g in result.groups for a in g.projects}


class TestAffinity:
    def test_a_specialty_fits_the_categories_its_keywords_name(self):
        assert categories_of("建筑工程") == ("老旧小区改造", "基础设施", "交通出行")
        assert "医疗卫生" in categories_of("主治医师")

    def test_no_specialty_fits_nothing(self):
        assert categories_of(None) == ()
        assert categories_of("律师") == ()


class TestSuggest:
    def test_a_project_goes_to_the_group_whose_member_fits_and_says_why(self):
        projects = [project(1, "老旧小区改造"), project(2, "教育")]
        deputies = [deputy(1, "建筑工程"), deputy(2, "中学教师")]
        result = suggest(projects, deputies, LEADERS[:2], None, CATEGORIES)
        by_group = {g.name: g for g in result.groups}
        for group in by_group.values():
            (only,) = group.projects
            fits = {c for d in group.deputies for c in categories_of(d.specialty)}
            assert only.project.category in fits
            assert only.score == 3
            assert "相符 +3" in only.why and "该组尚无项目 −0" in only.why
        assert result.unmatched_deputies == []

    def test_every_project_gets_a_group_and_loads_stay_balanced(self):
        projects = [project(n, "教育") for n in range(1, 8)]
        deputies = [deputy(1, "教师")]  # all seven fit the first group only
        result = suggest(projects, deputies, LEADERS, None, CATEGORIES)
        assert set(assigned(result)) == {p.project_id for p in projects}
        loads = sorted(len(g.projects) for g in result.groups)
        assert loads == [2, 2, 3]

    def test_the_load_is_in_the_explanation(self):
        projects = [project(n, "教育") for n in range(1, 5)]
        result = suggest(projects, [deputy(1, "教师")], LEADERS[:1], None, CATEGORIES)
        whys = [a.why for a in result.groups[0].projects]
        assert whys[2] == "专业'教师'与项目类别'教育'相符 +3；该组已有2个项目 −2"
        assert [a.score for a in result.groups[0].projects] == [3, 2, 1, 0]

    def test_no_deputy_with_a_matching_specialty_still_assigns_evenly(self):
        projects = [project(n, "交通出行") for n in range(1, 5)]
        deputies = [deputy(1, "律师"), deputy(2, None)]
        result = suggest(projects, deputies, LEADERS[:2], None, CATEGORIES)
        assert sorted(len(g.projects) for g in result.groups) == [2, 2]
        assert result.unmatched_deputies == ["dep-1", "dep-2"]
        assert any("no specialty fits" in n for n in result.notes)
        assert all("+0" in a.why for g in result.groups for a in g.projects)

    def test_more_groups_than_projects_makes_as_many_groups_as_projects(self):
        projects = [project(1, "教育"), project(2, "其他")]
        result = suggest(projects, [], LEADERS, 5, CATEGORIES)
        assert len(result.groups) == 2
        assert all(len(g.projects) == 1 for g in result.groups)
        assert any("one leader per group" in n for n in result.notes)
        assert any("no more groups than projects" in n for n in result.notes)

    def test_the_last_projects_go_to_groups_still_empty(self):
        # three projects all fitting group one's deputy: the third group must still get one
        projects = [project(n, "医疗卫生") for n in range(1, 4)]
        result = suggest(projects, [deputy(1, "医生")], LEADERS, None, CATEGORIES)
        assert [len(g.projects) for g in result.groups] == [1, 1, 1]

    def test_ties_go_to_the_earlier_group_and_the_answer_is_deterministic(self):
        projects = [project(n, "其他") for n in (3, 1, 2)]
        deputies = [deputy(n, None) for n in range(1, 5)]
        first = suggest(projects, deputies, LEADERS, None, CATEGORIES)
        again = suggest(
            list(reversed(projects)), list(reversed(deputies)), LEADERS, None, CATEGORIES
        )
        assert assigned(first) == assigned(again)
        assert [[d.subject for d in g.deputies] for g in first.groups] == [
            [d.subject for d in g.deputies] for g in again.groups
        ]
        assert first.groups[0].projects[0].project.project_id == project(1, "其他").project_id

    def test_deputies_are_spread_evenly_and_a_leader_is_not_seated_twice(self):
        deputies = [deputy(n, "教师") for n in range(1, 6)] + [Person("lead-1", "王主任", "教师")]
        result = suggest([project(1, "教育")] * 1, deputies, LEADERS[:1], None, CATEGORIES)
        seated = [d.subject for g in result.groups for d in g.deputies]
        assert "lead-1" not in seated and len(seated) == 5
        two = suggest(
            [project(1, "教育"), project(2, "教育")], deputies, LEADERS[:2], None, CATEGORIES
        )
        assert sorted(len(g.deputies) for g in two.groups) == [2, 3]

    def test_no_projects_still_seats_the_people_with_a_note(self):
        result = suggest([], [deputy(1, "教师")], LEADERS, None, CATEGORIES)
        assert len(result.groups) == 3 and all(g.projects == [] for g in result.groups)
        assert any("no projects" in n for n in result.notes)


def test_deputies_of_one_field_sit_together_while_every_group_gets_one():
    deputies = [deputy(1, "教师"), deputy(2, "教师"), deputy(3, "医生"), deputy(4, "医生")]
    result = suggest(
        [project(1, "教育"), project(2, "医疗卫生")], deputies, LEADERS[:2], None, CATEGORIES
    )
    fields = [{categories_of(d.specialty)[0] for d in g.deputies} for g in result.groups]
    assert sorted(len(g.deputies) for g in result.groups) == [2, 2]
    assert all(len(f) == 1 for f in fields)  # each group one field
    # and each project went to the group that knows its field
    for g in result.groups:
        assert g.projects[0].score == 3
    spread = suggest([], deputies, LEADERS, None, CATEGORIES)
    assert all(g.deputies for g in spread.groups)  # four deputies, three groups: none empty
