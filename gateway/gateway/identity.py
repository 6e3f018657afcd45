"""Who is calling the gateway: the bearer token, verified once per request.

Lifecycle: setup() reads the signing secret and opens its own engine on the accounts database
(closed in stop()); get_dependency() runs before the route: a valid token of an active account
(gateway.standing: asked at most every ACCOUNT_CHECK_SECONDS) puts its claims into the worker's
context data (key `auth`), which nameko copies into every RPC the route makes — that is how
services learn the caller (servicekit.auth). A missing token means anonymous; a bad one, or one
of a deactivated account, is remembered and refused (401) only by routes that need a login,
and an accounts database that cannot answer makes those routes 503.
"""

import logging
from typing import Any

from contracts.reference import ROLES
from nameko.extensions import DependencyProvider
from servicekit import config
from servicekit.auth import ANONYMOUS, AUTH_KEY, Guard, Principal
from servicekit.db import make_engine, unavailable
from servicekit.errors import ServiceError, Unauthenticated

from . import standing, tokens
from .pages.security import SESSION_COOKIE

API_PREFIX = "/api/"
DEACTIVATED = "账号已停用 (this account is deactivated)"
log = logging.getLogger(__name__)


class Caller:
    def __init__(self, guard: Guard, problem: ServiceError | None, secret: str):
        self.guard = guard
        self.problem = problem
        self.secret = secret  # signs tokens at login

    @property
    def principal(self) -> Principal:
        return self.guard.principal

    def require(self, roles: tuple[str, ...] = ROLES, area_code: str | None = None) -> Principal:
        if isinstance(self.problem, Unauthenticated):
            reason = "deactivated" if self.problem.message == DEACTIVATED else "bad_token"
            self.guard._refuse(reason, area_code)
        if self.problem:
            raise self.problem
        return self.guard.require(roles, area_code)


def authorization(request: Any) -> str:
    """The bearer token: the Authorization header, or — for pages only, never for /api/ —
    the login cookie a page set (gateway.pages.security). The API never reads the cookie, so
    another site cannot make a browser call it with the resident's login (no CSRF there)."""
    header: str = request.headers.get("Authorization", "")
    if header or request.path.startswith(API_PREFIX):
        return header
    token = request.cookies.get(SESSION_COOKIE, "")
    return f"Bearer {token}" if token else ""


class Identity(DependencyProvider):
    def setup(self) -> None:
        self.secret = config.token_secret()
        self.identity_key = config.identity_key()
        self.engine = make_engine(config.database_url("gateway"))
        seconds = float(config.env("ACCOUNT_CHECK_SECONDS", str(standing.DEFAULT_SECONDS)))
        self.standing = standing.Standing(self.account_active, seconds)

    def stop(self) -> None:
        self.engine.dispose()

    def account_active(self, user_id: str) -> bool:
        return standing.lookup_in(self.engine)(user_id)

    def _principal(self, header: str) -> tuple[Principal, ServiceError | None]:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            problem = "Authorization 头应为 Bearer <token> (expected a bearer token)"
            return ANONYMOUS, Unauthenticated(problem)
        try:
            principal = tokens.verify(self.secret, token.strip())
        except tokens.TokenInvalid as exc:
            return ANONYMOUS, Unauthenticated(str(exc))
        try:
            active = self.standing.active(principal.user_id)
        except Exception as exc:  # raising here would kill the container (nameko), not refuse
            if unavailable(exc) is None:
                log.error("account check failed", exc_info=exc)
            return ANONYMOUS, unavailable(exc) or ServiceError("服务器内部错误 (internal error)")
        return (principal, None) if active else (ANONYMOUS, Unauthenticated(DEACTIVATED))

    def get_dependency(self, worker_ctx: Any) -> Caller:
        request = worker_ctx.args[0] if worker_ctx.args else None
        header = authorization(request) if request is not None else ""
        principal, problem = self._principal(header) if header else (ANONYMOUS, None)
        if principal.authenticated:
            worker_ctx.data[AUTH_KEY] = principal.to_context(self.identity_key)
        return Caller(Guard(principal, "gateway", "all", worker_ctx), problem, self.secret)
