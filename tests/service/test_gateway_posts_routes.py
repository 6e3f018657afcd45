"""Duty posts and the diary through the gateway over real HTTP.

First with the recording fake (tests.support.gateway): which level each route calls — a post
id's letter, the feed's area, the caller's own level for the diary —, the public feed without
login, 401 and the role pre-check before any call, 404 for a malformed post id, bad bodies 400
with the envelope. Then with the gateway's RPC answered by the real petition service on
migrated SQLite (the same worker the service tests use): moderation by area, a hidden post gone
for the public, and the diary private against another deputy and congress staff."""

from collections.abc import Iterator
from typing import Any

import pytest
from petition.use_cases.common import today

from tests.support import petition as p
from tests.support.gateway import (
    FakeLevelRpc,
    RecordingCaller,
    RecordingGateway,
    bearer,
    envelope,
    running_gateway,
)
from tests.support.workers import migrated_sessions, service_worker

POST_ID = "B-" + "d" * 32
NOTE_ID = "00000000-0000-0000-0000-00000000000a"
VIDEO = {"file_name": "v.mp4", "content_type": "video/mp4", "size_bytes": 10, "sha256": "b" * 64}
BODY = {
    "kind": "reception",
    "text": "在联络站接待群众 12 人次，收集意见 5 条。",
    "place": "薛家湾镇人大代表联络站",
    "held_on": str(today()),
}


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path, max_body_bytes=64 * 1024) as gateway:
        yield gateway


class TestRouting:
    def test_the_feed_is_public_and_goes_to_the_level_of_its_area(self, gateway):
        response = gateway.request("get", "/api/v1/duty-posts?area_code=150622&page_size=5")
        assert response.status_code == 200
        (call,) = gateway.calls
        assert (call.level, call.method) == ("banner", "list_duty_posts")
        assert call.args == ({"area_code": "150622", "page_size": 5},)
        assert not call.principal.authenticated
        envelope(gateway.request("get", "/api/v1/duty-posts"), 400)
        envelope(gateway.request("get", "/api/v1/duty-posts?area_code=150622&page_size=x"), 400)

    def test_a_post_goes_to_the_level_its_id_names_and_a_malformed_id_is_404(self, gateway):
        assert gateway.request("get", f"/api/v1/duty-posts/{POST_ID}").status_code == 200
        assert (gateway.calls[0].level, gateway.calls[0].args) == ("banner", (POST_ID,))
        envelope(gateway.request("get", "/api/v1/duty-posts/not-a-post"), 404)
        assert len(gateway.calls) == 1

    def test_a_deputy_publishes_at_their_own_level_with_the_key(self, gateway):
        deputy = bearer(p.WANG)
        headers = {**deputy, "Idempotency-Key": "k-1"}
        response = gateway.request("post", "/api/v1/duty-posts", json=BODY, headers=headers)
        assert response.status_code == 201
        (call,) = gateway.calls
        assert (call.level, call.method, call.args) == (
            "township",
            "publish_duty_post",
            (BODY, "k-1"),
        )

    def test_hide_and_unhide_are_paths_of_the_post(self, gateway):
        staff = bearer(p.RENDA)
        for action in ("hide", "unhide"):
            path = f"/api/v1/duty-posts/{POST_ID}/{action}"
            assert (
                gateway.request("post", path, json={"reason": "x"}, headers=staff).status_code
                == 200
            )
        assert (
            gateway.request(
                "post", f"/api/v1/duty-posts/{POST_ID}/unhide", headers=staff
            ).status_code
            == 200
        )
        assert [c.args for c in gateway.calls] == [
            (POST_ID, "hide", {"reason": "x"}),
            (POST_ID, "unhide", {"reason": "x"}),
            (POST_ID, "unhide", {}),
        ]
        envelope(
            gateway.request("post", f"/api/v1/duty-posts/{POST_ID}/pin", json={}, headers=staff),
            404,
        )

    def test_the_diary_and_its_conversions_go_to_the_callers_level(self, gateway):
        deputy = bearer(p.LI)
        gateway.request("get", "/api/v1/diary?tag=低保", headers=deputy)
        gateway.request("post", f"/api/v1/diary/{NOTE_ID}/proposal", json={}, headers=deputy)
        gateway.request("delete", f"/api/v1/diary/{NOTE_ID}", headers=deputy)
        assert [(c.level, c.method, c.args) for c in gateway.calls] == [
            ("banner", "list_diary_notes", ({"tag": "低保"},)),
            ("banner", "convert_diary_note", (NOTE_ID, "proposal", {})),
            ("banner", "delete_diary_note", (NOTE_ID,)),
        ]


