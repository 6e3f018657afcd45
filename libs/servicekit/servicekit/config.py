"""Configuration from the environment (12-factor). Read in setup() or at process start, never
at import time, so tests can point a process at their own vhost and databases."""

import hmac
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from contracts.reference import LEVELS

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEV_TOKEN_SECRET = "minsheng-development-secret-do-not-deploy"
WORKER_LEVELS = (*LEVELS, "all")

log = logging.getLogger(__name__)


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


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


def token_secret() -> str:
    secret = os.environ.get("TOKEN_SECRET")
    if secret:
        return secret
    log.warning(
        "!!! TOKEN_SECRET 未设置：正在使用开发用签名密钥，切勿用于生产环境 "
        "(TOKEN_SECRET unset: using the development signing secret; never deploy this) !!!"
    )
    return DEV_TOKEN_SECRET


def identity_key() -> bytes:
    """The key that seals the caller's identity on the broker (servicekit.context_seal).
    IDENTITY_SECRET when set — give it to the services instead of TOKEN_SECRET, so a worker
    cannot mint logins — else derived from TOKEN_SECRET (one secret for a small deployment)."""
    secret = os.environ.get("IDENTITY_SECRET")
    if secret:
        return secret.encode()
    return hmac.new(token_secret().encode(), b"minsheng identity context v1", "sha256").digest()


@dataclass(frozen=True)
class RateLimit:
    requests: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        """ "30/60" means 30 requests per 60 seconds."""
        count, _, seconds = text.partition("/")
        return cls(int(count), float(seconds or 60))


def nameko_config(**extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "AMQP_URI": env("AMQP_URI", DEFAULT_AMQP_URI),
        "max_workers": int(env("MAX_WORKERS", "32")),
        "parent_calls_tracked": 10,
    }
    config.update(extra)
    return config
