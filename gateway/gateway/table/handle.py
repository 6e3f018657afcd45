"""Serving a declared route, always in the same order.

1. the public per-client limit (429), for routes that declare it;
2. login (401) on routes with roles — before anything of the request is read;
3. a level named by the path (404 for a malformed session id or tracking code);
4. the query, then the body: 415 / 413 / 400 with per-field messages;
5. the handler, for the few routes the gateway answers itself; otherwise
6. the level from the area or the body (area scope 403 where the route checks it, 400 for an
   unknown area), the Idempotency-Key (400), the role pre-check (403), one RPC, the answer.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import fields
from servicekit.auth import Principal
from servicekit.validation import instance_of, load
from werkzeug.wrappers import Request, Response

from .. import web
from ..files import file_response
from .route import BODY, KEY, QUERY, Route


@dataclass
class Exchange:
    """One request on its way through its route; handlers and `where` read it."""

    gateway: Any  # the GatewayService worker instance: rpc, identity, limits, db
    request: Request
    values: dict[str, Any]  # the path's values
    principal: Principal | None = None  # set once the route has asked for the login
    query: dict[str, Any] | None = None  # as sent, digits of integer fields as integers
    raw: dict[str, Any] | None = None  # the body as sent: what the service gets
    body: dict[str, Any] | None = None  # the body as loaded: what the gateway reads

    def part(self, source: str) -> dict[str, Any]:
        parts = {"path": self.values, "query": self.query, "body": self.body}
        return parts[source] or {}


def handle(route: Route, gateway: Any, request: Request, values: dict[str, Any]) -> Response:
    exchange = Exchange(gateway, request, values)
    if route.public_limit:
        gateway.limits.public(request)
    if route.login:
        exchange.principal = gateway.identity.require()
    level = route.where.from_path(values) if route.where else None
    if route.query is not None:
        exchange.query = query_of(request, route.query)
        load(route.query, exchange.query)
    if route.body is not None:
        exchange.raw = web.json_body(request) if route.body_required else optional_body(request)
        exchange.body = load(route.body, exchange.raw)
    if route.handler is not None:
        return route.handler(exchange)
    return call(route, exchange, level)


def call(route: Route, exchange: Exchange, level: str | None) -> Response:
    # Route.__post_init__ made sure a route that calls has a service, a method and a `where`.
    if level is None:
        level = route.where.level(exchange)  # type: ignore[union-attr]
    args = [argument(exchange, name) for name in route.arg_names]
    if route.roles:
        exchange.gateway.identity.require(route.role_list)
    result = exchange.gateway.rpc.call(route.service, level, route.rpc, *args)
    return answer(route, result)


def argument(exchange: Exchange, name: str) -> Any:
    if name == QUERY:
        return exchange.query
    if name == BODY:
        return exchange.raw
    if name == KEY:
        return web.idempotency_key(exchange.request)
    return exchange.values[name]


def answer(route: Route, result: Any) -> Response:
    if route.files:
        return file_response(result)
    headers = {}
    if route.location:
        headers["Location"] = route.location.format_map(result)
    if route.no_store:
        headers["Cache-Control"] = "no-store"  # a ballot token is shown once, kept nowhere
    return web.ok(result, route.status, headers or None)


@cache
def _query_fields(schema: type) -> tuple[tuple[str, bool], ...]:
    """(name, is an integer) of every field a query schema reads."""
    declared = instance_of(schema).fields.items()
    return tuple((name, isinstance(field, fields.Integer)) for name, field in declared)


def query_of(request: Request, schema: type) -> dict[str, Any]:
    """The schema's parameters that are present; a query string is text, so the digits of an
    integer field become an integer for the (strict) schema, and anything else stays text
    for the schema to refuse."""
    values: dict[str, Any] = {}
    for name, integer in _query_fields(schema):
        if name in request.args:
            raw = request.args[name]
            values[name] = int(raw) if integer and raw.isdecimal() else raw
    return values


def optional_body(request: Request) -> dict[str, Any]:
    """Where the body is optional (a session's state transitions take nothing or a note), an
    empty request is an empty object; anything sent is JSON like any other body."""
    if not request.get_data(cache=True):
        return {}
    return web.json_body(request)
