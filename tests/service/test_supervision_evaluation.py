"""Supervision · evaluation through its entrypoints on the migrated SQLite database: indicator
frameworks as versioned data, evaluations scored against one version (exact totals, grades,
the report document), who may do what, and bad input refused with the field named."""

import base64
import io

import docx
import pytest
from servicekit.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from sqlalchemy import select
from supervision.db.models import FileEntry

from tests.support import supervision_evaluation as e
from tests.support.workers import migrated_sessions, service_worker


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=e.STAFF):
    return service_worker("supervision", sessions, principal)


@pytest.fixture
def framework(sessions):
    return worker(sessions).create_framework(e.framework_body(), "key-1")


@pytest.fixture
def project_id(sessions):
    return e.add_projects(worker(sessions))[0]


def deep(levels: int) -> dict:
    node = {"key": f"K{levels}", "name": "指标", "weight": "100"}
    return node if levels == 1 else {**node, "children": [deep(levels - 1)]}


def evaluation(framework, project_id, **changes):
    return {
        "framework_id": framework["id"],
        "framework_version": framework["version"],
        "kind": "evaluation",
        "project_id": project_id,
        "year": 2027,
        "scores": e.full_scores(),
        "remarks": "资金到位及时，群众反映良好。",
        **changes,
    }


class TestFrameworks:
    def test_the_template_is_marked_an_editable_default(self, sessions):
        template = worker(sessions, e.EVALUATOR).get_framework_template()
        assert template["editable_default"] is True
        assert "不是" in template["notice"] or "并非" in template["notice"]
        assert [n["name"] for n in template["indicators"]] == ["决策", "过程", "产出", "效益"]
        assert [c["name"] for c in template["indicators"][2]["children"]] == [
            "产出数量",
            "产出质量",
            "产出时效",
            "产出成本",
        ]

    def test_an_area_adopts_the_template_as_version_one(self, framework):
        assert framework["id"].startswith("B-") and framework["version"] == 1
        assert framework["editable_default"] is True and framework["leaves"] == 20
        assert framework["grade_bands"][0] == {"grade": "优", "min": "90"}

    def test_the_same_key_makes_one_framework(self, sessions, framework):
        again = worker(sessions).create_framework(e.framework_body(), "key-1")
        assert again["id"] == framework["id"]
        assert len(worker(sessions).list_frameworks({"area_code": e.BANNER})["items"]) == 1

    def test_weights_that_do_not_add_up_name_the_node(self, sessions):
        body = e.framework_body()
        body["indicators"][0]["children"][0]["children"][0]["weight"] = "5"  # 项目立项 8: 5 + 4
        with pytest.raises(RuleViolation) as refused:
            worker(sessions).create_framework(body)
        assert refused.value.details == {"indicator": "A1"}
        assert "A1" in refused.value.message

    def test_a_revision_is_a_new_version_and_the_old_one_stays(self, sessions, framework):
        body = e.framework_body()
        body["indicators"][3]["children"][0]["children"][0]["weight"] = "12"  # 社会效益 12
        body["indicators"][3]["children"][0]["children"][1]["weight"] = "3"  # 经济效益 3
        revised = worker(sessions).revise_framework(
            framework["id"],
            {
                "reason": "加重社会效益",
                "indicators": body["indicators"],
                "grade_bands": body["grade_bands"],
            },
        )
        assert revised["version"] == 2 and revised["latest_version"] == 2
        assert revised["editable_default"] is False
        assert [v["reason"] for v in revised["versions"]] == [None, "加重社会效益"]
        old = worker(sessions, e.EVALUATOR).get_framework(framework["id"], {"version": 1})
        assert old["version"] == 1
        assert old["indicators"][3]["children"][0]["children"][0]["weight"] == "10"
        with pytest.raises(NotFound):
            worker(sessions).get_framework(framework["id"], {"version": 3})

    def test_an_evaluator_cannot_adopt_a_framework(self, sessions):
        with pytest.raises(Forbidden):
            worker(sessions, e.EVALUATOR).create_framework(e.framework_body())

    def test_a_township_cannot_read_the_banner_s_frameworks(self, sessions, framework):
        with pytest.raises(Forbidden):
            worker(sessions, e.TOWN_STAFF).get_framework(framework["id"], {})

    @pytest.mark.parametrize(
        "change",
        [
            {"scope": "everything"},
            {"indicators": []},
            {"grade_bands": [{"grade": "优", "min": "NaN"}]},
            {"indicators": [{"key": "A", "name": "决策", "weight": "abc"}]},
            {"indicators": [deep(4)]},  # a fourth level: the schema has three
            {"grade_bands": [{"grade": "优", "min": "1e999999"}]},  # a huge exact number
            {"grade_bands": [{"grade": "优", "min": "1e-999999"}]},
        ],
    )
    def test_malformed_bodies_are_400(self, sessions, change):
        with pytest.raises(ValidationFailed):
            worker(sessions).create_framework({**e.framework_body(), **change})


