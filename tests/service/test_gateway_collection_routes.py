"""The gateway's collection routes over real HTTP (tests.support.gateway: a GatewayService whose
level RPC is a recording fake). Pins, for every route, which CollectionRpc method it calls at
which level with which arguments, on whose behalf, with which status and headers; and the
gateway's own answers: 401 before the body is read, 403 outside the caller's area or for a
role the route does not declare, 404 for a tracking code naming no level."""

import uuid

import pytest
from contracts.reference import ROLES
from contracts.rpc import COLLECTION
from gateway.table.mount import declared
from servicekit.auth import ANONYMOUS, Principal

from tests.support.gateway import Call, bearer, envelope, running_gateway

STAFF = Principal("u-17", ("government_staff",), "150622")  # 准格尔旗 government
PID = str(uuid.UUID(int=1))
DLID = str(uuid.UUID(int=2))
CLID = str(uuid.UUID(int=3))
NOTICE = {
    "area_code": "150622100",
    "year": 2027,
    "title": "薛家湾镇 2027 年民生实事征集",
    "opens_at": "2026-09-01T00:00:00+08:00",
    "closes_at": "2026-10-01T00:00:00+08:00",
}
PROPOSAL = {
    "title": "社区卫生服务站改造",
    "description": "卫生服务站面积小，设备老旧。",
    "category": "医疗卫生",
    "area_code": "150622100",
    "location": {"text": "社区卫生服务站"},
}
BY_DEPUTY = {
    **PROPOSAL,
    "channel": "deputy",
    "deputy_name": "高代表",
    "liaison_station": "迎宾路站",
}
SUPPORTER = {"suggestion": "同意，卫生站太挤了。"}
ATTACHMENT = {
    "file_name": "现场照片.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 1024,
    "sha256": "ab" * 32,
}
MERGE = {"target_id": PID, "source_ids": [str(uuid.UUID(int=9))]}
SCREENING = {
    "public_benefit": 4,
    "inclusive": 4,
    "urgency": 3,
    "assessable": 5,
    "verdict": "in_library",
}
LIBRARY_ITEM = {"lead_department": "旗卫健委"}
SCOPE = {"area_code": "150622", "year": 2027}
SETTINGS = {"rounds": 3, "differential_ratio_permille": 200}
DRAFT = {"area_code": "150622", "year": 2027, "title": "准格尔旗 2027 年草拟清单"}
ROUND = {"recipients": [{"kind": "township", "recipient": "薛家湾镇", "account": "xjw-zhen"}]}
COMMENT = {"comment_request_id": str(uuid.UUID(int=4)), "comment": "同意。"}
CLOSE = {"items": [{"proposal_id": PID}]}
EXPORTED = {
    "file_name": "征集报表.csv",
    "ascii_file_name": "collection-report.csv",
    "content_type": "text/csv; charset=utf-8",
    "content_base64": "5YCZ6YCJ6aG555uuDQo=",
}
P = f"/api/v1/proposals/{PID}"
D = f"/api/v1/draft-lists/{DLID}"
BANNER_QUERY = {"area_code": "150622", "year": "2027"}
# method, path, query, body → the CollectionRpc method, the level it goes to, its arguments.
ROUTES = [
    ("post", "/api/v1/notices", None, NOTICE, "create_notice", "township", (NOTICE, None)),
    ("get", "/api/v1/proposals", {"area_code": "150622", "page": "2"}, None, "list_proposals",
     "banner", ({"area_code": "150622", "page": 2},)),
    ("get", P, None, None, "get_proposal", "banner", (PID,)),
    ("post", f"{P}/supporters", None, SUPPORTER, "add_supporter", "banner",
     (PID, SUPPORTER, None)),
    ("post", f"{P}/attachments", None, ATTACHMENT, "add_attachment", "banner",
     (PID, ATTACHMENT, None)),
    ("get", f"{P}/duplicates", None, None, "suggest_duplicates", "banner", (PID,)),
    ("post", "/api/v1/proposals/merge", None, MERGE, "merge_proposals", "banner", (MERGE,)),
    ("post", f"{P}/screenings", None, SCREENING, "screen_proposal", "banner",
     (PID, SCREENING, None)),
    ("get", f"{P}/screenings", None, None, "list_screenings", "banner", (PID,)),
    ("get", "/api/v1/library", {**BANNER_QUERY, "q": "卫生"}, None, "list_library", "banner",
     ({"area_code": "150622", "year": 2027, "q": "卫生"},)),
    ("put", f"/api/v1/library/{PID}", None, LIBRARY_ITEM, "update_library_item", "banner",
     (PID, LIBRARY_ITEM)),
    ("post", "/api/v1/outcomes/publish", None, SCOPE, "publish_outcomes", "banner", (SCOPE,)),
    ("post", "/api/v1/outcomes/answer", None, SCOPE, "answer_submitters", "banner", (SCOPE,)),
    ("get", "/api/v1/areas/150622100/collection-settings", None, None, "get_area_settings",
     "township", ("150622100",)),
    ("put", "/api/v1/areas/150622/collection-settings", None, SETTINGS, "update_area_settings",
     "banner", ("150622", SETTINGS)),
    ("post", "/api/v1/draft-lists", None, DRAFT, "create_draft_list", "banner", (DRAFT, None)),
    ("get", "/api/v1/draft-lists", BANNER_QUERY, None, "list_draft_lists", "banner",
     ({"area_code": "150622", "year": 2027},)),
    ("get", D, None, None, "get_draft_list", "banner", (DLID,)),
    ("post", f"{D}/rounds", None, ROUND, "open_round", "banner", (DLID, ROUND)),
    ("post", f"{D}/rounds/1/comments", None, COMMENT, "record_comment", "banner",
     (DLID, 1, COMMENT)),
    ("post", f"{D}/rounds/2/close", None, CLOSE, "close_round", "banner", (DLID, 2, CLOSE)),
    ("get", f"{D}/versions/0", None, None, "get_version", "banner", (DLID, 0)),
    ("get", f"{D}/diff", {"from": "0", "to": "1"}, None, "diff_versions", "banner",
     (DLID, {"from": 0, "to": 1})),
    ("post", f"{D}/freeze", None, {"seats": 5}, "freeze_list", "banner", (DLID, {"seats": 5})),
    ("get", f"/api/v1/candidate-lists/{CLID}", None, None, "get_candidate_list", "banner",
     (CLID,)),
    ("get", "/api/v1/reports/collection", BANNER_QUERY, None, "get_report", "banner",
     ({"area_code": "150622", "year": 2027},)),
    ("get", "/api/v1/reports/collection/export",
     {**BANNER_QUERY, "format": "csv", "table": "summary"}, None, "export_report", "banner",
     ({"area_code": "150622", "year": 2027, "format": "csv", "table": "summary"},)),
]  # fmt: skip
PUBLIC = {"list_notices", "submit_proposal", "track_proposal"}  # TestPublicRoutes
DECLARED = {route.rpc: route for route in declared() if route.service == COLLECTION}
STATUS = {
    "create_notice": 201,
    "add_supporter": 201,
    "add_attachment": 201,
    "screen_proposal": 201,
    "create_draft_list": 201,
    "open_round": 201,
    "close_round": 201,
    "freeze_list": 201,
}
REPLIES = {
    "create_notice": {"id": "n-1"},
    "submit_proposal": {"id": "p-1", "tracking_code": "T4KQ-7MZP-X2WD"},
    "create_draft_list": {"id": "d-1"},
    "freeze_list": {"id": "c-1"},
    "export_report": EXPORTED,
}


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path, RATE_LIMIT_PUBLIC="3/60") as gateway:
        gateway.fake.replies.update(REPLIES)
        yield gateway


