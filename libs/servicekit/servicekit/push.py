"""Signed pushes to an outside receiver, pure: standard library only (so a service's `domain`
may name these rules; import-linter keeps this module stdlib-only too).

Implementation's budget feed (预算联网监督系统) and petition's 12345 findings adapter both
deliver records this way: how a record is signed, what the receiver's answer means, how long a
failed record waits, when it is given up, and which settings the pusher accepts (each adapter
names its own environment variables by a prefix: `BUDGET_FEED_URL`, `PETITION_HOTLINE_URL`…).
The I/O is `servicekit.push_endpoint` (one HTTP POST) and `servicekit.push_queue` (the table's
claims under a lease, the push loop).

Signature: `X-Minsheng-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`,
the timestamp being the `X-Minsheng-Timestamp` header (Unix seconds), so a receiver checks the
body it got and refuses a stale replay (`verify`, what our own webhooks use); the
`X-Minsheng-Record-Id` header lets it drop a redelivery.

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
FRESHNESS_SECONDS = 300  # a signed request older or newer than this is refused (a replay)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


class PushConfigError(ValueError):
    """A push setting the process must not start with (one line, Chinese first)."""


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


def verify(
    secret: bytes,
    timestamp: str | None,
    given: str | None,
    body: bytes,
    now: float,
    window: float = FRESHNESS_SECONDS,
) -> str | None:
    """Why a signed request is refused — "unsigned", "stale" or "bad_signature" — or None when
    its signature covers this body and its timestamp is within `window` seconds of `now`.
    The comparison takes constant time; the freshness check comes first, so an old capture
    replayed whole is refused without touching the MAC."""
    if not secret or not timestamp or not given or not timestamp.isascii():
        return "unsigned"
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "unsigned"
    if abs(now - int(timestamp)) > window:
        return "stale"
    if not hmac.compare_digest(given.encode(), signature(secret, int(timestamp), body).encode()):
        return "bad_signature"
    return None


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
    settings: "PushSettings",
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
class PushSettings:
    url: str | None = None  # None: the push is off, records wait as pending
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


@dataclass(frozen=True)
class SettingNames:
    """The environment variables of one adapter: `<prefix>_URL`, `<prefix>_SECRET`, …"""

    url: str
    secret: str
    ca_file: str
    max_attempts: str
    timeout: str
    backoff: str
    backoff_max: str

    @classmethod
    def of(cls, prefix: str) -> "SettingNames":
        suffixes = ("URL", "SECRET", "CA_FILE", "MAX_ATTEMPTS", "TIMEOUT")
        more = ("BACKOFF_SECONDS", "BACKOFF_MAX_SECONDS")
        return cls(*(f"{prefix}_{suffix}" for suffix in suffixes + more))


def settings_from(env: Mapping[str, str], prefix: str) -> PushSettings:
    """An adapter's settings from the environment; PushConfigError for one not to start with."""
    n = SettingNames.of(prefix)
    limits = PushSettings(
        max_attempts=int(_number(env, n.max_attempts, "10", 1, 100, whole=True)),
        timeout=_number(env, n.timeout, "10", 0.1, 120),
        backoff_base=_number(env, n.backoff, "2", 0.01, 3600),
        backoff_cap=_number(env, n.backoff_max, "3600", 0.01, 7 * 86400),
    )
    url = env.get(n.url, "").strip()
    ca_file = env.get(n.ca_file, "").strip() or None
    if not url:
        return limits
    check_url(url, ca_file, n)
    secret = env.get(n.secret, "").encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise PushConfigError(
            f"设置了 {n.url}，但 {n.secret} 未设置或不足 {MIN_SECRET_BYTES} 字节，拒绝启动 "
            f"({n.url} is set but {n.secret} is missing or shorter than {MIN_SECRET_BYTES} "
            "bytes: refusing to start; `openssl rand -hex 32`, shared with the receiver)"
        )
    return replace(limits, url=url, secret=secret, ca_file=ca_file)


def check_url(url: str, ca_file: str | None, n: SettingNames) -> None:
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or loopback):
        raise PushConfigError(
            f"{n.url} 须为 https:// 地址（仅本机 127.0.0.1/localhost 可用 http://），拒绝启动 "
            f"({n.url} must be an https:// URL; plain http only to 127.0.0.1 or localhost)"
        )
    if "@" in parts.netloc:
        raise PushConfigError(
            f"{n.url} 不得包含用户名或密码，拒绝启动 ({n.url} must not carry credentials: the "
            "records are signed with the secret instead)"
        )
    if ca_file and parts.scheme != "https":
        raise PushConfigError(
            f"设置了 {n.ca_file}，但 {n.url} 不是 https://，拒绝以明文发送 "
            f"({n.ca_file} is set but {n.url} is not https://: refusing plain HTTP)"
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
        raise PushConfigError(
            f"{name} 应为 {low:g} 到 {high:g} 之间的{'整数' if whole else '数'}，而不是 {text!r} "
            f"({name} must be {'a whole number' if whole else 'a number'} from {low:g} to {high:g})"
        )
    return value
