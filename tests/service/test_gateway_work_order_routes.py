"""The gateway's 12345 work-order routes over real HTTP (a recording fake behind it): the
webhook needs no login and hands the service the raw body as received with its signature
headers, routed by the order's area; staff routes ask for a login, a role and the area;
malformed input is a 4xx envelope that reaches no service — never a 500."""

import json
import uuid

import pytest
from servicekit.auth import Principal
from servicekit.errors import Unauthenticated

from tests.support import work_orders as w
from tests.support.gateway import bearer, envelope, running_gateway

CLERK = Principal("u-renda", ("congress_staff",), "150622", "renda")
DEPUTY = Principal("u-wang", ("deputy",), "150622100", "wang")
DEPARTMENT = Principal("u-zjj", ("department_staff",), "150622", "zjj", "住建局")
OID = str(uuid.UUID(int=13))
WEBHOOK = "/api/v1/work-orders/webhook"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    with running_gateway(
        monkeypatch, tmp_path_factory.mktemp("gateway"), max_body_bytes=64 * 1024
    ) as gateway:
        yield gateway
    monkeypatch.undo()


@pytest.fixture(autouse=True)
def fresh(gateway):
    gateway.calls.clear()
    gateway.fake.replies.clear()
    yield


class TestWebhook:
    def test_the_raw_body_and_the_signature_reach_the_service_unchanged(self, gateway):
        raw = json.dumps(w.ORDER, ensure_ascii=False, indent=3).encode()  # spacing kept
        signed = w.delivery(raw.decode())
        headers = {**JSON, "X-Minsheng-Timestamp": signed["timestamp"],
                   "X-Minsheng-Signature": signed["signature"]}  # fmt: skip
        gateway.fake.replies["receive_work_order"] = {"id": OID, "version": 1}
        response = gateway.request("post", WEBHOOK, data=raw, headers=headers)
        assert response.status_code == 200 and response.json()["version"] == 1
        (call,) = gateway.calls
        assert (call.service, call.level, call.method) == ("petition", "township",
                                                           "receive_work_order")  # fmt: skip
        assert call.args == (signed,) and not call.principal.authenticated

    def test_a_refused_signature_is_a_401_envelope(self, gateway):
        refusal = Unauthenticated("签名无效 (bad signature)", {"reason": "bad_signature"})
        gateway.fake.replies["receive_work_order"] = refusal
        response = gateway.request("post", WEBHOOK, json=w.ORDER)
        assert envelope(response, 401)["details"] == {"reason": "bad_signature"}

    @pytest.mark.parametrize(
        ("data", "headers", "status"),
        [
            (b"{not json", JSON, 400),
            (b"[1, 2]", JSON, 400),
            (json.dumps(w.order(area_code="999999")).encode(), JSON, 400),
            (json.dumps({**w.ORDER, "extra": 1}).encode(), JSON, 400),
            (json.dumps(w.order(order_no=None)).encode(), JSON, 400),
            (b"\xff\xfe", JSON, 400),
            (json.dumps(w.ORDER).encode(), {"Content-Type": "text/plain"}, 415),
        ],
    )
    def test_malformed_deliveries_never_reach_the_service(self, gateway, data, headers, status):
        envelope(gateway.request("post", WEBHOOK, data=data, headers=headers), status)
        assert gateway.calls == []


