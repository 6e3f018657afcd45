"""Intake routes: collection notices and proposals (public submission and tracking, staff
lists and views)."""

from typing import Any

from contracts import rpc as contract
from contracts.reference import level_of_tracking_code
from servicekit.errors import NotFound
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route

COLLECTION = contract.COLLECTION


class IntakeRoutes:
    """Mixed into GatewayService, which provides `rpc`, `identity` and `limits`."""

    rpc: Any
    identity: Any
    limits: Any

    @http("POST", "/api/v1/notices")
    def create_notice(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        body = load(contract.NoticeCreate, raw)
        self.identity.require(area_code=body["area_code"])
        notice = self.rpc.for_area(
            COLLECTION,
            body["area_code"],
            contract.CollectionRpc.create_notice,
            raw,
            web.idempotency_key(request),
        )
        return web.ok(notice, 201, {"Location": f"/api/v1/notices/{notice['id']}"})

    @http("GET", "/api/v1/notices")
    def list_notices(self, request: Request) -> Response:
        query = load(contract.NoticeQuery, web.query(request, "area_code"))
        return web.ok(
            self.rpc.for_area(
                COLLECTION, query["area_code"], contract.CollectionRpc.list_notices, query
            )
        )

    @http("POST", "/api/v1/proposals")
    def submit_proposal(self, request: Request) -> Response:
        self.limits.public(request)
        raw = web.json_body(request)
        body = load(contract.ProposalSubmit, raw)
        if body["channel"] != "online":
            self.identity.require(area_code=body["area_code"])
        created = self.rpc.for_area(
            COLLECTION,
            body["area_code"],
            contract.CollectionRpc.submit_proposal,
            raw,
            web.idempotency_key(request),
        )
        return web.ok(
            created, 201, {"Location": f"/api/v1/proposals/track/{created['tracking_code']}"}
        )

    @http("GET", "/api/v1/proposals/track/<string:tracking_code>")
    def track_proposal(self, request: Request, tracking_code: str) -> Response:
        self.limits.public(request)
        level = level_of_tracking_code(tracking_code)
        if level is None:
            raise NotFound("查询码不存在 (unknown tracking code)")
        return web.ok(
            self.rpc.call(COLLECTION, level, contract.CollectionRpc.track_proposal, tracking_code)
        )

    @http("GET", "/api/v1/proposals")
    def list_proposals(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        query = load(
            contract.ProposalQuery,
            web.query(request, "area_code", "status", "category", "channel", "page", "page_size"),
        )
        self.identity.require(area_code=query["area_code"])
        raw = {key: value for key, value in query.items() if value is not None}
        return web.ok(
            self.rpc.for_area(
                COLLECTION, query["area_code"], contract.CollectionRpc.list_proposals, raw
            )
        )

    @http("GET", "/api/v1/proposals/<string:proposal_id>")
    def get_proposal(self, request: Request, proposal_id: str) -> Response:
        principal = self.identity.require()
        return web.ok(
            self.rpc.for_area(
                COLLECTION, principal.area_code, contract.CollectionRpc.get_proposal, proposal_id
            )
        )

    # Id-addressed: routed with the caller's area (every level shares one database); the
    # service checks role and the proposal's area.
    @http("POST", "/api/v1/proposals/<string:proposal_id>/supporters")
    def add_supporter(self, request: Request, proposal_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        return self._add_part(request, proposal_id, contract.SupporterAdd, "add_supporter")

    @http("POST", "/api/v1/proposals/<string:proposal_id>/attachments")
    def add_attachment(self, request: Request, proposal_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        return self._add_part(request, proposal_id, contract.AttachmentIn, "add_attachment")

    def _add_part(self, request: Request, proposal_id: str, schema: type, method: str) -> Response:
        raw = web.json_body(request)
        load(schema, raw)
        principal = self.identity.require()
        created = self.rpc.for_area(
            COLLECTION, principal.area_code, method, proposal_id, raw, web.idempotency_key(request)
        )
        return web.ok(created, 201)

    @http("GET", "/api/v1/proposals/<string:proposal_id>/duplicates")
    def suggest_duplicates(self, request: Request, proposal_id: str) -> Response:
        principal = self.identity.require()
        return web.ok(
            self.rpc.for_area(
                COLLECTION,
                principal.area_code,
                contract.CollectionRpc.suggest_duplicates,
                proposal_id,
            )
        )

    @http("POST", "/api/v1/proposals/merge")
    def merge_proposals(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(contract.MergeRequest, raw)
        principal = self.identity.require()
        return web.ok(
            self.rpc.for_area(
                COLLECTION, principal.area_code, contract.CollectionRpc.merge_proposals, raw
            )
        )


DOCS = (
    Route(
        "post",
        "/api/v1/notices",
        "发布征集公告 (create a collection notice)",
        "collection",
        contract.Notice,
        201,
        contract.NoticeCreate,
        login=True,
        idempotent=True,
    ),
    Route(
        "get",
        "/api/v1/notices",
        "征集公告列表 (notices of an area)",
        "collection",
        contract.NoticeList,
        query=contract.NoticeQuery,
    ),
    Route(
        "post",
        "/api/v1/proposals",
        "提交民生实事建议 (submit a proposal)",
        "collection",
        contract.ProposalCreated,
        201,
        contract.ProposalSubmit,
        public_limit=True,
        idempotent=True,
    ),
    Route(
        "get",
        "/api/v1/proposals",
        "建议列表（工作人员）(list proposals, staff)",
        "collection",
        contract.ProposalPage,
        query=contract.ProposalQuery,
        login=True,
    ),
    Route(
        "get",
        "/api/v1/proposals/{proposal_id}",
        "建议详情：附议人、附件、全部渠道、合并来源（工作人员）(one proposal, staff)",
        "collection",
        contract.ProposalDetail,
        login=True,
    ),
    Route(
        "post",
        "/api/v1/proposals/{proposal_id}/supporters",
        "添加附议人（工作人员、代表）(add a supporter)",
        "collection",
        contract.Supporter,
        201,
        contract.SupporterAdd,
        login=True,
        idempotent=True,
    ),
    Route(
        "post",
        "/api/v1/proposals/{proposal_id}/attachments",
        "登记附件元数据（类型白名单，≤20 MiB）(add attachment metadata)",
        "collection",
        contract.Attachment,
        201,
        contract.AttachmentIn,
        login=True,
        idempotent=True,
    ),
    Route(
        "get",
        "/api/v1/proposals/{proposal_id}/duplicates",
        "疑似重复建议（同地区，最多 10 条）(possible duplicates)",
        "collection",
        contract.DuplicateList,
        login=True,
    ),
    Route(
        "post",
        "/api/v1/proposals/merge",
        "合并重复建议（政府工作人员）(merge duplicates into a target)",
        "collection",
        contract.ProposalDetail,
        body=contract.MergeRequest,
        login=True,
    ),
    Route(
        "get",
        "/api/v1/proposals/track/{tracking_code}",
        "凭查询码查看进度 (track by code)",
        "collection",
        contract.ProposalTracking,
        public_limit=True,
    ),
)