class TestRoles:
    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("post", "/api/v1/duty-posts", BODY),
            ("put", f"/api/v1/duty-posts/{POST_ID}", BODY),
            ("delete", f"/api/v1/duty-posts/{POST_ID}", None),
            ("post", f"/api/v1/duty-posts/{POST_ID}/hide", {"reason": "x"}),
            ("post", "/api/v1/diary", {"text": "记一笔"}),
            ("get", "/api/v1/diary", None),
            ("get", f"/api/v1/diary/{NOTE_ID}", None),
            ("post", f"/api/v1/diary/{NOTE_ID}/matter", {}),
        ],
    )
    def test_login_first_then_only_the_roles_the_service_takes(self, gateway, method, path, body):
        envelope(gateway.request(method, path, json=body), 401)
        moderating = path.endswith("/hide")
        wrong = p.WANG if moderating else p.RENDA  # a deputy does not moderate; staff keep no diary
        envelope(gateway.request(method, path, json=body, headers=bearer(wrong)), 403)
        for other in (p.ZHENGFU, p.ZHUJIAN, p.ADMIN):
            envelope(gateway.request(method, path, json=body, headers=bearer(other)), 403)
        assert gateway.calls == []

    @pytest.mark.parametrize(
        "body",
        [
            {**BODY, "kind": "party"},
            {**BODY, "text": ""},
            {**BODY, "held_on": "昨天"},
            {"kind": "visit"},
            {**BODY, "attachments": [{**VIDEO, "content_type": "application/x-msdownload"}]},
        ],
    )
    def test_a_malformed_post_is_a_400_envelope_before_any_call(self, gateway, body):
        response = gateway.request("post", "/api/v1/duty-posts", json=body, headers=bearer(p.WANG))
        assert envelope(response, 400)["details"]
        assert gateway.calls == []

    def test_malformed_json_and_notes_are_400(self, gateway):
        deputy = {**bearer(p.WANG), "Content-Type": "application/json"}
        envelope(gateway.request("post", "/api/v1/diary", data=b"{", headers=deputy), 400)
        bad = gateway.request(
            "post", "/api/v1/diary", json={"text": "x", "tags": ["a b"]}, headers=deputy
        )
        assert "tags" in envelope(bad, 400)["details"]
        assert gateway.calls == []


# ---- the gateway in front of the real service ------------------------------------------------
class ServiceCaller(RecordingCaller):
    """Records the call as the fake does, then answers it with the real petition worker."""

    def call(self, service: str, level: str, method: str, *args: Any, **kwargs: Any) -> Any:
        super().call(service, level, method, *args)
        principal = self.provider.calls[-1].principal
        worker = service_worker(service, BridgedRpc.sessions, principal, level=level)
        return getattr(worker, method)(*args)


class BridgedRpc(FakeLevelRpc):
    sessions: dict[str, Any] = {}

    def get_dependency(self, worker_ctx: Any) -> ServiceCaller:
        return ServiceCaller(self, worker_ctx)


class BridgedGateway(RecordingGateway):
    rpc = BridgedRpc()


@pytest.fixture
def served(monkeypatch, tmp_path) -> Iterator[tuple[Any, p.World]]:
    with migrated_sessions("petition", tmp_path) as sessions:
        world = p.build(sessions)
        monkeypatch.setattr(BridgedRpc, "sessions", sessions)
        with running_gateway(
            monkeypatch, tmp_path, service=BridgedGateway, max_body_bytes=64 * 1024
        ) as gateway:
            yield gateway, world


