"""The gateway: reads the request, checks who calls, routes to a level, answers JSON.

Every route is declared once in gateway.routes (one package per service, plus core) and served
by gateway.table; the shared HTTP entrypoint (servicekit.http) turns every error into the JSON
envelope and carries the request id. The gateway checks login, area scope and a coarse role;
the finer rules of who may do what are the services'.
"""

from typing import Any

from servicekit import config
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.routing import LevelRpc

from . import clients
from .identity import Identity
from .limits import Limits
from .pages.mount import pages_class
from .table.mount import routes_class

# The entrypoints: one per route declared in gateway.routes (gateway.table.mount), one per
# page declared in gateway.pages.views (gateway.pages.mount).
DeclaredRoutes = routes_class()
DeclaredPages = pages_class()


class GatewayService(DeclaredRoutes, DeclaredPages):  # type: ignore[misc,valid-type]  # built
    """The dependencies every route uses; the routes themselves are declarations."""

    name = "gateway"

    db = Database("gateway")
    rpc = LevelRpc()
    identity = Identity()
    limits = Limits()
    metrics = Metrics()
    request_context = RequestContext()


def configure(nameko_config: dict[str, Any]) -> dict[str, Any]:
    """The runner calls this before anything starts: a missing signing secret refuses the
    start here (servicekit.config.ConfigError, one line) rather than in a container, and so
    do the TRUST_PROXY this gateway no longer reads and a TRUSTED_PROXIES it cannot parse."""
    config.token_secret()
    if config.env("TRUST_PROXY", "") not in ("", "0"):
        raise config.ConfigError(clients.REPLACED)
    clients.networks(config.env("TRUSTED_PROXIES", ""))  # a typo refuses the start
    nameko_config.update(
        # Requests in hand at once. A worker here mostly waits (for a service's reply, or a
        # login for the KDF: at most GATEWAY_KDF_QUEUE of them), so there are many more than
        # a service's MAX_WORKERS: 100 logins at once queue for the KDF, not for a worker.
        max_workers=int(config.env("GATEWAY_MAX_WORKERS", "128")),
        WEB_SERVER_ADDRESS=config.env("WEB_SERVER_ADDRESS", "127.0.0.1:8000"),
        # Hostile clients (servicekit.webserver): a request's head, and its body, within this
        # many seconds; at most this many connections open, the rest wait in the backlog.
        WEB_READ_TIMEOUT=float(config.env("GATEWAY_READ_TIMEOUT", "10")),
        WEB_MAX_CONNECTIONS=int(config.env("GATEWAY_MAX_CONNECTIONS", "4096")),
        RPC_TIMEOUT=float(config.env("RPC_TIMEOUT", "10")),
        MAX_BODY_BYTES=int(config.env("MAX_BODY_BYTES", str(256 * 1024))),
    )
    return nameko_config


SERVICE = GatewayService
LEVELED = False