class TestRouting:
    @pytest.mark.parametrize(
        ("method", "path", "query", "body", "rpc", "level", "args"),
        ROUTES,
        ids=[f"{r[0]} {r[1].replace(PID, '{id}').replace(DLID, '{id}')}" for r in ROUTES],
    )
    def test_calls_the_collection_method_at_its_level_for_the_caller(
        self, gateway, method, path, query, body, rpc, level, args
    ):
        response = gateway.request(method, path, params=query, json=body, headers=bearer(STAFF))
        assert response.status_code == STATUS.get(rpc, 200), response.text
        assert gateway.calls == [Call(COLLECTION, level, rpc, args, STAFF)]

    def test_created_notices_and_lists_say_where_they_are(self, gateway):
        headers = bearer(STAFF)
        notice = gateway.request("post", "/api/v1/notices", json=NOTICE, headers=headers)
        draft = gateway.request("post", "/api/v1/draft-lists", json=DRAFT, headers=headers)
        frozen = gateway.request("post", f"{D}/freeze", json={"seats": 5}, headers=headers)
        assert notice.headers["Location"] == "/api/v1/notices/n-1"
        assert draft.headers["Location"] == "/api/v1/draft-lists/d-1"
        assert frozen.headers["Location"] == "/api/v1/candidate-lists/c-1"

    def test_creates_pass_the_idempotency_key_on(self, gateway):
        headers = {**bearer(STAFF), "Idempotency-Key": "k-7"}
        gateway.request("post", "/api/v1/notices", json=NOTICE, headers=headers)
        gateway.request("post", f"{P}/screenings", json=SCREENING, headers=headers)
        assert [c.args[-1] for c in gateway.calls] == ["k-7", "k-7"]

    def test_a_malformed_idempotency_key_is_400(self, gateway):
        headers = {**bearer(STAFF), "Idempotency-Key": "no spaces"}
        response = gateway.request("post", "/api/v1/notices", json=NOTICE, headers=headers)
        assert envelope(response, 400)["code"] == "validation_failed"
        assert gateway.calls == []

    def test_a_report_export_is_a_file_download(self, gateway):
        query = {**BANNER_QUERY, "format": "csv", "table": "summary"}
        response = gateway.request(
            "get", "/api/v1/reports/collection/export", params=query, headers=bearer(STAFF)
        )
        assert response.content == "候选项目\r\n".encode()
        assert response.headers["Cache-Control"] == "no-store"
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


