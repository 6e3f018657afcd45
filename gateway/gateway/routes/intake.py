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
        "建议详情（工作人员）(one proposal, staff)",
        "collection",
        contract.Proposal,
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
