"""The gateway's petition routes over real HTTP (tests.support.gateway: a GatewayService whose
level RPC is a recording fake): the level a public code or a tracking code names, the public
limit on anonymous submissions, 401 and the role pre-check on staff routes, the action names in
the path (report-up, return-visit), QR codes answered as image files."""

import base64
import uuid

import pytest
from servicekit.auth import Principal

from tests.support.gateway import bearer, envelope, running_gateway
from tests.support.petition import MATTER, RESIDENT

CLERK = Principal("u-renda", ("congress_staff",), "150622", "renda")
DEPUTY = Principal("u-wang", ("deputy",), "150622100", "wang")
MID = str(uuid.UUID(int=6))
DID = str(uuid.UUID(int=4))
PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(
        monkeypatch, tmp_path, max_body_bytes=64 * 1024, RATE_LIMIT_PUBLIC="3/60"
    ) as gateway:
        yield gateway


def test_a_public_submission_goes_to_the_level_its_code_names(gateway):
    gateway.fake.replies["submit_matter"] = {"tracking_code": "B4KQ-7MZP-X2WD"}
    body = {**MATTER, "code": "b7k2-m9qx", "resident": RESIDENT}
    response = gateway.request(
        "post", "/api/v1/matters", json=body, headers={"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/matters/track/B4KQ-7MZP-X2WD"
    (call,) = gateway.calls
    assert (call.service, call.level, call.method) == ("petition", "banner", "submit_matter")
    assert call.args == (body, "k1") and not call.principal.authenticated


def test_a_code_naming_no_level_is_a_400_on_the_code(gateway):
    response = gateway.request("post", "/api/v1/matters", json={**MATTER, "code": "X7K2M9QX"})
    assert "code" in envelope(response, 400)["details"]
    assert gateway.calls == []


def test_anonymous_submissions_are_limited_per_client_and_staff_are_not(gateway):
    gateway.fake.replies["submit_matter"] = {"tracking_code": "T4KQ-7MZP-X2WD"}
    body = {**MATTER, "code": "T7K2M9QX"}
    statuses = [gateway.request("post", "/api/v1/matters", json=body).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    staff = gateway.request("post", "/api/v1/matters", json=body, headers=bearer(DEPUTY))
    assert staff.status_code == 201


def test_the_public_page_and_the_tracking_page_route_by_their_first_letter(gateway):
    assert gateway.request("get", "/api/v1/public/deputies/C7K2M9QX").status_code == 200
    assert gateway.request("get", "/api/v1/matters/track/B4KQ-7MZP-X2WD").status_code == 200
    assert [(c.method, c.level) for c in gateway.calls] == [
        ("get_public_code", "city"),
        ("track_matter", "banner"),
    ]
    envelope(gateway.request("get", "/api/v1/public/deputies/nonsense"), 404)


@pytest.mark.parametrize("action", ["report-up", "return-visit", "accept"])
def test_every_action_name_is_a_path_the_service_gets_as_sent(gateway, action):
    path = f"/api/v1/matters/{MID}/{action}"
    assert gateway.request("post", path, json={}, headers=bearer(DEPUTY)).status_code == 200
    (call,) = gateway.calls
    assert (call.method, call.args) == ("act_on_matter", (MID, action, {}))


def test_an_unknown_action_is_404(gateway):
    envelope(
        gateway.request("post", f"/api/v1/matters/{MID}/approve", json={}, headers=bearer(DEPUTY)),
        404,
    )


def test_staff_routes_ask_for_a_login_and_a_role_the_service_takes(gateway):
    body = {"area_code": "150622", "csv": "姓名,层级,地区代码,账号\n"}
    envelope(gateway.request("post", "/api/v1/deputies/import", json=body), 401)
    refused = gateway.request("post", "/api/v1/deputies/import", json=body, headers=bearer(DEPUTY))
    assert envelope(refused, 403)["code"] == "forbidden"
    outside = gateway.request(
        "post",
        "/api/v1/deputies/import",
        json={**body, "area_code": "150602"},
        headers=bearer(CLERK),
    )
    envelope(outside, 403)
    assert gateway.calls == []


def test_a_qr_code_is_answered_as_the_image_itself(gateway):
    gateway.fake.replies["get_deputy_qr"] = {
        "file_name": "王建国-二维码.png",
        "ascii_file_name": "deputy-T7K2M9QX.png",
        "content_type": "image/png",
        "content_base64": base64.b64encode(PNG).decode(),
    }
    response = gateway.request("get", f"/api/v1/deputies/{DID}/qr.png", headers=bearer(CLERK))
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert gateway.calls[0].args == (DID, "png")
    envelope(gateway.request("get", f"/api/v1/deputies/{DID}/qr.gif", headers=bearer(CLERK)), 404)
