"""Rate limits of this gateway process, configured from the environment.

Lifecycle: setup() reads RATE_LIMIT_PUBLIC ("30/60": 30 requests a minute per client on public
routes), RATE_LIMIT_LOGIN (failed logins per user and client) and TRUST_PROXY.
"""

from typing import Any

from nameko.extensions import DependencyProvider
from servicekit import config
from servicekit.config import RateLimit
from werkzeug.wrappers import Request

from .ratelimit import WindowLimiter
from .web import client_of


class Limits(DependencyProvider):
    def setup(self) -> None:
        self.public_limiter = WindowLimiter(
            RateLimit.parse(config.env("RATE_LIMIT_PUBLIC", "30/60"))
        )
        self.login_failures = WindowLimiter(
            RateLimit.parse(config.env("RATE_LIMIT_LOGIN", "5/300"))
        )
        self.trust_proxy = config.env("TRUST_PROXY", "0") == "1"

    def client(self, request: Request) -> str:
        return client_of(request, self.trust_proxy)

    def public(self, request: Request) -> None:
        self.public_limiter.check(self.client(request))

    def get_dependency(self, worker_ctx: Any) -> "Limits":
        return self
