"""One route, declared once: what it serves, whom it lets in, where it routes, what it calls,
what it answers — and from that, every status it can return.

Most routes are "check login → validate → route by area or level → call one RPC → answer":
they are nothing but a `Route`. The few special ones keep the same declaration and add a
`handler` (login, areas, health), and the answer's extras are flags (`location`, `no_store`,
`files`), so the documentation of a header cannot drift from the header either.
"""

import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from .handle import Exchange
    from .where import Where

# <converter(arguments):name> or <name> in a werkzeug rule.
_PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
# What an RPC call gets, in order, unless a route names its own `args`: the path values, then
# the query, the body as sent (the service validates it again) and the Idempotency-Key.
QUERY, BODY, KEY = "query", "body", "idempotency_key"


@dataclass(frozen=True)
class PathParam:
    name: str
    converter: str  # string | int | any
    choices: tuple[str, ...] = ()


def _params(rule: str) -> tuple[PathParam, ...]:
    found = []
    for converter, arguments, name in _PARAM.findall(rule):
        choices = tuple(a.strip().strip("'\"") for a in arguments.split(",")) if arguments else ()
        found.append(PathParam(name, converter or "string", choices))
    return tuple(found)


@dataclass(frozen=True)
class Route:
    method: str  # lower case, as OpenAPI writes it
    rule: str  # werkzeug's form: /api/v1/sessions/<string:session_id>
    rpc: str | None  # the service's RPC method; None when `handler` answers in the gateway
    summary: str  # 中文 (English)
    _: KW_ONLY
    service: str | None = None
    tag: str = ""
    # Who may call: None is anyone without login (a valid token still travels to the service);
    # a set means login first, and the gateway refuses other roles (403) just before the call.
    # Each set is the union of what the service accepts, so it never refuses what it would
    # accept: the service keeps its finer rules (area of the record, a deputy acting for self).
    roles: frozenset[str] | None = None
    who: str = ""  # what the roles do not say (shown in OpenAPI after them)
    where: "Where | None" = None  # how the level is found (gateway.table.where)
    body: type | None = None  # the JSON body's schema (415 / 413 / 400)
    body_required: bool = True  # False: an empty request is an empty object
    body_note: str = ""  # what the body's schema cannot say (OpenAPI)
    query: type | None = None
    args: tuple[str, ...] | None = None  # what the RPC gets; see QUERY, BODY, KEY
    response: type | None = None
    status: int = 200
    idempotent: bool = False  # honours Idempotency-Key: a retried create answers the first
    public_limit: bool = False  # the per-client limit of public routes (429), anonymous only
    refuses: tuple[int, ...] = ()  # what else the service (or handler) may answer
    location: str | None = None  # Location header, formatted with the answer: "/x/{id}"
    no_store: bool = False  # Cache-Control: no-store (shown once, kept nowhere)
    files: tuple[str, ...] = ()  # media types of a file download (the success is the file)
    answers: tuple[tuple[int, type], ...] = ()  # other statuses answered with a body schema
    handler: "Callable[[Exchange], Response] | None" = None
    # Wraps the call of a route that calls a service (the cast's cap on unknown tokens): gets
    # the exchange and the call, returns the answer.
    around: "Callable[[Exchange, Callable[[], Response]], Response] | None" = None
    # A route of another protocol (Open311) answers its refusals in that protocol's shape:
    # gets the request, the path values and the exception, returns the answer or re-raises.
    refuse_as: "Callable[[Request, dict[str, Any], Exception], Response] | None" = None
    name: str = ""  # the entrypoint (metrics label, log); default the RPC method's name
    documented: bool = True

    def __post_init__(self) -> None:
        problems = [
            (self.rpc is None) == (self.handler is None) and "rpc or handler, not both",
            bool(self.rpc) and not (self.service and self.where) and "a call needs service, where",
            not self.name and not self.rpc and "a handler route needs a name",
            self.method != self.method.lower() and "method in lower case",
            bool(self.where and self.where.needs_login and not self.login) and "where needs login",
        ]
        wrong = [problem for problem in problems if problem]
        if wrong:
            raise ValueError(f"路由声明有误 (bad route) {self.method} {self.rule}: {wrong}")

    @property
    def login(self) -> bool:
        return self.roles is not None

    @cached_property
    def role_list(self) -> tuple[str, ...]:
        return tuple(sorted(self.roles or ()))

    @property
    def entrypoint(self) -> str:
        return self.name or str(self.rpc)

    # The derived values below are read on every request: each is computed once (cached).
    @cached_property
    def params(self) -> tuple[PathParam, ...]:
        return _params(self.rule)

    @cached_property
    def path(self) -> str:
        """The path as OpenAPI writes it: /api/v1/sessions/{session_id}."""
        return _PARAM.sub(lambda m: "{" + m.group(3) + "}", self.rule)

    @cached_property
    def arg_names(self) -> tuple[str, ...]:
        if self.args is not None:
            return self.args
        named = [p.name for p in self.params]
        named += [QUERY] * bool(self.query) + [BODY] * bool(self.body)
        return (*named, *[KEY] * self.idempotent)

    @property
    def optional_login(self) -> bool:
        """Anyone may call, but a token can change the answer (staff channels, results)."""
        return not self.login and bool({401, 403} & set(self.statuses()))

    def statuses(self) -> tuple[int, ...]:
        """Every error status the route can answer, from what it declares."""
        found = set(self.refuses)
        found |= {400} if self.body or self.query or (self.params and self.rpc) else set()
        found |= {401, 403} if self.login else set()
        found |= set(self.where.statuses) if self.where else set()
        found |= {404} if self.params else set()
        found |= {409} if self.idempotent else set()  # the key reused with another body
        found |= {408, 413, 415} if self.body else set()  # 408: the body came too slowly
        found |= {429} if self.public_limit else set()
        found |= {503} if self.rpc else set()  # the level's workers or its database are down
        return tuple(sorted(found))


def routes_of(service: str, tag: str) -> Callable[..., Route]:
    """`Route` with the service and the OpenAPI tag of one module's routes filled in."""

    def route(method: str, rule: str, rpc: str | None, summary: str, **kwargs: Any) -> Route:
        return Route(method, rule, rpc, summary, service=service, tag=tag, **kwargs)

    return route
