"""Inspections and findings through supervision's entrypoints on its migrated SQLite database:
the four forms recorded once with a line in each project's file, findings raised on their
projects, and who may record and read what (a government clerk sees only what is handed to
their own area, an evaluator or a social supervisor inspects nothing)."""

import pytest
from servicekit.auth import ANONYMOUS
from servicekit.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from supervision.db.files import entries

from tests.support import supervision_inspections as s
from tests.support.workers import migrated_sessions, service_worker


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=s.MEMBER):
    return service_worker("supervision", sessions, principal)


def projects(sessions, count=2, area=s.AREA):
    made = []
    for n in range(count):
        envelope = s.project_created(area, title=f"第{n + 1}号项目")
        worker(sessions, ANONYMOUS).handle_implementation_project_created(envelope)
        made.append(envelope["payload"]["project_id"])
    return made


@pytest.fixture
def setup(sessions):
    ids = projects(sessions)
    return ids, s.make_group(sessions["supervision"], ids)


def inspection(group_id, ids, **changes):
    body = {
        "area_code": s.AREA,
        "kind": "inspection",
        "cadence": "monthly",
        "held_on": "2026-05-12",
        "group_id": group_id,
        "title": "五月集中督查",
        "project_ids": ids,
        "methods": ["site_visit", "briefing"],
        "participants": [
            {"name": "李代表", "kind": "deputy"},
            {"name": "王局长", "kind": "official", "title": "住建局局长"},
        ],
        "findings": [{"project_id": ids[-1], "text": "围挡不全", "photos": [s.PHOTO]}],
    }
    return {**body, **changes}


class TestInspections:
    def test_a_groups_inspection_is_recorded_once_and_written_in_each_file(self, sessions, setup):
        ids, group_id = setup
        record = worker(sessions).record_inspection(inspection(group_id, ids), "insp-1")
        assert record["id"].startswith("T-") and record["kind_name"] == "集中督查"
        assert worker(sessions).record_inspection(inspection(group_id, ids), "insp-1") == record
        (finding,) = record["findings"]
        assert finding["source"] == "inspection" and finding["source_ref"] == record["id"]
        assert finding["project_id"] == ids[1] and finding["photos"] == [s.PHOTO]
        assert finding["state"] == "open" and finding["id"].startswith("T-")
        db = sessions["supervision"]
        kinds = [[e.kind for e in entries(db, p)] for p in ids]
        assert kinds == [
            ["project_created", "inspection"],
            ["project_created", "inspection", "finding_raised"],
        ]
        assert "发现问题 1 个" in entries(db, ids[1])[1].summary
        listed = worker(sessions, s.CONGRESS).list_inspections(
            {"area_code": s.BANNER, "year": 2026}
        )
        assert [i["id"] for i in listed["items"]] == [record["id"]]
        assert (
            worker(sessions).list_inspections({"area_code": s.AREA, "kind": "special_review"})[
                "total"
            ]
            == 0
        )
        assert worker(sessions).get_inspection(record["id"]) == record

    def test_a_special_inquiry_by_the_standing_committee_keeps_questions_and_answers(
        self, sessions, setup
    ):
        ids, _ = setup
        question = {
            "official": "张副旗长",
            "title": "副旗长",
            "question": "为何滞后？",
            "answer": "材料涨价",
        }
        body = inspection(
            None, ids[:1], kind="special_inquiry", cadence=None, questions=[question], findings=[]
        )
        record = worker(sessions, s.CONGRESS).record_inspection(body)
        assert record["group_id"] is None and record["questions"] == [question]
        assert "人大常委会" in entries(sessions["supervision"], ids[0])[-1].actor

    def test_an_onsite_review_goes_across_the_banners_townships(self, sessions):
        here, there = projects(sessions, 1)[0], projects(sessions, 1, s.OTHER)[0]
        body = inspection(
            None, [here, there], kind="onsite_review", cadence=None, area_code=s.BANNER, findings=[]
        )
        record = worker(sessions, s.CONGRESS).record_inspection(body)
        assert record["id"].startswith("B-") and sorted(record["project_ids"]) == sorted(
            [here, there]
        )

    def test_a_township_record_takes_no_project_of_another_township(self, sessions, setup):
        ids, group_id = setup
        there = projects(sessions, 1, s.OTHER)[0]
        with pytest.raises(ValidationFailed) as refused:
            worker(sessions).record_inspection(inspection(group_id, [ids[0], there], findings=[]))
        assert "project_ids" in refused.value.details

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"cadence": None}, "cadence"),
            ({"findings": [{"project_id": "T-" + "0" * 32, "text": "x"}]}, "findings"),
            ({"participants": [{"name": "某居民", "kind": "resident"}]}, "participants"),
            ({"methods": ["telepathy"]}, "methods"),
        ],
    )
    def test_bad_records_are_a_400_naming_the_field(self, sessions, setup, changes, field):
        ids, group_id = setup
        with pytest.raises(ValidationFailed) as refused:
            worker(sessions).record_inspection(inspection(group_id, ids, **changes))
        assert field in str(refused.value.details)

    def test_a_project_not_assigned_to_the_group_is_refused(self, sessions, setup):
        _ids, group_id = setup
        stray = projects(sessions, 1)[0]
        with pytest.raises(RuleViolation):
            worker(sessions).record_inspection(inspection(group_id, [stray], findings=[]))

    @pytest.mark.parametrize("caller", [s.EVALUATOR, s.SOCIAL, s.GOVERNMENT])
    def test_an_evaluator_a_social_supervisor_or_the_government_cannot_inspect(
        self, sessions, setup, caller
    ):
        ids, group_id = setup
        with pytest.raises(Forbidden):
            worker(sessions, caller).record_inspection(inspection(group_id, ids))
        with pytest.raises(Forbidden):
            worker(sessions, caller).list_inspections({"area_code": s.AREA})

    def test_a_deputy_outside_the_group_or_without_one_cannot_record(self, sessions, setup):
        ids, group_id = setup
        with pytest.raises(Forbidden):
            worker(sessions, s.OUTSIDER).record_inspection(inspection(group_id, ids))
        review = inspection(None, ids, kind="special_review", cadence=None)
        with pytest.raises(Forbidden):
            worker(sessions).record_inspection(review)
        with pytest.raises(NotFound):
            worker(sessions).record_inspection(inspection("T-" + "f" * 32, ids))
        assert worker(sessions, s.CONGRESS).list_inspections({"area_code": s.AREA})["total"] == 0

    def test_an_unknown_inspection_is_a_404(self, sessions):
        with pytest.raises(NotFound):
            worker(sessions).get_inspection("T-" + "0" * 32)


