"""The gateway's public-supervision routes over real HTTP (tests.support.gateway: the level RPC
is a recording fake): a project code routes by its letter in either case, the public routes
need no token and carry the per-client public limit, staff routes refuse anonymous callers and
other roles, a malformed id or code is a 404 with the envelope, bad bodies a 400, and a QR code
is answered as the image itself."""

import base64

import pytest
from servicekit.auth import Principal

from tests.support.gateway import bearer, envelope, running_gateway

RENDA = Principal("u-renda", ("congress_staff",), "150622", "renda")
SUP = Principal("u-sup", ("supervisor",), "150622", "sup")
GOV = Principal("u-gov", ("government_staff",), "150622", "gov")
CODE = "B7K2M9QXAB1"
PROJECT = "B-" + "a" * 32
FEEDBACK_ID = "B-" + "e" * 32
FEEDBACK = {"anonymous": True, "text": "路面三处开裂，雨天积水", "category": "quality"}
PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(
        monkeypatch, tmp_path, max_body_bytes=64 * 1024, RATE_LIMIT_PUBLIC="3/60"
    ) as gateway:
        yield gateway


def test_feedback_needs_no_token_and_goes_to_the_codes_level(gateway):
    gateway.fake.replies["submit_feedback"] = {"feedback_id": FEEDBACK_ID, "state": "pending"}
    response = gateway.request(
        "post",
        f"/api/v1/public/projects/{CODE.lower()}/feedback",
        json=FEEDBACK,
        headers={"Idempotency-Key": "k1"},
    )
    assert response.status_code == 201
    (call,) = gateway.calls
    assert (call.service, call.level, call.method) == ("supervision", "banner", "submit_feedback")
    assert call.args == (CODE.lower(), FEEDBACK, "k1") and not call.principal.authenticated


def test_anonymous_public_calls_are_limited_per_client_and_staff_are_not(gateway):
    path = f"/api/v1/public/projects/{CODE}/feedback"
    statuses = [gateway.request("post", path, json=FEEDBACK).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert gateway.request("post", path, json=FEEDBACK, headers=bearer(RENDA)).status_code == 201


def test_the_code_lookup_and_the_public_list_are_public_and_limited(gateway):
    paths = [f"/api/v1/public/project-codes/{CODE}", f"/api/v1/public/projects/{CODE}/feedback"]
    statuses = [gateway.request("get", paths[i % 2]).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert [c.method for c in gateway.calls] == [
        "get_project_by_code",
        "list_public_feedback",
        "get_project_by_code",
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/public/project-codes/X7K2M9QXAB1"),
        ("get", "/api/v1/public/project-codes/B7K2"),
        ("get", "/api/v1/public/projects/nonsense/feedback"),
        ("post", "/api/v1/feedback/B-123/moderation"),
        ("get", "/api/v1/projects/not-a-project/qr.png"),
        ("get", f"/api/v1/projects/{PROJECT}/qr.gif"),
        ("post", "/api/v1/observations/zz/finding"),
        ("put", "/api/v1/social-supervisors/B-xyz/projects"),
    ],
)
def test_a_malformed_code_or_id_is_a_404_with_the_envelope(gateway, method, path):
    envelope(gateway.request(method, path, json={}, headers=bearer(RENDA)), 404)
    assert gateway.calls == []


@pytest.mark.parametrize(
    "body",
    [
        {**FEEDBACK, "category": "进度"},
        {**FEEDBACK, "text": "长" * 3000},
        {**FEEDBACK, "anonymous": False},  # no phone
        {**FEEDBACK, "photos": "many"},
        [FEEDBACK],
    ],
)
def test_bad_feedback_is_a_400_before_any_call(gateway, body):
    response = gateway.request("post", f"/api/v1/public/projects/{CODE}/feedback", json=body)
    envelope(response, 400)
    assert gateway.calls == []


def test_a_huge_body_is_refused_not_a_500(gateway):
    body = {**FEEDBACK, "text": "长" * 100_000}
    response = gateway.request("post", f"/api/v1/public/projects/{CODE}/feedback", json=body)
    envelope(response, 413)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/projects/{PROJECT}/qr.png", None),
        ("get", f"/api/v1/projects/{PROJECT}/sign.svg", None),
        ("get", "/api/v1/feedback?area_code=150622", None),
        ("post", f"/api/v1/feedback/{FEEDBACK_ID}/moderation", {"action": "publish"}),
        ("post", f"/api/v1/feedback/{FEEDBACK_ID}/finding", {}),
        ("get", "/api/v1/social-supervisors?area_code=150622", None),
        ("get", "/api/v1/observations?area_code=150622", None),
    ],
)
def test_staff_routes_refuse_anonymous_callers_and_other_roles(gateway, method, path, body):
    envelope(gateway.request(method, path, json=body), 401)
    envelope(gateway.request(method, path, json=body, headers=bearer(GOV)), 403)
    assert gateway.calls == []


def test_hiding_without_a_reason_is_a_400(gateway):
    path = f"/api/v1/feedback/{FEEDBACK_ID}/moderation"
    response = gateway.request("post", path, json={"action": "hide"}, headers=bearer(RENDA))
    assert "reason" in envelope(response, 400)["details"]


def test_staff_of_another_area_are_refused_by_the_gateway(gateway):
    outside = gateway.request(
        "get", "/api/v1/feedback", params={"area_code": "150602"}, headers=bearer(RENDA)
    )
    envelope(outside, 403)
    body = {"area_code": "150602", "subject": "u-x", "name": "王", "phone": "13700001111"}
    envelope(
        gateway.request("post", "/api/v1/social-supervisors", json=body, headers=bearer(RENDA)), 403
    )
    assert gateway.calls == []


def test_only_a_supervisor_posts_an_observation_routed_by_the_project(gateway):
    body = {
        "project_id": PROJECT,
        "category": "progress",
        "text": "钢筋进场但未开工",
        "observed_on": "2026-05-01",
    }
    envelope(gateway.request("post", "/api/v1/observations", json=body, headers=bearer(RENDA)), 403)
    assert (
        gateway.request("post", "/api/v1/observations", json=body, headers=bearer(SUP)).status_code
        == 201
    )
    (call,) = gateway.calls
    assert (call.method, call.level) == ("record_observation", "banner")


def test_a_qr_code_is_answered_as_the_image_itself(gateway):
    gateway.fake.replies["get_project_qr"] = {
        "file_name": "幸福路-二维码.png",
        "ascii_file_name": f"project-{CODE}.png",
        "content_type": "image/png",
        "content_base64": base64.b64encode(PNG).decode(),
    }
    response = gateway.request("get", f"/api/v1/projects/{PROJECT}/qr.png", headers=bearer(RENDA))
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert gateway.calls[0].args == (PROJECT, "png")
