"""Configuration from the environment (12-factor). Read in setup() or at process start, never
at import time, so tests can point a process at their own vhost and databases."""

import hmac
import logging
import os
import re
import ssl
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contracts.reference import LEVELS

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEV_TOKEN_SECRET = "minsheng-development-secret-do-not-deploy"
DEV_FLAG = "MINSHENG_DEV"
# HS256 keys shorter than the hash (32 bytes) are below RFC 7518's minimum and guessable offline
# from any one token.
SECRET_MIN_BYTES = 32
SECRET_REFUSED = (
    "TOKEN_SECRET 未设置或不足 32 字节，拒绝启动："
    "生产环境请设置 TOKEN_SECRET=$(openssl rand -hex 32)，"
    "本机开发请设置 MINSHENG_DEV=1 (TOKEN_SECRET missing or shorter than 32 bytes: refusing to "
    "start; set one, or MINSHENG_DEV=1 for development)"
)
SECRET_DEV_WARNING = (
    "!!! MINSHENG_DEV=1 且 TOKEN_SECRET 未设置或不足 32 字节："
    "正在使用公开的开发用签名密钥，切勿用于生产环境 "
    "(development mode: signing with the published development secret; never deploy this) !!!"
)
_warned: list[bool] = []
WORKER_LEVELS = (*LEVELS, "all")

log = logging.getLogger(__name__)


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def public_url(path: str) -> str:
    """A page of the residents' site (PUBLIC_BASE_URL): what a printed QR code encodes — a
    deputy's `/d/<code>`, a project's `/p/<code>` — so set it before printing anything."""
    return env("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/") + path


def data_dir() -> Path:
    return Path(env("DATA_DIR", "var/data")).resolve()


def database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, or a SQLite file under DATA_DIR (the embedded default)."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / service}.db"


def worker_levels() -> tuple[str, ...]:
    level = env("WORKER_LEVEL", "all")
    if level not in WORKER_LEVELS:
        raise SystemExit(f"WORKER_LEVEL 应为 {'/'.join(WORKER_LEVELS)}，而不是 {level!r}")
    return LEVELS if level == "all" else (level,)


IDENTITY_REFUSED = (
    f"IDENTITY_SECRET 不足 {SECRET_MIN_BYTES} 字节，拒绝启动 (IDENTITY_SECRET shorter than "
    f"{SECRET_MIN_BYTES} bytes: refusing to start; `openssl rand -hex 32`)"
)


class ConfigError(Exception):
    """A setting a process cannot start without: its text is the one line the runner prints
    before it exits (status 5), nothing started."""


def dev_mode() -> bool:
    """MINSHENG_DEV=1: a developer's machine (`make run` sets it when TOKEN_SECRET is unset)."""
    return os.environ.get(DEV_FLAG) == "1"


TODAY_VAR = "MINSHENG_TODAY"
TODAY_REFUSED = (
    "MINSHENG_TODAY 只用于开发，须同时设置 MINSHENG_DEV=1，拒绝启动 (MINSHENG_TODAY sets a "
    "made-up business date: development only, with MINSHENG_DEV=1; refusing to start)"
)