class TestEvaluations:
    def test_a_scored_evaluation_is_totalled_graded_published_and_filed(
        self, sessions, framework, project_id
    ):
        scores = e.full_scores({"A11": "3.5", "D11": "6", "C41": "5.05"})  # 100 − 0.5 − 4 − 1.95
        body = evaluation(framework, project_id, scores=scores)
        recorded = worker(sessions, e.EVALUATOR).record_evaluation(body, "ev-key")
        assert recorded["total"] == "93.6" and recorded["total_exact"] == "1871/20"
        assert recorded["grade"] == "优"
        event = e.published(sessions["supervision"], "evaluation_recorded_v1")
        assert len(event) == 1
        assert event[0]["total"] == "93.55" and event[0]["grade"] == "优"
        assert event[0]["framework_version"] == 1 and event[0]["project_id"] == project_id
        lines = (
            sessions["supervision"]
            .scalars(select(FileEntry).where(FileEntry.kind == "evaluation_recorded"))
            .all()
        )
        assert [line.ref for line in lines] == [recorded["id"]]
        again = worker(sessions, e.EVALUATOR).record_evaluation(body, "ev-key")
        assert again["id"] == recorded["id"]
        assert len(e.published(sessions["supervision"], "evaluation_recorded_v1")) == 1

    def test_a_total_exactly_on_a_band_edge_takes_the_higher_grade(
        self, sessions, framework, project_id
    ):
        body = evaluation(framework, project_id, scores=e.full_scores({"D11": "0"}))  # 90
        recorded = worker(sessions, e.EVALUATOR).record_evaluation(body)
        assert (recorded["total"], recorded["grade"]) == ("90.0", "优")

    def test_a_missing_leaf_is_named(self, sessions, framework, project_id):
        scores = e.full_scores()
        del scores["B12"]
        with pytest.raises(ValidationFailed) as refused:
            worker(sessions, e.EVALUATOR).record_evaluation(
                evaluation(framework, project_id, scores=scores)
            )
        assert list(refused.value.details["scores"]) == ["B12"]

    def test_a_score_above_its_weight_is_named(self, sessions, framework, project_id):
        scores = e.full_scores({"C11": "8.5", "C21": "-1"})
        with pytest.raises(ValidationFailed) as refused:
            worker(sessions, e.EVALUATOR).record_evaluation(
                evaluation(framework, project_id, scores=scores)
            )
        assert sorted(refused.value.details["scores"]) == ["C11", "C21"]

    def test_only_evaluators_record(self, sessions, framework, project_id):
        for caller in (e.STAFF, e.DEPUTY, e.GOVERNMENT):
            with pytest.raises(Forbidden):
                worker(sessions, caller).record_evaluation(evaluation(framework, project_id))

    def test_congress_staff_read_and_download_the_report(self, sessions, framework, project_id):
        recorded = worker(sessions, e.EVALUATOR).record_evaluation(
            evaluation(framework, project_id, scores=e.full_scores({"D12": "2.5"}))
        )
        assert worker(sessions).get_evaluation(recorded["id"])["total"] == "97.5"
        listed = worker(sessions).list_evaluations({"area_code": e.BANNER, "kind": "evaluation"})
        assert [i["id"] for i in listed["items"]] == [recorded["id"]]
        report = worker(sessions).evaluation_report(recorded["id"])
        assert report["file_name"].endswith(".docx")
        document = docx.Document(io.BytesIO(base64.b64decode(report["content_base64"])))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "97.5" in text and "优" in text and "绩效评价报告" in text
        cells = [c.text for row in document.tables[0].rows for c in row.cells]
        assert "经济效益" in "".join(cells) and "2.5" in cells

    def test_a_special_fund_is_evaluated_with_a_fund_framework(self, sessions):
        fund_framework = worker(sessions).create_framework(e.framework_body(scope="fund"))
        body = {
            "framework_id": fund_framework["id"],
            "framework_version": 1,
            "kind": "evaluation",
            "fund": "老旧小区改造专项资金",
            "area_code": e.BANNER,
            "year": 2027,
            "scores": e.full_scores({"A11": "0"}),
        }
        recorded = worker(sessions, e.EVALUATOR).record_evaluation(body)
        assert recorded["fund"] == "老旧小区改造专项资金" and recorded["total"] == "96.0"
        assert recorded["project_id"] is None

    def test_a_project_framework_does_not_score_a_fund(self, sessions, framework):
        body = {
            "framework_id": framework["id"],
            "framework_version": 1,
            "kind": "evaluation",
            "fund": "专项资金",
            "area_code": e.BANNER,
            "year": 2027,
            "scores": e.full_scores(),
        }
        with pytest.raises(RuleViolation):
            worker(sessions, e.EVALUATOR).record_evaluation(body)

    def test_an_unknown_version_or_project_is_refused(self, sessions, framework, project_id):
        with pytest.raises(ValidationFailed):
            worker(sessions, e.EVALUATOR).record_evaluation(
                evaluation(framework, project_id, framework_version=2)
            )
        with pytest.raises(NotFound):
            worker(sessions, e.EVALUATOR).record_evaluation(evaluation(framework, "B-" + "0" * 32))

    def test_a_project_and_a_fund_together_are_refused(self, sessions, framework, project_id):
        with pytest.raises(ValidationFailed):
            worker(sessions, e.EVALUATOR).record_evaluation(
                evaluation(framework, project_id, fund="专项资金")
            )

    def test_an_evaluator_of_another_area_is_refused(self, sessions, framework, project_id):
        from servicekit.auth import Principal

        stranger = Principal("ev-2", ("evaluator",), "150621")
        with pytest.raises(Forbidden):
            worker(sessions, stranger).record_evaluation(evaluation(framework, project_id))