class TestPublicRoutes:
    def test_anyone_lists_the_notices_of_an_area(self, gateway):
        response = gateway.request("get", "/api/v1/notices", params={"area_code": "150622"})
        assert response.status_code == 200
        assert gateway.calls == [
            Call(COLLECTION, "banner", "list_notices", ({"area_code": "150622"},), ANONYMOUS)
        ]

    def test_a_resident_submits_online_without_an_account(self, gateway):
        response = gateway.request("post", "/api/v1/proposals", json=PROPOSAL)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == "/api/v1/proposals/track/T4KQ-7MZP-X2WD"
        assert gateway.calls == [
            Call(COLLECTION, "township", "submit_proposal", (PROPOSAL, None), ANONYMOUS)
        ]

    def test_another_channel_needs_a_login(self, gateway):
        response = gateway.request("post", "/api/v1/proposals", json=BY_DEPUTY)
        assert envelope(response, 401)["code"] == "unauthenticated"
        assert gateway.calls == []

    def test_another_channel_goes_on_for_staff_in_scope(self, gateway):
        response = gateway.request(
            "post", "/api/v1/proposals", json=BY_DEPUTY, headers=bearer(STAFF)
        )
        assert response.status_code == 201, response.text
        assert gateway.calls[0].principal == STAFF

    def test_a_tracking_code_names_its_level(self, gateway):
        assert gateway.request("get", "/api/v1/proposals/track/C4KQ-7MZP-X2WD").ok
        assert [(c.level, c.method) for c in gateway.calls] == [("city", "track_proposal")]

    def test_a_tracking_code_naming_no_level_is_404(self, gateway):
        response = gateway.request("get", "/api/v1/proposals/track/X4KQ-7MZP-X2WD")
        assert envelope(response, 404)["code"] == "not_found"
        assert gateway.calls == []

    def test_public_submissions_and_tracking_share_the_public_limit(self, gateway):
        statuses = [
            gateway.request("get", "/api/v1/proposals/track/T4KQ-7MZP-X2WD").status_code,
            gateway.request("post", "/api/v1/proposals", json=PROPOSAL).status_code,
            gateway.request("get", "/api/v1/proposals/track/T4KQ-7MZP-X2WD").status_code,
        ]
        limited = gateway.request("post", "/api/v1/proposals", json=PROPOSAL)
        assert statuses == [200, 201, 200]
        assert envelope(limited, 429)["code"] == "rate_limited"
        assert limited.headers["Retry-After"]

    def test_a_clerk_entering_letters_from_the_office_is_never_held_to_it(self, gateway):
        # RATE_LIMIT_PUBLIC is 3/60; an office enters far more letters and hotline calls in a
        # minute, from one address. The limit is for anonymous callers: a login is accountable.
        letter = {**PROPOSAL, "channel": "letter", "submitter_name": "李女士"}
        statuses = [
            gateway.request("post", "/api/v1/proposals", json=letter, headers=bearer(STAFF))
            for _ in range(8)
        ]
        assert [r.status_code for r in statuses] == [201] * 8, statuses[-1].text
        anonymous = [gateway.request("post", "/api/v1/proposals", json=PROPOSAL) for _ in range(4)]
        assert [r.status_code for r in anonymous] == [201, 201, 201, 429]

    def test_a_bad_token_is_anonymous_for_the_limit(self, gateway):
        headers = {"Authorization": "Bearer not.a.token"}
        statuses = [
            gateway.request("get", "/api/v1/proposals/track/T4KQ-7MZP-X2WD", headers=headers)
            for _ in range(4)
        ]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429]


