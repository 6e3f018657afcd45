"""Who is calling: the gateway's verified identity, carried in nameko context data.

The gateway verifies the token and puts the claims under the `auth` key; nameko copies context
data into every RPC and event it sends, so each service sees the same principal. Services trust
it because only the gateway is exposed; brokers are on the private network.
"""

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider

from . import areas, metrics
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

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def to_context(self) -> str:
        return json.dumps(
            {
                "sub": self.user_id,
                "roles": list(self.roles),
                "area": self.area_code,
                "name": self.username,
            }
        )

    @classmethod
    def from_context(cls, context_data: dict[str, Any]) -> "Principal":
        raw = context_data.get(AUTH_KEY)
        if not raw:
            return ANONYMOUS
        claims = json.loads(raw)
        return cls(
            claims.get("sub"),
            tuple(claims.get("roles", ())),
            claims.get("area"),
            claims.get("name"),
        )

    def has_role(self, roles: Iterable[str]) -> bool:
        return bool(set(self.roles) & set(roles))

    def covers(self, area_code: str) -> bool:
        return self.area_code is not None and areas.load().within(area_code, self.area_code)


ANONYMOUS = Principal(None, (), None)


class AuthContext(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects a `Guard` for the current worker: `self.auth.require(roles, area_code)`."""

    def setup(self) -> None:
        self.service = logical_name(self.container.service_name)
        self.level = level_of_service(self.container.service_name) or "all"

    def get_dependency(self, worker_ctx: Any) -> "Guard":
        return Guard(
            Principal.from_context(worker_ctx.context_data), self.service, self.level, worker_ctx
        )


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
                "entrypoint": getattr(
                    getattr(self.worker_ctx, "entrypoint", None), "method_name", None
                ),
            },
        )
