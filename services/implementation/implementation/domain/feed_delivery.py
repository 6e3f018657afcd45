"""Delivering the budget feed (预算联网监督系统), pure: standard library only.

How a record is signed, what the receiver's answer means, how long a failed record waits, when
it is given up, and which settings the pusher accepts. The pusher (use_cases.feed_push) and its
HTTP plumbing (implementation.feed_endpoint) do the I/O; every rule is here, unit tested.

Signature: `X-Minsheng-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`,
the timestamp being the `X-Minsheng-Timestamp` header (Unix seconds), so a receiver checks the
body it got and refuses a stale replay; `X-Minsheng-Record-Id` lets it drop a redelivery.

Answers: 2xx is delivered, and so is 409 (the receiver already has that record id). A network
error, a timeout, 408, 425, 429, a 5xx, a redirect and 401/403 are retried with backoff:
those are outages or configuration (a rotated secret, a moved URL) that someone fixes, after
which the backlog drains by itself. Any other 4xx is the receiver refusing this record's
content: the same bytes would be refused again, so the record is dead at once. A retried
record is dead after `max_attempts` attempts; a dead record is requeued by hand.
"""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit

RECORD_ID_HEADER = "X-Minsheng-Record-Id"
TIMESTAMP_HEADER = "X-Minsheng-Timestamp"
SIGNATURE_HEADER = "X-Minsheng-Signature"
SCHEME = "sha256"
MIN_SECRET_BYTES = 32  # as every signing secret of the platform (servicekit.config)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Retried: outages and configuration someone fixes (see the module docstring).
RETRIED_4XX = frozenset({401, 403, 408, 425, 429})
ALREADY_HAVE_IT = 409
MAX_ERROR_CHARS = 300  # the column's width

URL, SECRET, CA_FILE = "BUDGET_FEED_URL", "BUDGET_FEED_SECRET", "BUDGET_FEED_CA_FILE"
MAX_ATTEMPTS, TIMEOUT = "BUDGET_FEED_MAX_ATTEMPTS", "BUDGET_FEED_TIMEOUT"
BACKOFF, BACKOFF_MAX = "BUDGET_FEED_BACKOFF_SECONDS", "BUDGET_FEED_BACKOFF_MAX_SECONDS"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


