"""The gateway's own routes: login, the area tree, health, the OpenAPI document and metrics.

Each is answered here (a `handler`), not by a service; the shared checks (body, limits) still
come from the declaration.
"""

from contracts import registry
from servicekit import areas, metrics
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from werkzeug.wrappers import Response

from ... import accounts, schemas, web
from ...table import Route
from ...table.handle import Exchange


def issue_token(exchange: Exchange) -> Response:
    gateway = exchange.gateway
    client = gateway.limits.client(exchange.request)
    return web.ok(
        accounts.login(
            gateway.db,
            gateway.limits.login,
            gateway.identity.secret,
            exchange.body,
            client,
            utcnow(),
        )
    )


def list_areas(exchange: Exchange) -> Response:
    return web.ok({"items": [area.as_dict() for area in areas.load().all()]})


def get_area(exchange: Exchange) -> Response:
    code = exchange.values["code"]
    tree = areas.load()
    area = tree.get(code)
    if area is None:
        raise NotFound("未知的行政区划代码 (unknown area code)", {"area_code": code})
    ancestors = [tree.get(c) for c in area.path.strip("/").split("/")[:-1]]
    return web.ok(
        {
            **area.as_dict(),
            "children": [a.as_dict() for a in tree.children(code)],
            "ancestors": [a.as_dict() for a in ancestors if a],
        }
    )


def health(exchange: Exchange) -> Response:
    report = exchange.gateway.rpc.health(list(registry.ROUTED))
    return web.ok(report, 200 if report["broker"] else 503)


def openapi_document(exchange: Exchange) -> Response:
    from ... import openapi  # the document reads every route package, this one included

    return web.ok(openapi.document())


def metrics_exposition(exchange: Exchange) -> Response:
    return Response(metrics.exposition(), mimetype="text/plain", content_type=metrics.CONTENT_TYPE)


ROUTES = (
    Route(
        "post",
        "/api/v1/auth/token",
        None,
        "登录，换取访问令牌 (log in)",
        tag="auth",
        name="issue_token",
        handler=issue_token,
        who="每个客户端的登录尝试限流，连续失败另按用户名与客户端限流；同时进行的登录过多时 503 "
        "(attempts are limited per client, failures per user and client; 503 when too many "
        "logins are in hand)",
        body=schemas.LoginRequest,
        response=schemas.TokenResponse,
        # wrong password; too many attempts or failures; too many logins in hand, or the
        # accounts database down
        refuses=(401, 429, 503),
    ),
    Route(
        "get",
        "/api/v1/areas",
        None,
        "行政区划列表 (all areas)",
        tag="areas",
        name="list_areas",
        handler=list_areas,
        response=schemas.AreaList,
    ),
    Route(
        "get",
        "/api/v1/areas/<string:code>",
        None,
        "行政区划详情，含下级 (one area with children)",
        tag="areas",
        name="get_area",
        handler=get_area,
        response=schemas.AreaDetail,
    ),
    Route(
        "get",
        "/api/v1/health",
        None,
        "健康检查 (broker and levels)",
        tag="ops",
        name="health",
        handler=health,
        response=schemas.Health,
        answers=((503, schemas.Health),),  # the same report, when the broker is unreachable
    ),
    Route(
        "get",
        "/api/v1/openapi.json",
        None,
        "本文档 (this document)",
        tag="ops",
        name="openapi_document",
        handler=openapi_document,
        documented=False,
    ),
    Route(
        "get",
        "/metrics",
        None,
        "Prometheus 指标 (metrics exposition)",
        tag="ops",
        name="metrics_exposition",
        handler=metrics_exposition,
        documented=False,
    ),
)
