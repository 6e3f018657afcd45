"""Checkpoints' routes through the gateway over real HTTP (tests.support.gateway: a recording
fake stands in for the supervision service): which method at which level, the role pre-check
(403 before any call), bodies refused with field messages, malformed ids 404, and the meeting
documents answered as Word and Excel files."""

import base64

import pytest
from servicekit.auth import Principal
from servicekit.errors import Forbidden

from tests.support import gateway as support
from tests.support.gateway import envelope, running_gateway

AREA = "150622"
STAFF = Principal("staff-1", ("congress_staff",), AREA)
DEPUTY = Principal("deputy-1", ("deputy",), AREA)
EVALUATOR = Principal("eval-1", ("evaluator",), AREA)
OTHER_STAFF = Principal("staff-9", ("congress_staff",), "150621")
CHECKPOINT_ID = "B-" + "e" * 32
CHECKPOINT = f"/api/v1/checkpoints/{CHECKPOINT_ID}"
GROUP_ID = "B-" + "1" * 32
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SET = {"area_code": AREA, "year": 2027, "stage": "midyear", "due_date": "2027-06-30"}
REPORT = {
    "group_id": GROUP_ID,
    "project_id": "B-" + "2" * 32,
    "answers": [{"question": "进度如何？", "answer": "正常"}],
    "verdict": "good",
    "findings": [],
}


def exported(fmt: str, content_type: str) -> dict:
    return {
        "file_name": f"关于2027年民生实事项目年中监督情况的报告.{fmt}",
        "ascii_file_name": f"checkpoint-150622-2027-midyear.{fmt}",
        "content_type": content_type,
        "content_base64": base64.b64encode(b"PK\x03\x04 file").decode("ascii"),
    }


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path) as gateway:
        yield gateway


def call(gateway, method, path, principal, **kwargs):
    return gateway.request(method, path, headers=support.bearer(principal), **kwargs)


class TestSetAndRead:
    def test_staff_set_a_checkpoint_at_the_areas_level(self, gateway):
        response = call(gateway, "post", "/api/v1/checkpoints", STAFF, json=SET)
        assert response.status_code == 200, response.text
        (made,) = gateway.calls
        assert (made.level, made.method, made.args) == ("banner", "set_checkpoint", (SET,))

    @pytest.mark.parametrize("principal", [DEPUTY, EVALUATOR, OTHER_STAFF])
    def test_others_are_refused_before_the_call(self, gateway, principal):
        response = call(gateway, "post", "/api/v1/checkpoints", principal, json=SET)
        assert envelope(response, 403) and gateway.calls == []

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"stage": "spring"}, "stage"),
            ({"due_date": "30/06"}, "due_date"),
            ({"year": "x"}, "year"),
        ],
    )
    def test_a_bad_body_is_400_naming_the_field(self, gateway, change, field):
        response = call(gateway, "post", "/api/v1/checkpoints", STAFF, json={**SET, **change})
        assert field in envelope(response, 400)["details"] and gateway.calls == []

    def test_the_list_and_one_checkpoint_are_read_at_their_level(self, gateway):
        call(
            gateway, "get", "/api/v1/checkpoints", DEPUTY, params={"area_code": AREA, "year": 2027}
        )
        call(gateway, "get", CHECKPOINT, EVALUATOR)
        assert [(c.level, c.method) for c in gateway.calls] == [
            ("banner", "list_checkpoints"),
            ("banner", "get_checkpoint"),
        ]
        assert gateway.calls[1].args == (CHECKPOINT_ID,)

    @pytest.mark.parametrize("bad", ["X-" + "e" * 32, "B-" + "E" * 32, "B-123"])
    def test_a_malformed_id_is_404_without_a_call(self, gateway, bad):
        response = call(gateway, "get", f"/api/v1/checkpoints/{bad}", STAFF)
        assert envelope(response, 404) and gateway.calls == []


