"""Who is calling the gateway: the bearer token, verified once per request.

Lifecycle: get_dependency() runs before the route; a valid token's claims go into the worker's
context data (key `auth`), which nameko copies into every RPC the route makes — that is how
services learn the caller (servicekit.auth). A missing token means anonymous; a bad one is
remembered and refused (401) only by routes that need a login.
"""

from typing import Any

from contracts.reference import ROLES
from nameko.extensions import DependencyProvider
from servicekit import config
from servicekit.auth import ANONYMOUS, AUTH_KEY, Guard, Principal
from servicekit.errors import Unauthenticated

from . import tokens


class Caller:
    def __init__(self, guard: Guard, problem: str | None, secret: str):
        self.guard = guard
        self.problem = problem
        self.secret = secret  # signs tokens at login

    @property
    def principal(self) -> Principal:
        return self.guard.principal

    def require(self, roles: tuple[str, ...] = ROLES, area_code: str | None = None) -> Principal:
        if self.problem:
            self.guard._refuse("bad_token", area_code)
            raise Unauthenticated(self.problem)
        return self.guard.require(roles, area_code)


class Identity(DependencyProvider):
    def setup(self) -> None:
        self.secret = config.token_secret()
        self.identity_key = config.identity_key()

    def _principal(self, header: str) -> tuple[Principal, str | None]:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return ANONYMOUS, "Authorization 头应为 Bearer <token> (expected a bearer token)"
        try:
            return tokens.verify(self.secret, token.strip()), None
        except tokens.TokenInvalid as exc:
            return ANONYMOUS, str(exc)

    def get_dependency(self, worker_ctx: Any) -> Caller:
        request = worker_ctx.args[0] if worker_ctx.args else None
        header = request.headers.get("Authorization", "") if request is not None else ""
        principal, problem = self._principal(header) if header else (ANONYMOUS, None)
        if principal.authenticated:
            worker_ctx.data[AUTH_KEY] = principal.to_context(self.identity_key)
        return Caller(Guard(principal, "gateway", "all", worker_ctx), problem, self.secret)
