"""The gateway's voting routes over real HTTP (tests.support.gateway: a GatewayService whose
level RPC is a recording fake; no broker, no voting service). Pins, for every route, which
VotingRpc method it calls at which level with which arguments, and the gateway's own answers:
401 before anything else, 404 for a malformed session id, 400 for a malformed ballot token,
403 for a role the route does not declare, the cast route's exemption from the per-client
public rate limit, and its cap on unknown tokens per client and session."""

import uuid

import pytest
from contracts.reference import ROLES
from contracts.rpc import VOTING
from gateway.table.mount import declared
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import NotFound

from tests.support import gateway as support
from tests.support.gateway import SESSION_ID, Call, envelope, running_gateway

VOTING_ROUTES = tuple(route for route in declared() if route.service == VOTING)
PUBLIC = {
    ("post", "/api/v1/ballots/open"),
    ("post", "/api/v1/ballots"),
    ("get", "/api/v1/sessions/{session_id}/receipts/{code}"),
    ("get", "/api/v1/sessions/{session_id}/result"),
    ("get", "/api/v1/sessions/{session_id}/audit"),
    ("get", "/api/v1/sessions/{session_id}/export.{fmt}"),
}
STAFF = Principal("u-9", ("congress_staff",), "150622")  # 准格尔旗人大
SUPERVISOR = Principal("u-10", ("supervisor",), "150622")  # 监票人, resolves paper sheets
CITY_SESSION_ID = "C-" + "fedcba9876543210" * 2
TOKEN = "T" + "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # a township token, Crockford base32
CANDIDATE_LIST = str(uuid.UUID(int=7))
ROSTER = support.PATH_VALUES["roster_id"]
EXPORTED = {
    "file_name": "票决结果.csv",
    "ascii_file_name": "session-result.csv",
    "content_type": "text/csv; charset=utf-8",
    "content_base64": "5YCZ6YCJ6aG555uuDQo=",  # "候选项目\r\n"
}


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path, RATE_LIMIT_PUBLIC="3/60") as gateway:
        gateway.fake.replies.update(create_session={"id": SESSION_ID}, get_export=EXPORTED)
        yield gateway


def bearer(principal: Principal = STAFF) -> dict[str, str]:
    return support.bearer(principal)


def concrete(path: str, session_id: str = SESSION_ID) -> str:
    return support.concrete(path, session_id=session_id, code="R1234")