class TestReports:
    def test_a_member_files_with_the_idempotency_key(self, gateway):
        gateway.fake.replies.update(file_checkpoint_report={"id": "B-" + "3" * 32})
        headers = {**support.bearer(DEPUTY), "Idempotency-Key": "k-1"}
        response = gateway.request("post", f"{CHECKPOINT}/reports", json=REPORT, headers=headers)
        assert response.status_code == 201, response.text
        (made,) = gateway.calls
        assert (made.level, made.method) == ("banner", "file_checkpoint_report")
        assert made.args == (CHECKPOINT_ID, REPORT, "k-1")

    def test_an_evaluator_is_refused_before_the_call(self, gateway):
        response = call(gateway, "post", f"{CHECKPOINT}/reports", EVALUATOR, json=REPORT)
        assert envelope(response, 403) and gateway.calls == []

    def test_the_services_refusal_of_an_outsider_is_a_403(self, gateway):
        gateway.fake.replies.update(
            file_checkpoint_report=Forbidden("您不是该监督组成员 (not a member of this group)")
        )
        response = call(gateway, "post", f"{CHECKPOINT}/reports", DEPUTY, json=REPORT)
        assert "not a member" in envelope(response, 403)["message"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"verdict": "excellent"}, "verdict"),
            ({"answers": []}, "answers"),
            ({"answers": [{"question": "进度如何？"}]}, "answers"),
            ({"group_id": "T-1"}, "group_id"),
            ({"findings": [{"text": "问题", "photos": [{"file_name": "a.jpg"}]}]}, "findings"),
        ],
    )
    def test_a_bad_body_is_400_naming_the_field(self, gateway, change, field):
        response = call(gateway, "post", f"{CHECKPOINT}/reports", DEPUTY, json={**REPORT, **change})
        assert field in envelope(response, 400)["details"] and gateway.calls == []


class TestDocuments:
    @pytest.mark.parametrize(("fmt", "content_type"), [("docx", DOCX), ("xlsx", XLSX)])
    def test_the_meeting_document_is_a_file_of_its_type(self, gateway, fmt, content_type):
        gateway.fake.replies.update(get_checkpoint_document=exported(fmt, content_type))
        response = call(
            gateway, "get", f"{CHECKPOINT}/report.{fmt}", DEPUTY, params={"group_id": GROUP_ID}
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == content_type
        assert f"checkpoint-150622-2027-midyear.{fmt}" in response.headers["Content-Disposition"]
        assert response.content == b"PK\x03\x04 file"
        (made,) = gateway.calls
        assert (made.level, made.method) == ("banner", "get_checkpoint_document")
        assert made.args == (CHECKPOINT_ID, fmt, {"group_id": GROUP_ID})

    def test_without_a_group_it_is_the_whole_areas(self, gateway):
        gateway.fake.replies.update(get_checkpoint_document=exported("docx", DOCX))
        call(gateway, "get", f"{CHECKPOINT}/report.docx", STAFF)
        assert gateway.calls[0].args == (CHECKPOINT_ID, "docx", {})

    def test_another_format_is_404_and_an_evaluator_403(self, gateway):
        assert envelope(call(gateway, "get", f"{CHECKPOINT}/report.pdf", STAFF), 404)
        assert envelope(call(gateway, "get", f"{CHECKPOINT}/report.docx", EVALUATOR), 403)
        assert gateway.calls == []

    def test_a_bad_group_id_is_400(self, gateway):
        response = call(
            gateway, "get", f"{CHECKPOINT}/report.xlsx", STAFF, params={"group_id": "x"}
        )
        assert "group_id" in envelope(response, 400)["details"] and gateway.calls == []


def test_reminders_run_at_the_areas_level_for_staff_only(gateway):
    assert envelope(
        call(gateway, "post", "/api/v1/checkpoints/reminders", DEPUTY, json={"area_code": AREA}),
        403,
    )
    response = call(
        gateway, "post", "/api/v1/checkpoints/reminders", STAFF, json={"area_code": AREA}
    )
    assert response.status_code == 200
    assert [(c.level, c.method) for c in gateway.calls] == [("banner", "run_checkpoint_reminders")]


def test_the_calendar_is_entered_by_admins_and_read_by_supervisors(gateway):
    admin = Principal("admin-1", ("admin",), "150600")
    schedule = {"holidays": ["2027-10-01"], "workdays": [], "document_ref": "国办发明电"}
    path = "/api/v1/supervision/work-calendar/2027"
    assert envelope(call(gateway, "put", path, STAFF, json=schedule), 403)
    assert call(gateway, "put", path, admin, json=schedule).status_code == 200
    assert call(gateway, "get", path, DEPUTY).status_code == 200
    assert [(c.level, c.method, c.args) for c in gateway.calls] == [
        ("city", "put_supervision_calendar_year", (2027, schedule)),
        ("banner", "get_supervision_calendar_year", (2027,)),
    ]
