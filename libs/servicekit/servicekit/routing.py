"""Level routing for callers (the gateway): area -> level -> that level's workers.

`LevelRpc` is a dependency provider sharing one reply queue per container (safe across green
threads, unlike a standalone proxy). Each call:
  1. fails fast with 503 when no worker of that level is consuming (checked against the broker,
     cached for a second), so other levels are unaffected;
  2. publishes with a per-message expiration equal to the timeout, so a request nobody picked
     up in time is dropped by the broker instead of running after the caller gave up;
  3. waits at most `RPC_TIMEOUT` seconds (nameko's proxy has no timeout of its own).
"""

import logging
import threading
import time
from contextlib import suppress
from typing import Any

import eventlet
from contracts.reference import LEVEL_NAMES, LEVELS
from kombu.connection import Connection
from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT
from nameko.extensions import DependencyProvider
from nameko.rpc import MethodProxy, ReplyListener

from . import areas
from .broker import AutoAckQueueConsumer, connection
from .errors import LevelUnavailable, ValidationFailed
from .levels import service_name_for

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 10.0


class RequestPublisher(Publisher):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's MethodProxy asks for mandatory delivery on every request, which without
    confirms only makes the broker check routes nobody reads and nameko warn per request; the
    consumer check in LevelCaller.call is what detects an absent service here."""

    def publish(self, payload: Any, **kwargs: Any) -> None:
        super().publish(payload, **{**kwargs, "mandatory": False})


class UnconfirmedMethodProxy(MethodProxy):  # type: ignore[misc]  # subclasses untyped nameko
    publisher_cls = RequestPublisher


class ConsumerCounts:
    """How many workers consume `rpc-<service>`: a broker question, remembered briefly."""

    def __init__(self, amqp_uri: str, ttl: float = 1.0):
        self.amqp_uri = amqp_uri
        self.ttl = ttl
        self.cache: dict[str, tuple[float, int]] = {}
        self.connection: Connection | None = None
        self.lock = threading.Lock()  # green after monkey-patching: one broker question at a time

    def _ask(self, service_name: str) -> int:
        if self.connection is None:
            self.connection = connection(self.amqp_uri, connect_timeout=2)
        try:
            channel = self.connection.default_channel
            _, _, consumers = channel.queue_declare(queue=f"rpc-{service_name}", passive=True)
            return int(consumers)
        except Exception as exc:
            self.close()
            if "NOT_FOUND" in str(exc) or getattr(exc, "code", None) == 404:
                return 0  # the queue never existed: no worker of that level ever started
            raise

    def get(self, service_name: str) -> int:
        now = time.monotonic()
        cached = self.cache.get(service_name)
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        with self.lock:
            cached = self.cache.get(service_name)
            if cached and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
            count = self._ask(service_name)
            self.cache[service_name] = (time.monotonic(), count)
        return count

    def close(self) -> None:
        if self.connection is not None:
            with suppress(Exception):  # best effort on an already broken connection
                self.connection.release()
        self.connection = None


def level_of_area(area_code: str) -> str:
    area = areas.load().get(area_code)
    if area is None:
        raise ValidationFailed(
            "未知的行政区划代码 (unknown area code)",
            {"area_code": [f"未知地区 (unknown area) {area_code}"]},
        )
    return area.level


def unavailable(service: str, level: str) -> LevelUnavailable:
    return LevelUnavailable(
        f"{LEVEL_NAMES[level]}服务暂不可用，请稍后再试 "
        f"({service} workers of level {level} are unavailable)",
        {"service": service, "level": level, "retry_after": 5},
    )


class LevelCaller:
    def __init__(self, provider: "LevelRpc", worker_ctx: Any):
        self.provider = provider
        self.worker_ctx = worker_ctx

    def call(self, service: str, level: str, method: str, *args: Any, **kwargs: Any) -> Any:
        target = service_name_for(service, level)
        try:
            consumers = self.provider.counts.get(target)
        except Exception as exc:
            log.warning("broker unreachable while routing: %s", exc)
            raise unavailable(service, level) from exc
        if consumers == 0:
            raise unavailable(service, level)
        timeout = self.provider.timeout
        proxy = UnconfirmedMethodProxy(
            self.worker_ctx,
            target,
            method,
            self.provider.reply_listener,
            retry=False,
            expiration=timeout,
            # Transient and unconfirmed: a request is worthless after its timeout, the consumer
            # check above replaces the confirm-based UnknownService check, and a request lost
            # with the broker ends as a 503 the client retries with its Idempotency-Key.
            use_confirms=False,
            delivery_mode=NON_PERSISTENT,
        )
        try:
            reply = proxy.call_async(*args, **kwargs)
            with eventlet.Timeout(timeout):
                return reply.result()
        except eventlet.Timeout as exc:
            raise unavailable(service, level) from exc
        except (OSError, ConnectionError, OperationalError) as exc:  # kombu wraps ECONNREFUSED
            raise unavailable(service, level) from exc

    def for_area(self, service: str, area_code: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.call(service, level_of_area(area_code), method, *args, **kwargs)

    def health(self, services: list[str]) -> dict[str, Any]:
        """Is the broker reachable, and how many workers consume each service level."""
        report: dict[str, Any] = {}
        try:
            for service in services:
                report[service] = {}
                for level in LEVELS:
                    workers = self.provider.counts.get(service_name_for(service, level))
                    report[service][level] = {"up": workers > 0, "workers": workers}
        except Exception:
            return {"status": "degraded", "broker": False, "services": {}}
        every_level_up = all(v["up"] for levels in report.values() for v in levels.values())
        return {
            "status": "ok" if every_level_up else "degraded",
            "broker": True,
            "services": report,
        }


class BrokerTolerantReplyListener(ReplyListener):  # type: ignore[misc]  # subclasses untyped nameko
    queue_consumer = AutoAckQueueConsumer()  # no ack per reply; a dead broker must not kill us


class LevelRpc(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    reply_listener = BrokerTolerantReplyListener()

    def setup(self) -> None:
        self.timeout = float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        self.counts = ConsumerCounts(self.container.config["AMQP_URI"])

    def stop(self) -> None:
        self.counts.close()

    def get_dependency(self, worker_ctx: Any) -> LevelCaller:
        return LevelCaller(self, worker_ctx)