S = f"/api/v1/sessions/{SESSION_ID}"
TRANSITION = {"note": "主席团决定"}
CAST = {"session_id": "T-" + "a" * 32, "token": TOKEN, "choices": {"p1": "approve"}}
OPEN = {"token": TOKEN}
RULES = {
    "area_code": "150622",
    "adopted_on": "2026-01-10",
    "document_ref": "准人大常发〔2026〕3号",
    "publication_channel": "准格尔旗人大常委会网站",
}
ROSTER_CSV = {
    "area_code": "150622100",
    "title": "薛家湾镇人大代表名册",
    "csv": "代表证号,姓名,代表团\n001,张三,第一代表团\n",
}
NEW_SESSION = {
    "area_code": "150622",
    "year": 2027,
    "kind": "congress_session",
    "title": "准格尔旗 2027 年民生实事项目票决",
    "candidate_list_id": CANDIDATE_LIST,
}
OPINIONS = {"delegation": "第一代表团", "opinions": [{"candidate_id": "p1", "stance": "support"}]}
CHECK_IN = {"deputy_numbers": ["001", "002"]}
TOKEN_ISSUE = {"deputy_number": "001", "token_hash": "ab" * 32}
REISSUE = {"deputy_number": "001", "token_hash": "cd" * 32, "reason": "手机遗失"}
PAPER_SHEET = {"sheet": 3, "choices": {"p1": "approve"}}
RESOLUTION = {"choices": None, "note": "字迹无法辨认，按废票处理"}
CONSULTATION = {
    "participants": ["张三", "李四"],
    "minutes": "街道议政代表会商，一致同意以下项目。",
    "adopted": ["p1"],
}
STEPS = {
    "deliberation": "start_deliberation",
    "open": "open_session",
    "close": "close_session",
    "tally": "tally_session",
    "announce": "announce_session",
    "publish": "publish_session",
    "runoff": "open_runoff",
}
# method, path, query, body → the VotingRpc method, the level it goes to, its arguments.
ROUTES = [
    ("post", "/api/v1/voting-rules", None, RULES, "adopt_rules", "banner", (RULES,)),
    (
        "get",
        "/api/v1/voting-rules",
        {"area_code": "150600"},
        None,
        "list_rules",
        "city",
        ({"area_code": "150600"},),
    ),
    (
        "post",
        "/api/v1/rosters/import",
        None,
        ROSTER_CSV,
        "import_roster",
        "township",
        (ROSTER_CSV,),
    ),
    (
        "get",
        f"/api/v1/rosters/{ROSTER}",
        {"area_code": "150622"},
        None,
        "get_roster",
        "banner",
        (ROSTER,),
    ),
    (
        "post",
        "/api/v1/sessions",
        None,
        NEW_SESSION,
        "create_session",
        "banner",
        (NEW_SESSION, None),
    ),
    (
        "get",
        "/api/v1/sessions",
        {"area_code": "150622", "year": "2027"},
        None,
        "list_sessions",
        "banner",
        ({"area_code": "150622", "year": 2027},),
    ),
    ("get", S, None, None, "get_session", "banner", (SESSION_ID,)),
    *[
        ("post", f"{S}/{step}", None, TRANSITION, method, "banner", (SESSION_ID, TRANSITION))
        for step, method in STEPS.items()
    ],
    (
        "post",
        f"{S}/deliberations",
        None,
        OPINIONS,
        "record_deliberation",
        "banner",
        (SESSION_ID, OPINIONS),
    ),
    ("get", f"{S}/deliberations", None, None, "deliberation_summary", "banner", (SESSION_ID,)),
    ("post", f"{S}/check-in", None, CHECK_IN, "check_in", "banner", (SESSION_ID, CHECK_IN)),
    ("post", f"{S}/tokens", None, TOKEN_ISSUE, "issue_ballot", "banner", (SESSION_ID, TOKEN_ISSUE)),
    (
        "post",
        f"{S}/tokens/reissue",
        None,
        REISSUE,
        "reissue_ballot",
        "banner",
        (SESSION_ID, REISSUE),
    ),
    ("get", f"{S}/attendance", None, None, "attendance_report", "banner", (SESSION_ID,)),
    ("post", "/api/v1/ballots/open", None, OPEN, "open_ballot", "township", (OPEN,)),
    ("post", "/api/v1/ballots", None, CAST, "cast_ballot", "township", (CAST,)),
    ("get", f"{S}/receipts/R1234", None, None, "check_receipt", "banner", (SESSION_ID, "R1234")),
    (
        "post",
        f"{S}/paper-ballots",
        None,
        PAPER_SHEET,
        "enter_paper_ballot",
        "banner",
        (SESSION_ID, PAPER_SHEET),
    ),
    (
        "post",
        f"{S}/paper-ballots/3/resolution",
        None,
        RESOLUTION,
        "resolve_paper_ballot",
        "banner",
        (SESSION_ID, 3, RESOLUTION),
    ),
    (
        "post",
        f"{S}/paper-count",
        None,
        {"returned": 40},
        "record_paper_count",
        "banner",
        (SESSION_ID, {"returned": 40}),
    ),
    ("get", f"{S}/paper-ballots", None, None, "paper_status", "banner", (SESSION_ID,)),
    (
        "post",
        f"{S}/consultation",
        None,
        CONSULTATION,
        "record_consultation",
        "banner",
        (SESSION_ID, CONSULTATION),
    ),
    ("get", f"{S}/result", None, None, "get_result", "banner", (SESSION_ID,)),
    ("get", f"{S}/audit", None, None, "get_audit", "banner", (SESSION_ID,)),
    (
        "get",
        f"{S}/export.xlsx",
        {"round": "2"},
        None,
        "get_export",
        "banner",
        (SESSION_ID, "xlsx", {"round": 2}),
    ),
]
STATUS = {
    "adopt_rules": 201,
    "import_roster": 201,
    "create_session": 201,
    "record_deliberation": 201,
    "issue_ballot": 201,
    "cast_ballot": 201,
    "enter_paper_ballot": 201,
    "record_consultation": 201,
}


class TestDeclaration:
    def test_every_route_of_the_table_is_declared_once(self):
        declared = [(route.method, route.path) for route in VOTING_ROUTES]
        assert len(declared) == len(set(declared)) == len(ROUTES) == 31

    def test_every_voting_route_is_in_openapi_json_with_its_method(self, gateway):
        paths = gateway.request("get", "/api/v1/openapi.json").json()["paths"]
        for route in VOTING_ROUTES:
            assert route.method in paths[route.path], (route.method, route.path)

    def test_only_the_public_routes_document_no_login(self):
        assert {(r.method, r.path) for r in VOTING_ROUTES if not r.login} == PUBLIC

    def test_only_session_creation_honours_an_idempotency_key(self):
        assert [(r.method, r.path) for r in VOTING_ROUTES if r.idempotent] == [
            ("post", "/api/v1/sessions")
        ]

    def test_opening_and_casting_are_the_public_routes_without_the_public_limit(self):
        # A whole hall opens and casts its ballots from behind one address at once.
        unlimited = {
            (r.method, r.path) for r in VOTING_ROUTES if not r.login and not r.public_limit
        }
        assert unlimited == {("post", "/api/v1/ballots/open"), ("post", "/api/v1/ballots")}


