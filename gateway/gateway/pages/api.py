"""A page asks the API, in this worker: the declared route runs exactly as for an HTTP client
(gateway.table.handle.serve — limits, login, validation, level, RPC), then its JSON is read
back. A refusal arrives as the same ServiceError the API would have answered with.

The request handed to the route is built from the page's own: the same client address and
X-Forwarded-For (the per-client limits see the resident, not the gateway), the same login.
A page that asks several public routes counts once against the public limit: the first call
counts, the rest are served by a copy of their route without the limit.
"""

import json
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from ..table.handle import serve
from ..table.mount import declared
from ..table.route import Route

FORWARDED = ("X-Forwarded-For", "User-Agent", "Accept-Language")


@cache
def routes_by_name() -> dict[str, Route]:
    return {route.entrypoint: route for route in declared()}


@cache
def unlimited(route: Route) -> Route:
    return replace(route, public_limit=False)


def path_of(route: Route, values: dict[str, Any]) -> str:
    path = route.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


class Api:
    """The API of one page request."""

    def __init__(self, gateway: Any, page_request: Request):
        self.gateway = gateway
        self.page_request = page_request
        self.counted = False

    def call(
        self,
        name: str,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        key: str | None = None,
        **values: Any,
    ) -> Any:
        route = routes_by_name()[name]
        if route.public_limit:
            route = unlimited(route) if self.counted else route
            self.counted = True
        request = self._request(route, values, body, query, key)
        response = serve(route, self.gateway, request, values)
        return json.loads(response.get_data(as_text=True)) if response.data else None

    def _request(
        self,
        route: Route,
        values: dict[str, Any],
        body: dict[str, Any] | None,
        query: dict[str, Any] | None,
        key: str | None,
    ) -> Request:
        headers = {h: v for h in FORWARDED if (v := self.page_request.headers.get(h))}
        if key:
            headers["Idempotency-Key"] = key
        builder = EnvironBuilder(
            path=path_of(route, values),
            method=route.method.upper(),
            query_string=urlencode(query or {}, doseq=True),
            headers=headers,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json" if body is not None else None,
            environ_base={"REMOTE_ADDR": self.page_request.remote_addr or ""},
        )
        request = Request(builder.get_environ())
        request.max_content_length = self.page_request.max_content_length
        return request
