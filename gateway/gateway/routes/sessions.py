"""Voting routes (代表定), part 1: voting rules, rosters, sessions and their state transitions.

Area-addressed routes go to the level of `area_code`; session-addressed routes go to the level
named by the session id's first letter (`contracts.voting.session_level`), so no lookup is
needed. Login is checked here; roles and area scope are the voting service's rules.
"""

from collections.abc import Callable
from typing import Any

from contracts import voting as contract
from contracts.rpc import VOTING, VotingRpc
from servicekit.errors import NotFound
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route
from .lists import _numbers as numbers

BASE = "/api/v1/sessions"
SESSION = f"{BASE}/<string:session_id>"
SESSION_DOC = f"{BASE}/{{session_id}}"  # the same path as OpenAPI writes it


def level_of_session(session_id: str) -> str:
    """A malformed id names no session: 404, the same answer as an unknown one."""
    level = contract.session_level(session_id)
    if level is None:
        raise NotFound("会议不存在 (unknown session)")
    return level


def optional_body(request: Request) -> dict[str, Any]:
    """Transitions take nothing or a note: an empty request is an empty object."""
    if not request.get_data(cache=True):
        return {}
    return web.json_body(request)


class SessionCalls:
    """What every voting mixin shares; GatewayService provides `rpc` and `identity`."""

    rpc: Any
    identity: Any

    def _to_session(self, session_id: str, method: str, *args: Any) -> Any:
        return self.rpc.call(VOTING, level_of_session(session_id), method, session_id, *args)

    def _staff_read(self, session_id: str, method: str) -> Response:
        self.identity.require()
        return web.ok(self._to_session(session_id, method))

    def _staff_post(
        self,
        request: Request,
        session_id: str,
        schema: type,
        method: str,
        *before_body: Any,
        status: int = 200,
        read: Callable[[Request], dict[str, Any]] = web.json_body,
    ) -> Response:
        """Login (401) before anything else, then the session (404), then the body (400)."""
        self.identity.require()
        level_of_session(session_id)
        raw = read(request)
        load(schema, raw)
        return web.ok(self._to_session(session_id, method, *before_body, raw), status)


class SessionRoutes(SessionCalls):
    """Mixed into GatewayService, which provides `rpc` and `identity`."""

    def _staff_body(self, request: Request, schema: type) -> tuple[dict[str, Any], Any]:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        return raw, load(schema, raw)

    def _area_query(self, request: Request, schema: type, *names: str) -> dict[str, Any]:
        self.identity.require()  # 401 before any detail of the request
        raw = numbers(web.query(request, *names), "year")
        load(schema, raw)
        return raw

    @http("POST", "/api/v1/voting-rules")
    def adopt_rules(self, request: Request) -> Response:
        raw, body = self._staff_body(request, contract.VotingRulesCreate)
        return web.ok(self.rpc.for_area(VOTING, body["area_code"], VotingRpc.adopt_rules, raw), 201)

    @http("GET", "/api/v1/voting-rules")
    def list_rules(self, request: Request) -> Response:
        raw = self._area_query(request, contract.VotingRulesQuery, "area_code")
        return web.ok(self.rpc.for_area(VOTING, raw["area_code"], VotingRpc.list_rules, raw))

    @http("POST", "/api/v1/rosters/import")
    def import_roster(self, request: Request) -> Response:
        raw, body = self._staff_body(request, contract.RosterImport)
        return web.ok(
            self.rpc.for_area(VOTING, body["area_code"], VotingRpc.import_roster, raw), 201
        )

    @http("GET", "/api/v1/rosters/<string:roster_id>")
    def get_roster(self, request: Request, roster_id: str) -> Response:
        """Roster ids are UUIDs: `area_code` in the query says which level to ask."""
        raw = self._area_query(request, contract.VotingRulesQuery, "area_code")
        return web.ok(self.rpc.for_area(VOTING, raw["area_code"], VotingRpc.get_roster, roster_id))

    @http("POST", BASE)
    def create_session(self, request: Request) -> Response:
        raw, body = self._staff_body(request, contract.SessionCreate)
        created = self.rpc.for_area(
            VOTING,
            body["area_code"],
            VotingRpc.create_session,
            raw,
            web.idempotency_key(request),
        )
        return web.ok(created, 201, {"Location": f"{BASE}/{created['id']}"})

    @http("GET", BASE)
    def list_sessions(self, request: Request) -> Response:
        raw = self._area_query(request, contract.SessionQuery, "area_code", "year")
        return web.ok(self.rpc.for_area(VOTING, raw["area_code"], VotingRpc.list_sessions, raw))

    @http("GET", SESSION)
    def get_session(self, request: Request, session_id: str) -> Response:
        return self._staff_read(session_id, VotingRpc.get_session)

    # ---- the state machine: draft → deliberation → open → closed → tallied → announced →
    # published (a runoff reopens); the service refuses a step out of order.
    @http("POST", f"{SESSION}/deliberation")
    def start_deliberation(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.start_deliberation)

    @http("POST", f"{SESSION}/open")
    def open_session(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.open_session)

    @http("POST", f"{SESSION}/close")
    def close_session(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.close_session)

    @http("POST", f"{SESSION}/tally")
    def tally_session(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.tally_session)

    @http("POST", f"{SESSION}/announce")
    def announce_session(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.announce_session)

    @http("POST", f"{SESSION}/publish")
    def publish_session(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.publish_session)

    @http("POST", f"{SESSION}/runoff")
    def open_runoff(self, request: Request, session_id: str) -> Response:
        return self._step(request, session_id, VotingRpc.open_runoff)

    def _step(self, request: Request, session_id: str, method: str) -> Response:
        return self._staff_post(
            request, session_id, contract.Transition, method, read=optional_body
        )


