"""The gateway without a broker, for the gateway's tests: a real GatewayService container on a
free local port whose level RPC is a recording fake, plus the helpers those tests share
(bearer tokens, the error envelope, concrete paths, a settable clock).

The fake keeps `for_area` (area → level) from servicekit.routing and records every `call` with
the principal the call would carry, so a test pins which method of which service the gateway
asks, at which level, with which arguments and on whose behalf — without any service running.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from gateway.identity import Identity
from gateway.service import GatewayService
from nameko.containers import ServiceContainer
from nameko.extensions import DependencyProvider
from servicekit import config, testing
from servicekit.auth import Principal
from servicekit.routing import LevelCaller

from gateway import tokens

# Stand-ins for the path values of every declared route (see `concrete`).
SESSION_ID = "B-" + "0123456789abcdef" * 2  # a banner session
PATH_VALUES = {
    "session_id": SESSION_ID,
    "proposal_id": str(uuid.UUID(int=1)),
    "draft_list_id": str(uuid.UUID(int=2)),
    "candidate_list_id": str(uuid.UUID(int=3)),
    "roster_id": str(uuid.UUID(int=8)),
    "tracking_code": "T4KQ-7MZP-X2WD",
    "code": "150622",  # an area code; on a receipt route the receipt's code (any string)
    "n": "1",
    "sheet": "3",
    "fmt": "csv",
    "project_id": "T-" + "a" * 32,
    "problem_id": "T-" + "b" * 32,
    "action": "start",
    "year": "2026",
    "area_code": "150622",
    "rule_code": "disbursement_lag",
    "reconciliation_id": "T-" + "c" * 32,
    "deputy_id": str(uuid.UUID(int=4)),
    "station_id": str(uuid.UUID(int=5)),
    "matter_id": str(uuid.UUID(int=6)),
    "public_code": "T7K2M9QX",
    "image": "svg",
    "matter_action": "accept",
    "record_id": str(uuid.UUID(int=9)),
    "post_id": "T-" + "d" * 32,
    "framework_id": "B-" + "e" * 32,  # supervision · evaluation
    "evaluation_id": "B-" + "f" * 32,
    "vote_id": "B-" + "1" * 32,
    "report_format": "docx",
    "post_action": "hide",
    "note_id": str(uuid.UUID(int=10)),
    "diary_target": "matter",
    "key_id": str(uuid.UUID(int=10)),
    "checkpoint_id": "B-" + "e" * 32,
    "document_format": "docx",
    "project_code": "T7K2M9QXAB1",  # supervision: a project's public code
    "feedback_id": "T-" + "e" * 32,
    "supervisor_id": "T-" + "f" * 32,
    "observation_id": "T-" + "0" * 32,
    "inspection_id": "T-" + "2" * 32,
    "finding_id": "T-" + "3" * 32,
    "rectification_id": "T-" + "1" * 32,
}


@dataclass(frozen=True)
class Call:
    service: str
    level: str
    method: str
    args: tuple[Any, ...]
    principal: Principal


class FakeLevelRpc(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """LevelRpc without a broker: records each call, answers from `replies` (method → value)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.replies: dict[str, Any] = {}

    def get_dependency(self, worker_ctx: Any) -> "RecordingCaller":
        return RecordingCaller(self, worker_ctx)


class RecordingCaller(LevelCaller):  # for_area (area → level) stays the real one
    def call(self, service: str, level: str, method: str, *args: Any, **kwargs: Any) -> Any:
        principal = Principal.from_context(self.worker_ctx.data, config.identity_key())
        self.provider.calls.append(Call(service, level, method, args, principal))
        reply = self.provider.replies.get(method, {"ok": True})
        if isinstance(reply, Exception):  # what the service would raise (NotFound, …)
            raise reply
        return reply


class KnownAccounts(Identity):
    """Identity whose accounts database is a set: every token's account is active unless a
    test names it in `deactivated` (the tokens here are minted for made-up user ids)."""

    def __init__(self) -> None:
        self.deactivated: set[str] = set()

    def account_active(self, user_id: str) -> bool:
        return user_id not in self.deactivated


class RecordingGateway(GatewayService):
    rpc = FakeLevelRpc()
    identity = KnownAccounts()


@dataclass
class Gateway:
    url: str
    container: ServiceContainer

    @property
    def fake(self) -> FakeLevelRpc:
        return next(d for d in self.container.dependencies if isinstance(d, FakeLevelRpc))

    @property
    def calls(self) -> list[Call]:
        return self.fake.calls

    @property
    def accounts(self) -> KnownAccounts:
        return next(d for d in self.container.dependencies if isinstance(d, KnownAccounts))

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}{path}", timeout=10, **kwargs)


@contextmanager
def running_gateway(
    monkeypatch: Any,
    tmp_path: Any,
    service: type = RecordingGateway,
    nameko: dict[str, Any] | None = None,
    max_body_bytes: int = 4096,
    **env: str,
) -> Iterator[Gateway]:
    """A RecordingGateway (or `service`, a subclass) on a free port; its accounts database
    under tmp_path; `env` sets the gateway's environment (RATE_LIMIT_PUBLIC="3/60", …) and
    `nameko` its container config (WEB_READ_TIMEOUT, …). Bodies are limited to 4 KiB unless
    `max_body_bytes` says otherwise."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    address = f"127.0.0.1:{testing.free_port()}"
    container = ServiceContainer(
        service,
        {"WEB_SERVER_ADDRESS": address, "MAX_BODY_BYTES": max_body_bytes, **(nameko or {})},
    )
    container.start()
    try:
        yield Gateway(f"http://{address}", container)
    finally:
        container.stop()


def bearer(principal: Principal) -> dict[str, str]:
    token, _ = tokens.issue(config.token_secret(), principal, datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


def envelope(response: requests.Response, status: int) -> dict[str, Any]:
    """The error of an enveloped answer with `status`; fails on any other shape."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def concrete(path: str, **values: str) -> str:
    """An OpenAPI path with every {name} filled from PATH_VALUES, or from `values`."""
    for name, value in {**PATH_VALUES, **values}.items():
        path = path.replace(f"{{{name}}}", value)
    return path


class FakeClock:
    """A monotonic clock a test moves by hand (gateway.ratelimit takes any callable)."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
