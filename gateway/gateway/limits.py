"""Rate limits of this gateway process, configured from the environment.

Lifecycle: setup() reads RATE_LIMIT_PUBLIC ("30/60": 30 requests a minute per client on public
routes), the login's limits — RATE_LIMIT_LOGIN_CLIENT (every attempt per client, counted before
the password KDF runs), RATE_LIMIT_LOGIN (failures per username and client), and how many KDF
jobs run and wait at once (GATEWAY_KDF_THREADS, GATEWAY_KDF_QUEUE: gateway.kdf) —,
RATE_LIMIT_BOGUS_TOKENS (casts with an unknown token per client and session; valid casts are
never counted, so a hall behind one address is not slowed) — and
TRUSTED_PROXIES (who may say, in X-Forwarded-For, which client a request comes from:
gateway.clients).
"""

import os
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider
from servicekit import config
from servicekit.config import RateLimit
from werkzeug.wrappers import Request

from . import clients
from .kdf import KdfGate
from .ratelimit import WindowLimiter


@dataclass(frozen=True)
class LoginLimits:
    attempts: WindowLimiter  # every attempt per client, whatever the username
    failures: WindowLimiter  # failed attempts per username and client
    kdf: KdfGate


def default_kdf_threads() -> int:
    """One core is left to the hub (and the rest of the machine): on 2 cores a second KDF
    thread made no login faster and the hub's p99 2.3× worse (19.8 → 46.1 ms)."""
    return max(1, min((os.cpu_count() or 1) - 1, 4))


def _limiter(name: str, default: str) -> WindowLimiter:
    return WindowLimiter(RateLimit.parse(config.env(name, default)))


class Limits(DependencyProvider):
    def setup(self) -> None:
        self.public_limiter = _limiter("RATE_LIMIT_PUBLIC", "30/60")
        self.login = LoginLimits(
            attempts=_limiter("RATE_LIMIT_LOGIN_CLIENT", "30/60"),
            failures=_limiter("RATE_LIMIT_LOGIN", "5/300"),
            kdf=KdfGate(
                int(config.env("GATEWAY_KDF_THREADS", str(default_kdf_threads()))),
                int(config.env("GATEWAY_KDF_QUEUE", "32")),
            ),
        )
        self.bogus_tokens = _limiter("RATE_LIMIT_BOGUS_TOKENS", "30/60")
        self.proxies = clients.Proxies(clients.networks(config.env("TRUSTED_PROXIES", "")))

    def client(self, request: Request) -> str:
        return self.proxies.client(request.remote_addr, request.headers.getlist("X-Forwarded-For"))

    def public(self, request: Request) -> None:
        self.public_limiter.check(self.client(request))

    def get_dependency(self, worker_ctx: Any) -> "Limits":
        return self
