"""Open311 GeoReport v2 (`/open311/v2/…`, JSON and XML) and mySociety's servicerequestupdates,
answered by petition; the integrators' api_keys under /api/v1 (administrators).

The Open311 routes are public (the per-client limit applies), speak the spec and not this API's
envelope (every refusal is the spec's error list: `refuse_as`), and are left out of the OpenAPI
document: the discovery document and the spec describe them. `jurisdiction_id` is an area code;
without one, the whole city. A POST without one files in the api_key's own area.
"""

from collections.abc import Callable
from typing import Any

from contracts import open311 as c
from contracts.petition import PETITION
from contracts.petition import PetitionRpc as Rpc
from servicekit import areas, config
from servicekit.routing import level_of_area
from werkzeug.wrappers import Response

from ...open311 import form, refusal, render
from ...table import Area, CallerArea, Route
from ...table.handle import Exchange
from ...table.route import routes_of
from . import roles

V2 = "/open311/v2"
FORMAT = "<any(json, xml):format>"
CHANGESET = "2026-12-01T00:00:00+08:00"  # when this endpoint last changed
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _city() -> str:
    return next(iter(sorted(area.code for area in areas.load().roots())))


def _jurisdiction(exchange: Exchange, fallback: str | None = None) -> str:
    sent = exchange.request.args.get("jurisdiction_id") or fallback
    return sent or _city()


def _call(exchange: Exchange, jurisdiction: str, method: str, *args: Any) -> Any:
    return exchange.gateway.rpc.call(PETITION, level_of_area(jurisdiction), method, *args)


def _fmt(exchange: Exchange) -> str:
    return str(exchange.values["format"])


def discovery(exchange: Exchange) -> Response:
    base = config.env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    document = {
        "changeset": CHANGESET,
        "contact": "鄂尔多斯市人大常委会 人大代表信访代办（码上找代表）",
        "key_service": "api_key 由平台管理员发放：POST /api/v1/open311/keys (ask an administrator)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}{V2}",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.answer(_fmt(exchange), "discovery", document)


def services(exchange: Exchange) -> Response:
    jurisdiction = _jurisdiction(exchange)
    found = _call(exchange, jurisdiction, Rpc.get_georeport_services, jurisdiction)
    return render.answer(_fmt(exchange), "services", found)


def service_definition(exchange: Exchange) -> Response:
    jurisdiction = _jurisdiction(exchange)
    code = exchange.values["service_code"]
    found = _call(exchange, jurisdiction, Rpc.get_georeport_service, jurisdiction, code)
    return render.answer(_fmt(exchange), "service_definition", found)


def list_requests(exchange: Exchange) -> Response:
    query = {**form.asked(exchange.request, c.RequestsQuery)}
    query["jurisdiction_id"] = _jurisdiction(exchange)
    found = _call(exchange, query["jurisdiction_id"], Rpc.list_georeport_requests, query)
    return render.answer(_fmt(exchange), "service_requests", found)


def one_request(exchange: Exchange) -> Response:
    jurisdiction = _jurisdiction(exchange)
    request_id = exchange.values["request_id"]
    found = _call(exchange, jurisdiction, Rpc.get_georeport_request, jurisdiction, request_id)
    return render.answer(_fmt(exchange), "service_requests", found)


def token(exchange: Exchange) -> Response:
    jurisdiction = _jurisdiction(exchange)
    found = _call(
        exchange, jurisdiction, Rpc.get_georeport_token, jurisdiction, exchange.values["token"]
    )
    return render.answer(_fmt(exchange), "service_requests", found)


def post_request(exchange: Exchange) -> Response:
    fields = form.posted(exchange.request, c.RequestIn)
    where = fields.get("jurisdiction_id") or _city()
    found = _call(exchange, where, Rpc.submit_georeport_request, fields)
    return render.answer(_fmt(exchange), "service_requests", found, 201)


def list_updates(exchange: Exchange) -> Response:
    query = {**form.asked(exchange.request, c.UpdatesQuery)}
    query["jurisdiction_id"] = _jurisdiction(exchange)
    found = _call(exchange, query["jurisdiction_id"], Rpc.list_georeport_updates, query)
    return render.answer(_fmt(exchange), "service_request_updates", found)


def post_update(exchange: Exchange) -> Response:
    fields = form.posted(exchange.request, c.UpdateIn)
    where = fields.get("jurisdiction_id") or _city()
    found = _call(exchange, where, Rpc.post_georeport_update, fields)
    return render.answer(_fmt(exchange), "service_request_updates", found)


def _open311(
    method: str, path: str, name: str, summary: str, handler: Callable[[Exchange], Response]
) -> Route:
    return Route(
        method,
        f"{V2}/{path}.{FORMAT}",
        None,
        summary,
        tag="open311",
        name=name,
        handler=handler,
        public_limit=True,
        refuse_as=refusal.refuse,
        documented=False,
    )


OPEN311 = (
    _open311("get", "discovery", "open311_discovery", "Open311 服务发现 (discovery)", discovery),
    _open311("get", "services", "open311_services", "Open311 服务列表 (services)", services),
    _open311(
        "get",
        "services/<string:service_code>",
        "open311_service_definition",
        "Open311 服务定义 (service definition)",
        service_definition,
    ),
    _open311("get", "requests", "open311_requests", "Open311 事项列表 (requests)", list_requests),
    _open311(
        "post", "requests", "open311_post_request", "Open311 提交事项 (POST request)", post_request
    ),
    _open311(
        "get",
        "requests/<string:request_id>",
        "open311_request",
        "Open311 单个事项 (one request)",
        one_request,
    ),
    _open311("get", "tokens/<string:token>", "open311_token", "Open311 token 查询 (token)", token),
    _open311(
        "get",
        "servicerequestupdates",
        "open311_updates",
        "Open311 事项进展 (servicerequestupdates)",
        list_updates,
    ),
    _open311(
        "post",
        "servicerequestupdates",
        "open311_post_update",
        "Open311 提交进展 (POST servicerequestupdates)",
        post_update,
    ),
)

route = routes_of(PETITION, "petition")
KEYS = (
    route(
        "post",
        "/api/v1/open311/keys",
        Rpc.issue_georeport_key,
        "为对接系统发放 Open311 api_key（仅显示一次，只存哈希）(issue an integrator's api_key)",
        roles=roles.OPEN311_KEYS,
        where=Area.body(),
        body=c.Open311KeyIn,
        response=c.Open311KeyIssued,
        status=201,
        no_store=True,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/open311/keys",
        Rpc.list_georeport_keys,
        "本地区（含下级）的 Open311 api_key (the area's integrator keys)",
        roles=roles.OPEN311_KEYS,
        where=Area.query(),
        query=c.Open311KeysQuery,
        response=c.Open311KeyPage,
    ),
    route(
        "post",
        "/api/v1/open311/keys/<string:key_id>/revoke",
        Rpc.revoke_georeport_key,
        "停用 Open311 api_key（立即生效）(revoke an integrator's key)",
        roles=roles.OPEN311_KEYS,
        where=CallerArea(),
        response=c.Open311Key,
    ),
)

ROUTES = OPEN311 + KEYS
