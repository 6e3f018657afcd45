"""The gateway's evaluation routes over real HTTP (a recording fake stands in for supervision):
which method each route calls at which level, the role pre-check (an evaluator records, staff
prepare the vote), 400 on malformed bodies, 404 on malformed ids, files answered as files."""

import base64
import json

import pytest

from tests.support import gateway as support
from tests.support import supervision_evaluation as e
from tests.support.gateway import envelope, running_gateway

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE = {
    "file_name": "年度监督评价报告_准格尔旗_2027.docx",
    "ascii_file_name": "year-end-150622-2027.docx",
    "content_type": DOCX,
    "content_base64": base64.b64encode(b"PK\x03\x04docx").decode("ascii"),
}
FRAMEWORK_ID = "B-" + "e" * 32


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path, max_body_bytes=64 * 1024) as gateway:
        gateway.fake.replies.update(
            export_year_end_report=FILE, evaluation_report=FILE, record_evaluation={"id": "x"}
        )
        yield gateway


def call(gateway, method, path, principal, extra=None, **kwargs):
    headers = support.bearer(principal) | (extra or {})
    return gateway.request(method, path, headers=headers, **kwargs)


def evaluation_body(**changes):
    return {
        "framework_id": FRAMEWORK_ID,
        "framework_version": 1,
        "kind": "evaluation",
        "project_id": "T-" + "a" * 32,
        "year": 2027,
        "scores": {"A11": "4", "A12": 3.5},
        **changes,
    }


class TestFrameworks:
    def test_staff_adopt_at_the_area_s_level_with_a_key(self, gateway):
        response = call(
            gateway,
            "post",
            "/api/v1/evaluation-frameworks",
            e.STAFF,
            json=e.framework_body(),
            extra={"Idempotency-Key": "k1"},
        )
        assert response.status_code == 201, response.text
        (made,) = gateway.calls
        assert (made.level, made.method, made.args[1]) == ("banner", "create_framework", "k1")

    def test_an_evaluator_reads_the_template_but_cannot_adopt(self, gateway):
        assert call(gateway, "get", "/api/v1/evaluation-frameworks/template", e.EVALUATOR).ok
        refused = call(
            gateway, "post", "/api/v1/evaluation-frameworks", e.EVALUATOR, json=e.framework_body()
        )
        assert envelope(refused, 403)
        assert [c.method for c in gateway.calls] == ["get_framework_template"]

    def test_a_version_is_read_at_the_id_s_level(self, gateway):
        assert call(
            gateway,
            "get",
            f"/api/v1/evaluation-frameworks/{FRAMEWORK_ID}",
            e.STAFF,
            params={"version": "2"},
        ).ok
        (made,) = gateway.calls
        assert (made.level, made.method, made.args) == (
            "banner",
            "get_framework",
            (FRAMEWORK_ID, {"version": 2}),
        )

    def test_a_revision_without_a_reason_is_400(self, gateway):
        body = e.framework_body()
        revision = {"indicators": body["indicators"], "grade_bands": body["grade_bands"]}
        error = envelope(
            call(
                gateway,
                "put",
                f"/api/v1/evaluation-frameworks/{FRAMEWORK_ID}",
                e.STAFF,
                json=revision,
            ),
            400,
        )
        assert "reason" in error["details"] and gateway.calls == []

    @pytest.mark.parametrize("bad", ["nonsense", "X-" + "e" * 32, "B-" + "E" * 32])
    def test_a_malformed_id_is_404(self, gateway, bad):
        assert envelope(call(gateway, "get", f"/api/v1/evaluation-frameworks/{bad}", e.STAFF), 404)
        assert gateway.calls == []


class TestEvaluations:
    def test_an_evaluator_records_at_the_framework_s_level(self, gateway):
        response = call(gateway, "post", "/api/v1/evaluations", e.EVALUATOR, json=evaluation_body())
        assert response.status_code == 201, response.text
        assert [(c.level, c.method) for c in gateway.calls] == [("banner", "record_evaluation")]

    @pytest.mark.parametrize("principal", [e.STAFF, e.DEPUTY, e.GOVERNMENT])
    def test_only_evaluators_record(self, gateway, principal):
        refused = call(gateway, "post", "/api/v1/evaluations", principal, json=evaluation_body())
        assert envelope(refused, 403) and gateway.calls == []

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"kind": "audit"}, "kind"),
            ({"scores": {"A11": "many"}}, "scores"),
            ({"scores": {"A11": float("nan")}}, "scores"),
            ({"scores": {"A11": "1e999999"}}, "scores"),
            ({"scores": {"A11": "0.0000001"}}, "scores"),
            ({"framework_id": "nonsense"}, "framework_id"),
            ({"year": "2027"}, "year"),
        ],
    )
    def test_a_malformed_body_is_400_naming_the_field(self, gateway, change, field):
        response = call(
            gateway,
            "post",
            "/api/v1/evaluations",
            e.EVALUATOR,
            data=json.dumps(evaluation_body(**change), allow_nan=True),
            extra={"Content-Type": "application/json"},
        )
        error = envelope(response, 400)
        assert field in error["details"] and gateway.calls == []

    def test_the_report_is_a_word_file(self, gateway):
        response = call(gateway, "get", f"/api/v1/evaluations/B-{'f' * 32}/report.docx", e.STAFF)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(DOCX)
        assert response.content == b"PK\x03\x04docx"


class TestSatisfactionAndYearEnd:
    VOTE = {"area_code": e.BANNER, "year": 2027, "title": "满意度测评"}

    def test_staff_prepare_a_vote_an_evaluator_cannot(self, gateway):
        assert call(gateway, "post", "/api/v1/satisfaction-votes", e.STAFF, json=self.VOTE).ok
        assert envelope(
            call(gateway, "post", "/api/v1/satisfaction-votes", e.EVALUATOR, json=self.VOTE), 403
        )
        assert [(c.level, c.method) for c in gateway.calls] == [
            ("banner", "request_satisfaction_vote")
        ]

    def test_another_area_s_staff_are_refused_before_the_call(self, gateway):
        refused = call(gateway, "post", "/api/v1/satisfaction-votes", e.OTHER_STAFF, json=self.VOTE)
        assert envelope(refused, 403) and gateway.calls == []

    @pytest.mark.parametrize(("fmt", "calls"), [("docx", 1), ("xlsx", 1), ("pdf", 0)])
    def test_the_year_end_report_as_word_or_excel(self, gateway, fmt, calls):
        response = call(
            gateway,
            "get",
            f"/api/v1/supervision/year-end-report.{fmt}",
            e.DEPUTY,
            params={"area_code": e.BANNER, "year": "2027"},
        )
        assert response.status_code == (200 if calls else 404)
        assert [c.args for c in gateway.calls] == [
            (fmt, {"area_code": e.BANNER, "year": 2027})
        ] * calls

    def test_the_year_end_report_needs_a_year(self, gateway):
        error = envelope(
            call(
                gateway,
                "get",
                "/api/v1/supervision/year-end-report",
                e.STAFF,
                params={"area_code": e.BANNER},
            ),
            400,
        )
        assert "year" in error["details"]