class TestRouting:
    @pytest.mark.parametrize(
        ("method", "path", "query", "body", "rpc", "level", "args"),
        ROUTES,
        ids=[f"{r[0]} {r[1].replace(SESSION_ID, '{id}')}" for r in ROUTES],
    )
    def test_calls_the_voting_method_at_its_level_with_the_caller(
        self, gateway, method, path, query, body, rpc, level, args
    ):
        caller = SUPERVISOR if rpc == "resolve_paper_ballot" else STAFF
        response = gateway.request(method, path, params=query, json=body, headers=bearer(caller))
        assert response.status_code == STATUS.get(rpc, 200), response.text
        assert gateway.calls == [Call(VOTING, level, rpc, args, caller)]

    def test_a_session_id_names_its_level(self, gateway):
        gateway.request("get", f"/api/v1/sessions/{CITY_SESSION_ID}", headers=bearer())
        assert [(c.level, c.args) for c in gateway.calls] == [("city", (CITY_SESSION_ID,))]

    def test_a_transition_may_have_no_body(self, gateway):
        response = gateway.request("post", f"{S}/open", headers=bearer())
        assert response.status_code == 200, response.text
        assert gateway.calls[0].args == (SESSION_ID, {})

    def test_a_created_session_has_its_location_and_passes_the_idempotency_key(self, gateway):
        response = gateway.request(
            "post",
            "/api/v1/sessions",
            json=NEW_SESSION,
            headers={**bearer(), "Idempotency-Key": "k-1"},
        )
        assert response.headers["Location"] == f"/api/v1/sessions/{SESSION_ID}"
        assert gateway.calls[0].args == (NEW_SESSION, "k-1")

    def test_an_issued_token_is_never_cached(self, gateway):
        response = gateway.request("post", f"{S}/tokens", json=TOKEN_ISSUE, headers=bearer())
        assert response.status_code == 201
        assert response.headers["Cache-Control"] == "no-store"

    def test_an_export_is_a_file_download(self, gateway):
        response = gateway.request("get", f"{S}/export.csv")
        assert response.status_code == 200
        assert response.content == "候选项目\r\n".encode()
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        assert gateway.calls[0].args == (SESSION_ID, "csv", {})


class TestIdentity:
    def test_login_comes_before_the_session_id_is_judged(self, gateway):
        response = gateway.request("post", "/api/v1/sessions/nonsense/open", json={})
        envelope(response, 401)

    @pytest.mark.parametrize("path", [f"{S}/result", f"{S}/audit", f"{S}/receipts/R1"])
    def test_public_routes_answer_anonymous_callers(self, gateway, path):
        assert gateway.request("get", path).status_code == 200
        assert gateway.calls[0].principal == ANONYMOUS

    def test_public_routes_carry_a_valid_token_to_the_service(self, gateway):
        assert gateway.request("get", f"{S}/result", headers=bearer()).status_code == 200
        assert gateway.calls[0].principal == STAFF

    def test_the_gateway_adds_nothing_to_a_ballot_cast_while_logged_in(self, gateway):
        gateway.request("post", "/api/v1/ballots", json=CAST, headers=bearer())
        assert gateway.calls[0].args == (CAST,)


class TestMalformedInput:
    @pytest.mark.parametrize(
        "bad_id",
        ["nonsense", "X-" + "0" * 32, "T-" + "0" * 31, "t-" + "0" * 32, "T-" + "G" * 32],
    )
    @pytest.mark.parametrize(
        "route",
        [r for r in VOTING_ROUTES if "{session_id}" in r.path],
        ids=lambda r: f"{r.method} {r.path}",
    )
    def test_a_malformed_session_id_is_404_with_the_envelope(self, gateway, route, bad_id):
        response = gateway.request(
            route.method, concrete(route.path, bad_id), json={}, headers=bearer()
        )
        assert envelope(response, 404)["code"] == "not_found"
        assert gateway.calls == []

    def test_an_unknown_export_format_is_404_with_the_envelope(self, gateway):
        envelope(gateway.request("get", f"{S}/export.pdf"), 404)

    def test_a_round_that_is_not_a_number_is_400(self, gateway):
        error = envelope(gateway.request("get", f"{S}/export.json?round=last"), 400)
        assert "round" in error["details"]

    @pytest.mark.parametrize(
        "token",
        ["", "T123", TOKEN.lower(), "X" + TOKEN[1:], TOKEN[:-1] + "U", TOKEN + "0", 42],
    )
    def test_a_malformed_ballot_token_is_400_with_the_envelope(self, gateway, token):
        response = gateway.request("post", "/api/v1/ballots", json={**CAST, "token": token})
        error = envelope(response, 400)
        assert error["code"] == "validation_failed"
        assert "token" in error["details"]
        assert gateway.calls == []

    def test_a_ballot_past_the_body_size_limit_is_413_with_the_envelope(self, gateway):
        choices = {f"p{i}": "approve" for i in range(1000)}
        response = gateway.request("post", "/api/v1/ballots", json={**CAST, "choices": choices})
        assert envelope(response, 413)["code"] == "payload_too_large"


