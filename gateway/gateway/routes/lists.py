"""Draft list routes: area collection settings, draft lists, rounds (三上三下), versions and
diffs, freezing, candidate lists. Id-addressed routes go to the caller's own level (every
collection level shares one database); the service checks the list's area scope."""

from typing import Any

from contracts import lists as contract
from contracts.rpc import COLLECTION, CollectionRpc
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route

BASE = "/api/v1/draft-lists"


def _numbers(raw: dict[str, Any], *names: str) -> dict[str, Any]:
    """Query strings of digits become integers; anything else stays for the schema to refuse."""
    return {k: int(v) if k in names and v.isdigit() else v for k, v in raw.items()}


class ListRoutes:
    """Mixed into GatewayService, which provides `rpc` and `identity`."""

    rpc: Any
    identity: Any

    def _by_id(self, method: str, *args: Any) -> Any:
        principal = self.identity.require()
        return self.rpc.for_area(COLLECTION, principal.area_code, method, *args)

    @http("GET", "/api/v1/areas/<string:code>/collection-settings")
    def get_area_settings(self, request: Request, code: str) -> Response:
        self.identity.require(area_code=code)
        return web.ok(self.rpc.for_area(COLLECTION, code, CollectionRpc.get_area_settings, code))

    @http("PUT", "/api/v1/areas/<string:code>/collection-settings")
    def update_area_settings(self, request: Request, code: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.AreaSettingsUpdate, raw)
        self.identity.require(area_code=code)
        return web.ok(
            self.rpc.for_area(COLLECTION, code, CollectionRpc.update_area_settings, code, raw)
        )

    @http("POST", BASE)
    def create_draft_list(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        body = load(contract.DraftListCreate, raw)
        self.identity.require(area_code=body["area_code"])
        created = self.rpc.for_area(
            COLLECTION,
            body["area_code"],
            CollectionRpc.create_draft_list,
            raw,
            web.idempotency_key(request),
        )
        return web.ok(created, 201, {"Location": f"{BASE}/{created['id']}"})

    @http("GET", BASE)
    def list_draft_lists(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = _numbers(web.query(request, "area_code", "year"), "year")
        query = load(contract.DraftListQuery, raw)
        self.identity.require(area_code=query["area_code"])
        return web.ok(
            self.rpc.for_area(COLLECTION, query["area_code"], CollectionRpc.list_draft_lists, raw)
        )

    @http("GET", f"{BASE}/<string:draft_list_id>")
    def get_draft_list(self, request: Request, draft_list_id: str) -> Response:
        return web.ok(self._by_id(CollectionRpc.get_draft_list, draft_list_id))

    @http("POST", f"{BASE}/<string:draft_list_id>/rounds")
    def open_round(self, request: Request, draft_list_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.RoundOpen, raw)
        opened = self._by_id(CollectionRpc.open_round, draft_list_id, raw)
        return web.ok(opened, 201)

    @http("POST", f"{BASE}/<string:draft_list_id>/rounds/<int:n>/comments")
    def record_comment(self, request: Request, draft_list_id: str, n: int) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.CommentRecord, raw)
        return web.ok(self._by_id(CollectionRpc.record_comment, draft_list_id, n, raw))

    @http("POST", f"{BASE}/<string:draft_list_id>/rounds/<int:n>/close")
    def close_round(self, request: Request, draft_list_id: str, n: int) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.RoundClose, raw)
        return web.ok(self._by_id(CollectionRpc.close_round, draft_list_id, n, raw), 201)

    @http("GET", f"{BASE}/<string:draft_list_id>/versions/<int:n>")
    def get_version(self, request: Request, draft_list_id: str, n: int) -> Response:
        return web.ok(self._by_id(CollectionRpc.get_version, draft_list_id, n))

    @http("GET", f"{BASE}/<string:draft_list_id>/diff")
    def diff_versions(self, request: Request, draft_list_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = _numbers(web.query(request, "from", "to"), "from", "to")
        load(contract.DiffQuery, raw)
        return web.ok(self._by_id(CollectionRpc.diff_versions, draft_list_id, raw))

    @http("POST", f"{BASE}/<string:draft_list_id>/freeze")
    def freeze_list(self, request: Request, draft_list_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.Freeze, raw)
        frozen = self._by_id(CollectionRpc.freeze_list, draft_list_id, raw)
        return web.ok(frozen, 201, {"Location": f"/api/v1/candidate-lists/{frozen['id']}"})

    @http("GET", "/api/v1/candidate-lists/<string:candidate_list_id>")
    def get_candidate_list(self, request: Request, candidate_list_id: str) -> Response:
        return web.ok(self._by_id(CollectionRpc.get_candidate_list, candidate_list_id))


def _doc(method: str, path: str, summary: str, response: type, **kwargs: Any) -> Route:
    return Route(method, path, summary, "draft-lists", response, login=True, **kwargs)


DOCS = (
    _doc(
        "get",
        "/api/v1/areas/{code}/collection-settings",
        "本地区征集设置：轮次与差额比例 (collection settings of an area)",
        contract.AreaSettings,
    ),
    _doc(
        "put",
        "/api/v1/areas/{code}/collection-settings",
        "修改本地区征集设置 (update collection settings)",
        contract.AreaSettings,
        body=contract.AreaSettingsUpdate,
    ),
    _doc(
        "post",
        BASE,
        "由项目库生成草拟清单（第 0 版）(create a draft list from the library)",
        contract.DraftList,
        status=201,
        body=contract.DraftListCreate,
        idempotent=True,
    ),
    _doc(
        "get",
        BASE,
        "草拟清单列表 (draft lists of an area)",
        contract.DraftListPage,
        query=contract.DraftListQuery,
    ),
    _doc("get", f"{BASE}/{{draft_list_id}}", "草拟清单详情 (one draft list)", contract.DraftList),
    _doc(
        "post",
        f"{BASE}/{{draft_list_id}}/rounds",
        "开启一轮征求意见（下）(open a round: send down for comment)",
        contract.Round,
        status=201,
        body=contract.RoundOpen,
    ),
    _doc(
        "post",
        f"{BASE}/{{draft_list_id}}/rounds/{{n}}/comments",
        "登记反馈意见 (record a comment)",
        contract.CommentRequest,
        body=contract.CommentRecord,
    ),
    _doc(
        "post",
        f"{BASE}/{{draft_list_id}}/rounds/{{n}}/close",
        "结束本轮，提交修订清单（上）(close a round with the revised list)",
        contract.Version,
        status=201,
        body=contract.RoundClose,
    ),
    _doc(
        "get",
        f"{BASE}/{{draft_list_id}}/versions/{{n}}",
        "清单某一版本 (one version)",
        contract.Version,
    ),
    _doc(
        "get",
        f"{BASE}/{{draft_list_id}}/diff",
        "两个版本之间的差异及理由 (diff of two versions with reasons)",
        contract.VersionDiff,
        query=contract.DiffQuery,
    ),
    _doc(
        "post",
        f"{BASE}/{{draft_list_id}}/freeze",
        "冻结候选清单 (freeze the candidate list)",
        contract.CandidateList,
        status=201,
        body=contract.Freeze,
    ),
    _doc(
        "get",
        "/api/v1/candidate-lists/{candidate_list_id}",
        "候选清单（票决顺序）(a frozen candidate list)",
        contract.CandidateList,
    ),
)
