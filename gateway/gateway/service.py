"""The gateway's routes: read the request, check who calls, route to a level, answer JSON.

Each route is a few lines; the shared HTTP entrypoint (servicekit.http) turns every error into
the JSON envelope and carries the request id.
"""

from typing import Any

from contracts import registry
from servicekit import areas, config, metrics
from servicekit.clock import utcnow
from servicekit.db import Database
from servicekit.errors import NotFound
from servicekit.http import http
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.routing import LevelRpc
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from . import accounts, openapi, schemas, web
from .identity import Identity
from .limits import Limits
from .routes.ballots import BallotRoutes
from .routes.intake import IntakeRoutes
from .routes.lists import ListRoutes
from .routes.reports import ReportRoutes
from .routes.results import ResultRoutes
from .routes.screening import ScreeningRoutes
from .routes.sessions import SessionRoutes

# The gateway checks login and area scope; which roles may do what is the service's rule.


class GatewayService(
    IntakeRoutes,
    ScreeningRoutes,
    ListRoutes,
    ReportRoutes,
    SessionRoutes,
    BallotRoutes,
    ResultRoutes,
):
    name = "gateway"

    db = Database("gateway")
    rpc = LevelRpc()
    identity = Identity()
    limits = Limits()
    metrics = Metrics()
    request_context = RequestContext()

    # ---- accounts ---------------------------------------------------------------------------
    @http("POST", "/api/v1/auth/token")
    def issue_token(self, request: Request) -> Response:
        credentials = load(schemas.LoginRequest, web.json_body(request))
        client = self.limits.client(request)
        return web.ok(
            accounts.login(
                self.db,
                self.limits.login_failures,
                self.identity.secret,
                credentials,
                client,
                utcnow(),
            )
        )

    # ---- reference data and operations ------------------------------------------------------
    @http("GET", "/api/v1/areas")
    def list_areas(self, request: Request) -> Response:
        return web.ok({"items": [area.as_dict() for area in areas.load().all()]})

    @http("GET", "/api/v1/areas/<string:code>")
    def get_area(self, request: Request, code: str) -> Response:
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

    @http("GET", "/api/v1/health")
    def health(self, request: Request) -> Response:
        report = self.rpc.health(list(registry.ROUTED))
        return web.ok(report, 200 if report["broker"] else 503)

    @http("GET", "/api/v1/openapi.json")
    def openapi_document(self, request: Request) -> Response:
        return web.ok(openapi.document())

    @http("GET", "/metrics")
    def metrics_exposition(self, request: Request) -> Response:
        return Response(
            metrics.exposition(), mimetype="text/plain", content_type=metrics.CONTENT_TYPE
        )


def configure(nameko_config: dict[str, Any]) -> dict[str, Any]:
    nameko_config.update(
        WEB_SERVER_ADDRESS=config.env("WEB_SERVER_ADDRESS", "127.0.0.1:8000"),
        RPC_TIMEOUT=float(config.env("RPC_TIMEOUT", "10")),
        MAX_BODY_BYTES=int(config.env("MAX_BODY_BYTES", str(256 * 1024))),
    )
    return nameko_config


SERVICE = GatewayService
LEVELED = False