class TestStaffRoutes:
    IMPORT = {"area_code": "150622", "orders": [w.ORDER]}

    def test_the_import_asks_for_a_login_the_role_and_the_area(self, gateway):
        path = "/api/v1/work-orders/import"
        envelope(gateway.request("post", path, json=self.IMPORT), 401)
        envelope(gateway.request("post", path, json=self.IMPORT, headers=bearer(DEPUTY)), 403)
        other = {**self.IMPORT, "area_code": "150602"}
        envelope(gateway.request("post", path, json=other, headers=bearer(CLERK)), 403)
        assert gateway.calls == []
        done = gateway.request("post", path, json=self.IMPORT, headers=bearer(CLERK))
        assert done.status_code == 201 and gateway.calls[0].level == "banner"

    def test_lists_are_for_deputies_and_congress_staff_of_the_area(self, gateway):
        query = "/api/v1/work-orders?area_code=150622100&supervised=true&overdue=true"
        assert gateway.request("get", query, headers=bearer(DEPUTY)).status_code == 200
        envelope(gateway.request("get", query, headers=bearer(DEPARTMENT)), 403)
        outside = "/api/v1/work-orders?area_code=150602"
        envelope(gateway.request("get", outside, headers=bearer(CLERK)), 403)
        (call,) = gateway.calls
        assert call.args == ({"area_code": "150622100", "supervised": "true", "overdue": "true"},)

    @pytest.mark.parametrize(
        ("action", "body"),
        [("supervise", None), ("urge", {"text": "请尽快办理"}), ("rate", {"rating": "satisfied"})],
    )
    def test_deputies_supervise_urge_and_rate(self, gateway, action, body):
        path = f"/api/v1/work-orders/{OID}/{action}"
        sent = {"json": body} if body is not None else {}
        assert gateway.request("post", path, headers=bearer(DEPUTY), **sent).status_code == 200
        envelope(gateway.request("post", path, headers=bearer(CLERK), json=body or {}), 403)
        (call,) = gateway.calls
        assert call.args == (OID, body or {})

    @pytest.mark.parametrize(
        ("action", "body"),
        [
            ("urge", {}),
            ("urge", {"text": ""}),
            ("rate", {"rating": "great"}),
            ("rate", {"rating": "satisfied", "comment": "\x00"}),
            ("supervise", {"note": 5}),
            ("matter", {"category": "x" * 21}),
        ],
    )
    def test_bad_bodies_are_400_with_the_field(self, gateway, action, body):
        path = f"/api/v1/work-orders/{OID}/{action}"
        error = envelope(gateway.request("post", path, headers=bearer(DEPUTY), json=body), 400)
        assert error["details"] and gateway.calls == []

    def test_findings_are_a_deputys_and_idempotent(self, gateway):
        body = {
            "area_code": "150622100",
            "title": "路灯",
            "content": "路灯不亮",
            "category": "城建",
        }
        path = "/api/v1/work-orders/findings"
        envelope(gateway.request("post", path, json=body, headers=bearer(CLERK)), 403)
        headers = {**bearer(DEPUTY), "Idempotency-Key": "f-1"}
        assert gateway.request("post", path, json=body, headers=headers).status_code == 201
        assert gateway.calls[0].args == (body, "f-1")

    def test_the_report_and_its_export(self, gateway):
        gateway.fake.replies["export_hotline_report"] = {
            "file_name": "12345热线社情民意_准格尔旗.csv",
            "ascii_file_name": "hotline-150622.csv",
            "content_type": "text/csv; charset=utf-8",
            "content_base64": "5bel5Y2V",
        }
        query = "area_code=150622&since=2026-11-01&format=csv"
        export = gateway.request("get", f"/api/v1/reports/hotline/export?{query}",
                                 headers=bearer(CLERK))  # fmt: skip
        assert export.status_code == 200 and export.content == "工单".encode()
        bad = gateway.request("get", "/api/v1/reports/hotline?area_code=150622&since=soon",
                              headers=bearer(CLERK))  # fmt: skip
        assert "since" in envelope(bad, 400)["details"]
        envelope(gateway.request("get", "/api/v1/reports/hotline?area_code=150622"), 401)

    def test_time_limits_out_of_range_are_400(self, gateway):
        path = "/api/v1/hotline/time-limits/150622"
        for limits in ({"complaint": 0}, {"gossip": 3}, {}):
            body = {"limits": limits}
            envelope(gateway.request("put", path, json=body, headers=bearer(CLERK)), 400)
        assert gateway.calls == []