def _doc(method: str, path: str, summary: str, response: type, **kwargs: Any) -> Route:
    return Route(method, path, summary, "voting", response, login=True, **kwargs)


def _step_doc(step: str, summary: str, response: type) -> Route:
    return _doc("post", f"{SESSION_DOC}/{step}", summary, response, body=contract.Transition)


DOCS = (
    _doc(
        "post",
        "/api/v1/voting-rules",
        "通过票决办法（新版本）(adopt voting rules)",
        contract.VotingRules,
        status=201,
        body=contract.VotingRulesCreate,
    ),
    _doc(
        "get",
        "/api/v1/voting-rules",
        "本地区票决办法各版本 (voting rules of an area, newest first)",
        contract.VotingRulesList,
        query=contract.VotingRulesQuery,
    ),
    _doc(
        "post",
        "/api/v1/rosters/import",
        "导入代表名册 CSV (import a roster of deputies)",
        contract.Roster,
        status=201,
        body=contract.RosterImport,
    ),
    _doc(
        "get",
        "/api/v1/rosters/{roster_id}",
        "代表名册：代表团与人数 (one roster)",
        contract.Roster,
        query=contract.VotingRulesQuery,
    ),
    _doc(
        "post",
        BASE,
        "创建票决会议或满意度测评 (create a voting session)",
        contract.Session,
        status=201,
        body=contract.SessionCreate,
        idempotent=True,
    ),
    _doc(
        "get",
        BASE,
        "本地区票决会议 (sessions of an area)",
        contract.SessionList,
        query=contract.SessionQuery,
    ),
    _doc("get", SESSION_DOC, "票决会议详情 (one session)", contract.Session),
    _step_doc("deliberation", "开始代表团审议 (start deliberation)", contract.Session),
    _step_doc("open", "开始投票 (open the vote)", contract.Session),
    _step_doc("close", "结束投票 (close the vote)", contract.Session),
    _step_doc("tally", "计票 (tally)", contract.SessionResult),
    _step_doc("announce", "当场宣布结果 (announce the result)", contract.SessionResult),
    _step_doc("publish", "公开结果与选票 (publish result and ballots)", contract.SessionResult),
    _step_doc("runoff", "未决项目另行投票 (open a runoff round)", contract.Session),
)