class TestFindings:
    def raise_one(self, sessions, setup, principal=s.MEMBER):
        ids, group_id = setup
        body = {"project_id": ids[0], "group_id": group_id, "text": "台账缺失"}
        return worker(sessions, principal).raise_project_finding(body, "f-1")

    def test_a_member_raises_a_finding_directly_once(self, sessions, setup):
        finding = self.raise_one(sessions, setup)
        assert finding["source"] == "direct" and finding["group_id"] == setup[1]
        assert self.raise_one(sessions, setup) == finding
        listed = worker(sessions).list_findings({"area_code": s.AREA, "state": "open"})
        assert [f["id"] for f in listed["items"]] == [finding["id"]]
        assert listed["items"][0]["project_title"] == "第1号项目"
        assert worker(sessions, s.CONGRESS).get_finding(finding["id"]) == listed["items"][0]
        assert entries(sessions["supervision"], setup[0][0])[-1].kind == "finding_raised"

    def test_congress_staff_raise_one_without_a_group_a_deputy_not(self, sessions, setup):
        body = {"project_id": setup[0][0], "text": "进度滞后"}
        assert worker(sessions, s.CONGRESS).raise_project_finding(body)["group_id"] is None
        with pytest.raises(Forbidden):
            worker(sessions).raise_project_finding(body)

    def test_an_unknown_project_is_a_404(self, sessions):
        with pytest.raises(NotFound):
            worker(sessions, s.CONGRESS).raise_project_finding(
                {"project_id": "T-" + "0" * 32, "text": "x"}
            )

    def test_the_government_reads_only_what_is_handed_to_it_in_its_own_area(self, sessions, setup):
        finding = self.raise_one(sessions, setup)
        query = {"area_code": s.AREA}
        assert worker(sessions, s.GOVERNMENT).list_findings(query)["total"] == 0
        with pytest.raises(NotFound):
            worker(sessions, s.GOVERNMENT).get_finding(finding["id"])
        worker(sessions).request_rectification(
            finding["id"], {"group_id": setup[1], "due_date": "2099-06-30"}
        )
        assert worker(sessions, s.GOVERNMENT).list_findings(query)["total"] == 1
        assert worker(sessions, s.DEPT).get_finding(finding["id"])["state"] == "requested"
        assert worker(sessions, s.DEPT_OTHER).list_findings(query)["total"] == 0
        with pytest.raises(NotFound):
            worker(sessions, s.DEPT_OTHER).get_finding(finding["id"])
        other = worker(sessions, s.GOVERNMENT_OTHER)
        assert other.list_findings({"area_code": s.OTHER})["total"] == 0
        with pytest.raises(Forbidden):
            other.list_findings(query)
        with pytest.raises(Forbidden):
            other.get_finding(finding["id"])
        with pytest.raises(Forbidden):
            other.list_rectifications(query)

    @pytest.mark.parametrize("caller", [s.EVALUATOR, s.SOCIAL, ANONYMOUS])
    def test_evaluators_and_social_supervisors_read_no_findings(self, sessions, setup, caller):
        finding = self.raise_one(sessions, setup)
        with pytest.raises(Exception) as refused:
            worker(sessions, caller).get_finding(finding["id"])
        assert type(refused.value).__name__ in ("Forbidden", "Unauthenticated")
        with pytest.raises(Forbidden if caller is not ANONYMOUS else Exception):
            worker(sessions, caller).raise_project_finding({"project_id": setup[0][0], "text": "x"})