class TestScope:
    @pytest.mark.parametrize(
        ("method", "path", "query", "body"),
        [
            ("post", "/api/v1/notices", None, {**NOTICE, "area_code": "150621"}),
            ("get", "/api/v1/proposals", {"area_code": "150600"}, None),
            ("get", "/api/v1/library", {"area_code": "150621", "year": "2027"}, None),
            ("post", "/api/v1/outcomes/publish", None, {**SCOPE, "area_code": "150621"}),
            ("get", "/api/v1/areas/150621/collection-settings", None, None),
            ("put", "/api/v1/areas/150600/collection-settings", None, SETTINGS),
            ("post", "/api/v1/draft-lists", None, {**DRAFT, "area_code": "150621"}),
            ("get", "/api/v1/reports/collection", {"area_code": "150621", "year": "2027"}, None),
            ("post", "/api/v1/proposals", None, {**BY_DEPUTY, "area_code": "150621"}),
        ],
    )
    def test_an_area_outside_the_callers_scope_is_403(self, gateway, method, path, query, body):
        response = gateway.request(method, path, params=query, json=body, headers=bearer(STAFF))
        assert envelope(response, 403)["details"]["area_code"]
        assert gateway.calls == []

    def test_login_comes_before_the_body_is_read(self, gateway):
        response = gateway.request("post", "/api/v1/notices", data=b"not json")
        assert envelope(response, 401)["code"] == "unauthenticated"

    def test_the_body_is_judged_before_the_scope(self, gateway):
        response = gateway.request(
            "post", "/api/v1/notices", json={"area_code": "150621"}, headers=bearer(STAFF)
        )
        assert "title" in envelope(response, 400)["details"]


class TestRolePreCheck:
    def test_every_route_is_pinned_here(self):
        assert {row[4] for row in ROUTES} | PUBLIC == set(DECLARED)

    @pytest.mark.parametrize(
        ("method", "path", "query", "body", "rpc"),
        [row[:5] for row in ROUTES],
        ids=[row[4] for row in ROUTES],
    )
    def test_a_role_the_route_does_not_declare_is_403_before_the_call(
        self, gateway, method, path, query, body, rpc
    ):
        declared_roles = DECLARED[rpc].roles
        outsider = Principal("u-99", tuple(sorted(set(ROLES) - declared_roles)), "150622")
        response = gateway.request(method, path, params=query, json=body, headers=bearer(outsider))
        error = envelope(response, 403)
        assert error["code"] == "forbidden"
        assert error["details"] == {"required_roles": sorted(declared_roles)}
        assert gateway.calls == []
