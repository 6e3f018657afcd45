"""Serving a declared route, always in the same order.

1. the public per-client limit (429), for routes that declare it, on anonymous callers only:
   a valid login is accountable, and an office enters letters and hotline calls for residents
   from one address far faster than any resident submits (a bad token counts as anonymous);
2. login (401) on routes with roles — before anything of the request is read;
3. the path: a value with a control character names nothing (404), then a level named by the
   path (404 for a malformed session id or tracking code);
4. the query (integers in ASCII digits only), then the body: 415 / 413 / 400 with per-field
   messages;
5. the handler, for the few routes the gateway answers itself; otherwise
6. the level from the area or the body (area scope 403 where the route checks it, 400 for an
   unknown area), the Idempotency-Key (400), the role pre-check (403), one RPC, the answer.

A route with `refuse_as` (Open311) answers any refusal on the way in its own shape.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import fields
from servicekit.auth import Principal
from servicekit.errors import NotFound, ValidationFailed
from servicekit.validation import instance_of, load
from werkzeug.wrappers import Request, Response

from .. import web
from ..files import file_response
from .route import BODY, KEY, QUERY, Route

# No id, code or name in a path holds a control character, not even tab or newline (text
# fields may): such a value names nothing, and must not reach a service or its database.
_NOT_IN_PATHS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A query integer is ASCII digits (isdecimal() also takes "٣" and int() reads it as 3) and
# short: no field is bounded past 18 digits, and int() refuses 4,300.
_QUERY_INTEGER = re.compile(r"[0-9]{1,18}")
NOT_AN_INTEGER = "应为整数，用 0-9 书写 (an integer, in the digits 0-9)"


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
    if route.refuse_as is None:
        return serve(route, gateway, request, values)
    try:
        return serve(route, gateway, request, values)
    except Exception as exc:  # the route's own refusal shape (Open311); it re-raises the rest
        return route.refuse_as(request, values, exc)


def serve(route: Route, gateway: Any, request: Request, values: dict[str, Any]) -> Response:
    exchange = Exchange(gateway, request, values)
    if route.public_limit and not gateway.identity.principal.authenticated:
        gateway.limits.public(request)
    if route.login:
        exchange.principal = gateway.identity.require()
    refuse_control_characters(values)
    level = route.where.from_path(values) if route.where else None
    if route.query is not None:
        exchange.query = query_of(request, route.query)
        load(route.query, exchange.query)
    if route.body is not None:
        exchange.raw = web.json_body(request) if route.body_required else optional_body(request)
        exchange.body = load(route.body, exchange.raw)
    if route.handler is not None:
        return route.handler(exchange)
    if route.around is not None:
        return route.around(exchange, lambda: call(route, exchange, level))
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


def refuse_control_characters(values: dict[str, Any]) -> None:
    if any(isinstance(v, str) and _NOT_IN_PATHS.search(v) for v in values.values()):
        raise NotFound("不存在 (not found)")


def query_of(request: Request, schema: type) -> dict[str, Any]:
    """The schema's parameters that are present; a query string is text, so the digits of an
    integer field become an integer for the (strict) schema. Anything else in an integer
    field is refused here, naming the field: a non-strict field would read "٣" as 3."""
    values: dict[str, Any] = {}
    wrong: dict[str, list[str]] = {}
    for name, integer in _query_fields(schema):
        if name not in request.args:
            continue
        raw = request.args[name]
        if integer and not _QUERY_INTEGER.fullmatch(raw):
            wrong[name] = [NOT_AN_INTEGER]
        values[name] = int(raw) if integer and name not in wrong else raw
    if wrong:
        raise ValidationFailed("请求数据有误，请检查各字段 (validation failed)", wrong)
    return values


def optional_body(request: Request) -> dict[str, Any]:
    """Where the body is optional (a session's state transitions take nothing or a note), an
    empty request is an empty object; anything sent is JSON like any other body."""
    if not request.get_data(cache=True):
        return {}
    return web.json_body(request)
