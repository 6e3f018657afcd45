"""Who is calling: the gateway's verified identity, carried in nameko context data.

The gateway verifies the token and puts the claims under the `auth` key, sealed with an HMAC
and a short expiry (servicekit.context_seal); nameko copies context data into every RPC it
sends, so each service sees the same principal. Anyone on the broker can publish, so a
service believes only a valid seal: an RPC whose context is unsealed, tampered with or expired
is refused before any of its code runs (servicekit.rpc), and logged as a security event.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider

from . import areas, config, context_seal, metrics
from .errors import Forbidden, Unauthenticated
from .levels import level_of_service, logical_name

AUTH_KEY = "auth"
security_log = logging.getLogger("minsheng.security")


@dataclass(frozen=True)
class Principal:
    user_id: str | None
    roles: tuple[str, ...]
    area_code: str | None
    # The account's login name: a congress roster links a deputy to their account by it (账号).
    username: str | None = None
    # The unit a department_staff account works for (e.g. 住建局): implementation lets it act
    # only on the projects that unit leads or co-handles. None for every other account.
    department: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def to_context(self, key: bytes, now: float | None = None) -> str:
        """The sealed context a service will believe until it expires (seconds)."""
        claims = {
            "sub": self.user_id,
            "roles": list(self.roles),
            "area": self.area_code,
            "name": self.username,
            "dept": self.department,
        }
        return context_seal.seal(claims, key, time.time() if now is None else now)

    @classmethod
    def from_context(
        cls, context_data: dict[str, Any], key: bytes, now: float | None = None
    ) -> "Principal":
        """The sealed principal, ANONYMOUS without one; BadSeal for a seal not to believe."""
        raw = context_data.get(AUTH_KEY)
        if not raw:
            return ANONYMOUS
        claims = context_seal.unseal(raw, key, time.time() if now is None else now)
        roles = claims.get("roles")
        return cls(
            _text(claims.get("sub")),
            tuple(str(r) for r in roles) if isinstance(roles, list) else (),
            _text(claims.get("area")),
            _text(claims.get("name")),
            _text(claims.get("dept")),  # absent from a context sealed before departments
        )

    def has_role(self, roles: Iterable[str]) -> bool:
        return bool(set(self.roles) & set(roles))

    def covers(self, area_code: str) -> bool:
        return self.area_code is not None and areas.load().within(area_code, self.area_code)


ANONYMOUS = Principal(None, (), None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def refuse_bad_context(problem: context_seal.BadSeal, service: str, level: str, entry: str) -> None:
    """Count and log an RPC whose identity was not sealed by the gateway."""
    metrics.SECURITY_REFUSALS.labels(service, level, "bad_context").inc()
    security_log.warning(
        "context refused",
        extra={
            "security_event": "bad_context",
            "reason": str(problem),
            "entrypoint": entry,
        },
    )


class AuthContext(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects a `Guard` for the current worker: `self.auth.require(roles, area_code)`."""

    def setup(self) -> None:
        self.service = logical_name(self.container.service_name)
        self.level = level_of_service(self.container.service_name) or "all"
        self.key = config.identity_key()

    def get_dependency(self, worker_ctx: Any) -> "Guard":
        try:
            principal = Principal.from_context(worker_ctx.context_data, self.key)
        except context_seal.BadSeal:
            # Refused at the entrypoint already (servicekit.rpc); an event handler or a test
            # that gets here believes nobody.
            principal = ANONYMOUS
        return Guard(principal, self.service, self.level, worker_ctx)


@dataclass
class Guard:
    principal: Principal
    service: str
    level: str
    worker_ctx: Any = None

    def require(self, roles: Iterable[str], area_code: str | None = None) -> Principal:
        """One call checks login, role and area scope; refusals are logged as security events."""
        if not self.principal.authenticated:
            self._refuse("unauthenticated", area_code)
            raise Unauthenticated("请先登录 (authentication required)")
        if not self.principal.has_role(roles):
            self._refuse("role", area_code)
            raise Forbidden(
                "当前角色无权执行此操作 (role not permitted)", {"required_roles": sorted(roles)}
            )
        if area_code is not None and not self.principal.covers(area_code):
            self._refuse("area_scope", area_code)
            raise Forbidden(
                "无权访问该地区的数据 (area outside your scope)", {"area_code": area_code}
            )
        return self.principal

    def forbid(
        self, reason: str, message: str, details: dict[str, Any], area_code: str | None = None
    ) -> Forbidden:
        """A refusal the service decides beyond role and area (a department's projects, …):
        counted and logged as the refusals above, returned for the caller to raise."""
        self._refuse(reason, area_code)
        return Forbidden(message, details)

    def _refuse(self, reason: str, area_code: str | None) -> None:
        metrics.SECURITY_REFUSALS.labels(self.service, self.level, reason).inc()
        security_log.warning(
            "access refused",
            extra={
                "security_event": "access_refused",
                "reason": reason,
                "user_id": self.principal.user_id,
                "area_code": area_code,
                "scope": self.principal.area_code,
                "department": self.principal.department,
                "entrypoint": getattr(
                    getattr(self.worker_ctx, "entrypoint", None), "method_name", None
                ),
            },
        )
