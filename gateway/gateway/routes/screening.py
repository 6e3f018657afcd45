"""Screening routes: scores and verdicts on a proposal, the project library, publishing outcomes
and answering submitters. Login and area scope are checked here; roles in the service."""

from typing import Any

from contracts import rpc as contract
from contracts import screening as schemas
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route

COLLECTION = contract.COLLECTION
RPC = contract.CollectionRpc
LIBRARY_PARAMS = ("area_code", "year", "category", "q", "page", "page_size")


def _library_query(request: Request) -> dict[str, Any]:
    """Query parameters are strings; the year is an integer for the schema (strict)."""
    values = web.query(request, *LIBRARY_PARAMS)
    year = values.get("year")
    if isinstance(year, str) and year.isdigit():
        values["year"] = int(year)
    return values


class ScreeningRoutes:
    """Mixed into GatewayService, which provides `rpc` and `identity`."""

    rpc: Any
    identity: Any

    @http("POST", "/api/v1/proposals/<string:proposal_id>/screenings")
    def screen_proposal(self, request: Request, proposal_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(schemas.ScreeningCreate, raw)
        principal = self.identity.require()
        # Proposals of every level share one database: the caller's level answers for its scope.
        recorded = self.rpc.for_area(
            COLLECTION,
            principal.area_code,
            RPC.screen_proposal,
            proposal_id,
            raw,
            web.idempotency_key(request),
        )
        return web.ok(recorded, 201)

    @http("GET", "/api/v1/proposals/<string:proposal_id>/screenings")
    def list_screenings(self, request: Request, proposal_id: str) -> Response:
        principal = self.identity.require()
        return web.ok(
            self.rpc.for_area(COLLECTION, principal.area_code, RPC.list_screenings, proposal_id)
        )

    @http("GET", "/api/v1/library")
    def list_library(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        query = load(schemas.LibraryQuery, _library_query(request))
        self.identity.require(area_code=query["area_code"])
        raw = {key: value for key, value in query.items() if value is not None}
        return web.ok(self.rpc.for_area(COLLECTION, query["area_code"], RPC.list_library, raw))

    @http("PUT", "/api/v1/library/<string:proposal_id>")
    def update_library_item(self, request: Request, proposal_id: str) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        load(schemas.LibraryItemUpdate, raw)
        principal = self.identity.require()
        return web.ok(
            self.rpc.for_area(
                COLLECTION, principal.area_code, RPC.update_library_item, proposal_id, raw
            )
        )

    @http("POST", "/api/v1/outcomes/publish")
    def publish_outcomes(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        body = load(schemas.OutcomeScope, raw)
        self.identity.require(area_code=body["area_code"])
        return web.ok(self.rpc.for_area(COLLECTION, body["area_code"], RPC.publish_outcomes, raw))

    @http("POST", "/api/v1/outcomes/answer")
    def answer_submitters(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = web.json_body(request)
        body = load(schemas.OutcomeScope, raw)
        self.identity.require(area_code=body["area_code"])
        return web.ok(self.rpc.for_area(COLLECTION, body["area_code"], RPC.answer_submitters, raw))


DOCS = (
    Route(
        "post",
        "/api/v1/proposals/{proposal_id}/screenings",
        "按四项原则评分并给出筛选结论 (screen a proposal)",
        "screening",
        schemas.ScreeningRecorded,
        201,
        schemas.ScreeningCreate,
        login=True,
        idempotent=True,
    ),
    Route(
        "get",
        "/api/v1/proposals/{proposal_id}/screenings",
        "筛选记录及评分均值、离散度 (screenings with mean and spread)",
        "screening",
        schemas.ScreeningList,
        login=True,
    ),
    Route(
        "get",
        "/api/v1/library",
        "民生实事项目库 (the project library, searchable)",
        "screening",
        schemas.LibraryPage,
        query=schemas.LibraryQuery,
        login=True,
    ),
    Route(
        "put",
        "/api/v1/library/{proposal_id}",
        "修改项目库信息 (edit a library item)",
        "screening",
        schemas.LibraryItem,
        body=schemas.LibraryItemUpdate,
        login=True,
    ),
    Route(
        "post",
        "/api/v1/outcomes/publish",
        "公布某地区某年度的筛选结果 (publish outcomes of an area and year)",
        "screening",
        schemas.OutcomesPublished,
        body=schemas.OutcomeScope,
        login=True,
    ),
    Route(
        "post",
        "/api/v1/outcomes/answer",
        "答复建议人（发出 proposal_screened_v1）(answer the submitters)",
        "screening",
        schemas.SubmittersAnswered,
        body=schemas.OutcomeScope,
        login=True,
    ),
)
