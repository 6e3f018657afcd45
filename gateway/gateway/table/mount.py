"""From declarations to nameko entrypoints.

Every package under gateway.routes is a part of the API (`core`, and one per service the
gateway routes to) and exports `ROUTES`; a new service's routes are one new package, found
here without editing gateway/service.py. nameko finds entrypoints as functions on the service
class, so `DeclaredRoutes` (which GatewayService inherits) carries one `@http` function per
route, named after it: the metrics label and the log's entrypoint name stay what they were.
"""

import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from servicekit.http import http
from werkzeug.wrappers import Request, Response

from .handle import handle
from .route import Route

PACKAGE = "gateway.routes"
FIRST = "core"  # login, areas, health: first in the document as in the API overview


def parts() -> list[str]:
    """The route packages, `core` first, then by name."""
    package = importlib.import_module(PACKAGE)
    names = [info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg]
    return sorted(names, key=lambda name: (name != FIRST, name))


@cache
def declared() -> tuple[Route, ...]:
    """Every declared route, each once."""
    return unique(
        route for name in parts() for route in importlib.import_module(f"{PACKAGE}.{name}").ROUTES
    )


def unique(routes: Iterable[Route]) -> tuple[Route, ...]:
    """Two routes with one name, or one method and path, are a mistake in the table: refused at
    start-up rather than one silently hiding the other."""
    found = tuple(routes)
    seen = Counter(route.entrypoint for route in found)
    seen.update(f"{route.method} {route.path}" for route in found)
    twice = sorted(key for key, count in seen.items() if count > 1)
    if twice:
        raise ValueError(f"路由重复声明 (routes declared twice): {twice}")
    return found


def entrypoint(route: Route) -> Callable[..., Response]:
    def serve(self: Any, request: Request, **values: Any) -> Response:
        return handle(route, self, request, values)

    serve.__name__ = serve.__qualname__ = route.entrypoint
    serve.__doc__ = route.summary
    return http(route.method.upper(), route.rule)(serve)  # type: ignore[no-any-return]


def routes_class() -> type:
    """A base class with one entrypoint per declared route."""
    members = {route.entrypoint: entrypoint(route) for route in declared()}
    return type("DeclaredRoutes", (), {"__doc__": __doc__, **members})