class TestPublicRateLimit:
    def test_casting_is_never_refused_for_the_rate_of_one_client(self, gateway):
        # RATE_LIMIT_PUBLIC is 3/60: a hall of deputies behind one address casts far more.
        statuses = [
            gateway.request("post", "/api/v1/ballots", json=CAST).status_code for _ in range(8)
        ]
        assert statuses == [201] * 8

    def test_other_public_routes_stay_limited_and_casting_goes_on(self, gateway):
        statuses = [gateway.request("get", f"{S}/result").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = gateway.request("get", f"{S}/audit")
        assert envelope(limited, 429)["code"] == "rate_limited"
        assert limited.headers["Retry-After"]
        assert gateway.request("post", "/api/v1/ballots", json=CAST).status_code == 201


class TestUnknownTokenCap:
    """RATE_LIMIT_BOGUS_TOKENS (default 30/60): unknown tokens per client and session."""

    def test_a_flood_of_unknown_tokens_gets_429_and_valid_casts_are_never_counted(self, gateway):
        for _ in range(200):  # a hall's valid casts from one address: never counted
            assert gateway.request("post", "/api/v1/ballots", json=CAST).status_code == 201
        gateway.fake.replies["cast_ballot"] = NotFound("未知的选票凭证 (unknown ballot token)")
        statuses = [
            gateway.request("post", "/api/v1/ballots", json=CAST).status_code for _ in range(31)
        ]
        assert statuses == [404] * 30 + [429]
        limited = gateway.request("post", "/api/v1/ballots", json=CAST)
        assert envelope(limited, 429)["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) > 0
        assert len(gateway.calls) == 230  # the refused ones never reached the service

    def test_the_cap_is_per_session(self, gateway):
        gateway.fake.replies["cast_ballot"] = NotFound("未知的选票凭证 (unknown ballot token)")
        for _ in range(31):
            gateway.request("post", "/api/v1/ballots", json=CAST)
        other = {**CAST, "session_id": "T-" + "b" * 32}
        assert gateway.request("post", "/api/v1/ballots", json=other).status_code == 404

    def test_opening_a_ballot_has_its_own_cap_per_client(self, gateway):
        gateway.fake.replies["open_ballot"] = NotFound("未知的选票凭证 (unknown ballot token)")
        opened = [
            gateway.request("post", "/api/v1/ballots/open", json=OPEN).status_code
            for _ in range(31)
        ]
        assert opened == [404] * 30 + [429]
        # Casting keeps its own count (per session): opening did not use it up.
        gateway.fake.replies["cast_ballot"] = NotFound("未知的选票凭证 (unknown ballot token)")
        assert gateway.request("post", "/api/v1/ballots", json=CAST).status_code == 404


DECLARED = {route.rpc: route for route in VOTING_ROUTES}
LOGIN_ROWS = [row[:5] for row in ROUTES if DECLARED[row[4]].login]


class TestRolePreCheck:
    def test_every_login_route_is_pinned_here(self):
        assert {row[4] for row in LOGIN_ROWS} == {r.rpc for r in VOTING_ROUTES if r.login}

    @pytest.mark.parametrize(
        ("method", "path", "query", "body", "rpc"), LOGIN_ROWS, ids=[r[4] for r in LOGIN_ROWS]
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

    def test_a_deputy_passes_the_pre_check_of_check_in_and_tokens(self, gateway):
        deputy = Principal("u-5", ("deputy",), "150622")
        for step, body in (("check-in", CHECK_IN), ("tokens", TOKEN_ISSUE)):
            response = gateway.request("post", f"{S}/{step}", json=body, headers=bearer(deputy))
            assert response.status_code in (200, 201), response.text
        assert [call.principal for call in gateway.calls] == [deputy, deputy]
