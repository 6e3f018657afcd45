"""Rate limits of this gateway process, configured from the environment.

Lifecycle: setup() reads RATE_LIMIT_PUBLIC ("30/60": 30 requests a minute per client on public
routes), RATE_LIMIT_LOGIN (failed logins per user and client) and TRUSTED_PROXIES (who may
say, in X-Forwarded-For, which client a request comes from: gateway.clients).
"""

from typing import Any

from nameko.extensions import DependencyProvider
from servicekit import config
from servicekit.config import RateLimit
from werkzeug.wrappers import Request

from . import clients
from .ratelimit import WindowLimiter


class Limits(DependencyProvider):
    def setup(self) -> None:
        self.public_limiter = WindowLimiter(
            RateLimit.parse(config.env("RATE_LIMIT_PUBLIC", "30/60"))
        )
        self.login_failures = WindowLimiter(
            RateLimit.parse(config.env("RATE_LIMIT_LOGIN", "5/300"))
        )
        self.proxies = clients.Proxies(clients.networks(config.env("TRUSTED_PROXIES", "")))

    def client(self, request: Request) -> str:
        return self.proxies.client(request.remote_addr, request.headers.getlist("X-Forwarded-For"))

    def public(self, request: Request) -> None:
        self.public_limiter.check(self.client(request))

    def get_dependency(self, worker_ctx: Any) -> "Limits":
        return self