class FeedConfigError(ValueError):
    """A feed setting the process must not start with (one line, Chinese first)."""


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` over `<timestamp>.<body bytes>`."""
    signed = str(int(timestamp)).encode("ascii") + b"." + body
    return f"{SCHEME}={hmac.new(secret, signed, hashlib.sha256).hexdigest()}"


def headers(record_id: str, timestamp: int, body: bytes, secret: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        RECORD_ID_HEADER: record_id,
        TIMESTAMP_HEADER: str(int(timestamp)),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def classify(status: int | None) -> Outcome:
    """What the receiver's HTTP status means for the record; None: no answer (network, timeout)."""
    if status is None:
        return Outcome.RETRY
    if 200 <= status < 300 or status == ALREADY_HAVE_IT:
        return Outcome.DELIVERED
    if 400 <= status < 500 and status not in RETRIED_4XX:
        return Outcome.DEAD
    return Outcome.RETRY  # 5xx, 408/425/429, 401/403, 3xx, anything unexpected


def backoff_seconds(attempts: int, jitter: float, base: float = 2.0, cap: float = 3600.0) -> float:
    """The wait after the `attempts`-th failed attempt: base·2^(attempts−1), at most `cap`,
    with equal jitter (`jitter` in [0, 1)): between half of it and all of it, so records that
    failed together do not come back together, and a wait never exceeds the cap."""
    nominal = min(cap, base * 2.0 ** min(max(attempts, 1) - 1, 64))
    return nominal / 2 + nominal / 2 * min(max(jitter, 0.0), 1.0)


@dataclass(frozen=True)
class Step:
    """A record's state after an attempt: `retry_in` seconds for a pending record, else None."""

    state: str  # pending, delivered, dead
    attempts: int
    retry_in: float | None
    error: str | None


def after_attempt(
    attempts_before: int,
    outcome: Outcome,
    error: str | None,
    settings: "FeedSettings",
    jitter: float,
) -> Step:
    attempts = attempts_before + 1
    if outcome is Outcome.DELIVERED:
        return Step("delivered", attempts, None, None)
    error = (error or outcome.value)[:MAX_ERROR_CHARS]
    if outcome is Outcome.DEAD or attempts >= settings.max_attempts:
        return Step("dead", attempts, None, error)
    wait = backoff_seconds(attempts, jitter, settings.backoff_base, settings.backoff_cap)
    return Step("pending", attempts, wait, error)


def describe_status(status: int, reason: str) -> str:
    """The error recorded for an answer that was not a delivery: never the answer's body."""
    return f"HTTP {status} {reason}".strip()[:MAX_ERROR_CHARS]


# ---- settings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedSettings:
    url: str | None = None  # None: the feed is off, records wait as pending
    secret: bytes = b""
    ca_file: str | None = None
    max_attempts: int = 10
    timeout: float = 10.0
    backoff_base: float = 2.0
    backoff_cap: float = 3600.0

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def endpoint(self) -> str | None:
        """Where records go, for a status answer: scheme, host, port and path only."""
        if not self.url:
            return None
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def settings_from(env: Mapping[str, str]) -> FeedSettings:
    """The feed's settings from the environment; FeedConfigError for one not to start with."""
    limits = FeedSettings(
        max_attempts=int(_number(env, MAX_ATTEMPTS, "10", 1, 100, whole=True)),
        timeout=_number(env, TIMEOUT, "10", 0.1, 120),
        backoff_base=_number(env, BACKOFF, "2", 0.01, 3600),
        backoff_cap=_number(env, BACKOFF_MAX, "3600", 0.01, 7 * 86400),
    )
    url = env.get(URL, "").strip()
    ca_file = env.get(CA_FILE, "").strip() or None
    if not url:
        return limits
    _check_url(url, ca_file)
    secret = env.get(SECRET, "").encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise FeedConfigError(
            f"设置了 {URL}，但 {SECRET} 未设置或不足 {MIN_SECRET_BYTES} 字节，拒绝启动 "
            f"({URL} is set but {SECRET} is missing or shorter than {MIN_SECRET_BYTES} bytes: "
            "refusing to start; `openssl rand -hex 32`, shared with the receiver)"
        )
    return replace(limits, url=url, secret=secret, ca_file=ca_file)


def _check_url(url: str, ca_file: str | None) -> None:
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or loopback):
        raise FeedConfigError(
            f"{URL} 须为 https:// 地址（仅本机 127.0.0.1/localhost 可用 http://），拒绝启动 "
            f"({URL} must be an https:// URL; plain http only to 127.0.0.1 or localhost)"
        )
    if "@" in parts.netloc:
        raise FeedConfigError(
            f"{URL} 不得包含用户名或密码，拒绝启动 ({URL} must not carry credentials: the "
            "records are signed with the secret instead)"
        )
    if ca_file and parts.scheme != "https":
        raise FeedConfigError(
            f"设置了 {CA_FILE}，但 {URL} 不是 https://，拒绝以明文发送 "
            f"({CA_FILE} is set but {URL} is not https://: refusing plain HTTP)"
        )


def _number(
    env: Mapping[str, str], name: str, default: str, low: float, high: float, whole: bool = False
) -> float:
    text = env.get(name, "").strip() or default
    try:
        value = float(int(text)) if whole else float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # NaN fails too
        raise FeedConfigError(
            f"{name} 应为 {low:g} 到 {high:g} 之间的{'整数' if whole else '数'}，而不是 {text!r} "
            f"({name} must be {'a whole number' if whole else 'a number'} from {low:g} to {high:g})"
        )
    return value