def dev_today() -> date | None:
    """MINSHENG_TODAY=YYYY-MM-DD: the business date a developer's stack runs at (the day
    implementation dates reports, payments, acceptances, reminders and warnings by), so a whole
    project year can be walked through at any real date. Honoured only with MINSHENG_DEV=1;
    set without it, or not a date, it is a ConfigError — every worker checks at start
    (servicekit.runner), so a deployment never runs on a made-up date (fail closed). None when
    unset; the wall clock (utcnow) is never changed."""
    text = os.environ.get(TODAY_VAR, "")
    if not text:
        return None
    if not dev_mode():
        raise ConfigError(TODAY_REFUSED)
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ConfigError(f"MINSHENG_TODAY 应为 YYYY-MM-DD，收到 {text!r} (not a date)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"MINSHENG_TODAY 应为 YYYY-MM-DD，收到 {text!r} (not a date)") from None


def token_secret() -> str:
    """TOKEN_SECRET, at least SECRET_MIN_BYTES long. Without one a process refuses to start,
    unless MINSHENG_DEV=1: a token forged with the published development secret would
    otherwise be accepted as admin in a deployment that forgot to set it (fail closed)."""
    secret = os.environ.get("TOKEN_SECRET", "")
    if len(secret.encode()) >= SECRET_MIN_BYTES:
        return secret
    if not dev_mode():
        raise ConfigError(SECRET_REFUSED)
    if not _warned:
        _warned.append(True)  # once per process, however many providers ask
        log.warning(SECRET_DEV_WARNING)
    return DEV_TOKEN_SECRET


def identity_key() -> bytes:
    """The key that seals the caller's identity on the broker (servicekit.context_seal).
    IDENTITY_SECRET when set — give it to the services instead of TOKEN_SECRET, so a worker
    cannot mint logins — else derived from TOKEN_SECRET (one secret for a small deployment)."""
    secret = os.environ.get("IDENTITY_SECRET", "")
    if len(secret.encode()) >= SECRET_MIN_BYTES:
        return secret.encode()
    if secret and not dev_mode():
        raise ConfigError(IDENTITY_REFUSED)
    return hmac.new(token_secret().encode(), b"minsheng identity context v1", "sha256").digest()


EVENT_REFUSED = (
    f"EVENT_SECRET 不足 {SECRET_MIN_BYTES} 字节，拒绝启动 (EVENT_SECRET shorter than "
    f"{SECRET_MIN_BYTES} bytes: refusing to start; `openssl rand -hex 32`)"
)


def event_key() -> bytes:
    """The key that signs and checks events (servicekit.event_seal). EVENT_SECRET when set —
    only the services need it, never the gateway — else derived from the identity key with
    its own label (one secret for a small deployment), so it fails closed as identity_key
    does: without a secret, no start outside MINSHENG_DEV=1."""
    secret = os.environ.get("EVENT_SECRET", "")
    if len(secret.encode()) >= SECRET_MIN_BYTES:
        return secret.encode()
    if secret and not dev_mode():
        raise ConfigError(EVENT_REFUSED)
    return hmac.new(identity_key(), b"minsheng event signature v1", "sha256").digest()


@dataclass(frozen=True)
class RateLimit:
    requests: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        """ "30/60" means 30 requests per 60 seconds."""
        count, _, seconds = text.partition("/")
        return cls(int(count), float(seconds or 60))


def amqp_uri() -> str:
    return env("AMQP_URI", DEFAULT_AMQP_URI)


def amqp_ssl(uri: str | None = None) -> dict[str, Any] | None:
    """TLS options for every broker connection (nameko's AMQP_SSL, kombu's `ssl`), or None for
    plain `amqp://`. An `amqps://` URI verifies the broker's certificate against AMQP_CA_FILE
    (the system's CAs without it) and its host name; AMQP_CERT_FILE/AMQP_KEY_FILE add a client
    certificate. A CA with a plain URI is refused: the operator meant TLS and would not get it."""
    uri = uri or amqp_uri()
    ca_file, cert_file = os.environ.get("AMQP_CA_FILE"), os.environ.get("AMQP_CERT_FILE")
    if urlsplit(uri).scheme != "amqps":
        if ca_file or cert_file:
            raise ConfigError(AMQP_TLS_REFUSED)
        return None
    options: dict[str, Any] = {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": urlsplit(uri).hostname,
    }
    # py-amqp's context loads no CA by itself: without AMQP_CA_FILE, the system's bundle.
    options["ca_certs"] = ca_file or ssl.get_default_verify_paths().cafile
    if cert_file:
        options["certfile"] = cert_file
        options["keyfile"] = os.environ.get("AMQP_KEY_FILE") or None
    return options


AMQP_TLS_REFUSED = (
    "设置了 AMQP_CA_FILE/AMQP_CERT_FILE，但 AMQP_URI 不是 amqps://，拒绝以明文连接 "
    "(AMQP_CA_FILE or AMQP_CERT_FILE set but AMQP_URI is not amqps://: refusing plain AMQP)"
)


def nameko_config(**extra: object) -> dict[str, object]:
    uri = amqp_uri()
    config: dict[str, object] = {
        "AMQP_URI": uri,
        "max_workers": int(env("MAX_WORKERS", "32")),
        "parent_calls_tracked": 10,
    }
    tls = amqp_ssl(uri)
    if tls is not None:
        config["AMQP_SSL"] = tls  # nameko 2.14's key: its consumers, publishers and proxies
    config.update(extra)
    return config