class TestAgainstTheService:
    def test_moderation_by_area_and_a_hidden_post_gone_for_the_public(self, served):
        gateway, _ = served
        created = gateway.request("post", "/api/v1/duty-posts", json=BODY, headers=bearer(p.WANG))
        post = created.json()["id"]
        hide = f"/api/v1/duty-posts/{post}/hide"
        other = gateway.request("post", hide, json={"reason": "x"}, headers=bearer(p.OTHER_RENDA))
        envelope(other, 403)
        envelope(gateway.request("post", hide, json={}, headers=bearer(p.RENDA)), 400)
        hidden = gateway.request(
            "post", hide, json={"reason": "含群众住址"}, headers=bearer(p.RENDA)
        )
        assert hidden.status_code == 200 and hidden.json()["hidden"] is True
        envelope(
            gateway.request("post", hide, json={"reason": "again"}, headers=bearer(p.RENDA)), 409
        )
        envelope(gateway.request("get", f"/api/v1/duty-posts/{post}"), 404)
        author = gateway.request("get", f"/api/v1/duty-posts/{post}", headers=bearer(p.WANG))
        assert author.json()["hidden_reason"] == "含群众住址"
        feed = gateway.request("get", "/api/v1/duty-posts?area_code=150622100")
        assert feed.json()["total"] == 0
        staff = gateway.request(
            "get",
            "/api/v1/duty-posts?area_code=150622100&include_hidden=true",
            headers=bearer(p.RENDA),
        )
        assert staff.json()["total"] == 1
        envelope(
            gateway.request("get", "/api/v1/duty-posts?area_code=150622100&include_hidden=true"),
            401,
        )
        edit = gateway.request(
            "put", f"/api/v1/duty-posts/{post}", json=BODY, headers=bearer(p.ZHAO)
        )
        envelope(edit, 403)
        too_many = {**BODY, "attachments": [VIDEO, VIDEO]}
        limited = gateway.request(
            "post", "/api/v1/duty-posts", json=too_many, headers=bearer(p.WANG)
        )
        assert "最多 1 个视频" in envelope(limited, 422)["message"]

    def test_the_diary_is_the_authors_alone(self, served):
        gateway, _ = served
        note = {"text": "王大妈反映楼道漏水，物业推诿", "tags": ["物业"], "place": "迎宾路小区"}
        created = gateway.request("post", "/api/v1/diary", json=note, headers=bearer(p.WANG))
        assert created.status_code == 201
        path = f"/api/v1/diary/{created.json()['id']}"
        for deputy in (p.ZHAO, p.LI):
            envelope(gateway.request("get", path, headers=bearer(deputy)), 404)
            envelope(gateway.request("put", path, json=note, headers=bearer(deputy)), 404)
            envelope(gateway.request("delete", path, headers=bearer(deputy)), 404)
            listed = gateway.request("get", "/api/v1/diary", headers=bearer(deputy))
            assert listed.json()["total"] == 0
        for staff in (p.TOWN_RENDA, p.RENDA, p.CITY_RENDA):
            envelope(gateway.request("get", path, headers=bearer(staff)), 403)
            envelope(gateway.request("get", "/api/v1/diary", headers=bearer(staff)), 403)
        mine = gateway.request("get", "/api/v1/diary?tag=物业", headers=bearer(p.WANG))
        assert [n["text"] for n in mine.json()["items"]] == [note["text"]]
        matter = gateway.request(
            "post", f"{path}/matter", json={"category": "物业管理"}, headers=bearer(p.WANG)
        )
        assert matter.status_code == 200 and matter.json()["note"]["matter"]["state"] == "received"
        envelope(gateway.request("post", f"{path}/matter", json={"category": "物业管理"},
                                 headers=bearer(p.WANG)), 409)  # fmt: skip
