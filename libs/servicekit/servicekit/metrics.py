"""Prometheus metrics (ARCHITECTURE §9): the platform's own, and the factory each service
declares its business metrics with (`for_service`).

Every metric lives on one process-wide registry created here once (nameko-prometheus registers
per container on the global registry, which breaks a second start in one process — hence this
module). Labels are bounded: never an id.

The platform's metrics, labelled with the container's service and level by the servicekit code
that records them: RED per entrypoint (`Metrics`), the outbox (relay), handler failures
(consumer), security refusals (auth) and dead letters (`DeadLetterCollector`).

A service's business metrics live in its own `<service>/metrics.py`, declared through
`for_service(name)`, which adds the namespace, this registry and the `service` and `level`
labels; the rules (names, legacy names, one declaration per name) are in
servicekit.metric_factory.

Lifecycle of `Metrics`: worker_setup() notes the start time of each worker; worker_result()
observes the duration and counts the outcome.
"""

import logging
import time
from typing import Any

from nameko.extensions import DependencyProvider
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

from .levels import level_of_service, logical_name
from .metric_factory import ALL, Catalog, ServiceMetrics

NAMESPACE = "minsheng"
REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
log = logging.getLogger(__name__)
# Every business metric the services of this process declared, on REGISTRY.
CATALOG = Catalog(REGISTRY, NAMESPACE)


def for_service(service: str) -> ServiceMetrics:
    """The factory a registered service declares its metrics with, in its `<service>.metrics`:
    `METRICS = for_service("voting")`, then `METRICS.counter(name, help, [own labels])`."""
    return ServiceMetrics(service, CATALOG)


REQUESTS = Counter(
    "entrypoint_calls_total",
    "Entrypoint calls by outcome (success, client_error, server_error).",
    ["service", "level", "entrypoint", "outcome"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
DURATION = Histogram(
    "entrypoint_duration_seconds",
    "Entrypoint duration.",
    ["service", "level", "entrypoint"],
    namespace=NAMESPACE,
    registry=REGISTRY,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_BACKLOG = Gauge(
    "outbox_backlog_events",
    "Committed events not yet confirmed by the broker.",
    ["service", "level"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_age_seconds",
    "Age of the oldest unsent outbox event.",
    ["service", "level"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
EVENTS_PUBLISHED = Counter(
    "events_published_total",
    "Events confirmed by the broker.",
    ["service", "level"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
HANDLER_FAILURES = Counter(
    "event_handler_failures_total",
    "Event handler attempts that raised (requeued until the delivery limit, then dead-lettered).",
    ["service", "level", "entrypoint"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
SECURITY_REFUSALS = Counter(
    "security_refusals_total",
    "Requests refused for authentication, role or area scope.",
    ["service", "level", "reason"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)


def outcome_of(exc_info: Any) -> str:
    if exc_info is None:
        return "success"
    from .errors import ServiceError  # local: errors imports nameko's registry at load

    status = getattr(exc_info[1], "status", 500) if isinstance(exc_info[1], ServiceError) else 500
    return "client_error" if status < 500 else "server_error"


class Metrics(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    def __init__(self) -> None:
        self.started: dict[Any, float] = {}

    def setup(self) -> None:
        self.service = logical_name(self.container.service_name)
        self.level = level_of_service(self.container.service_name) or ALL

    def worker_setup(self, worker_ctx: Any) -> None:
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self.started.pop(worker_ctx, None)
        name = worker_ctx.entrypoint.method_name
        if started is not None:
            DURATION.labels(self.service, self.level, name).observe(time.perf_counter() - started)
        REQUESTS.labels(self.service, self.level, name, outcome_of(exc_info)).inc()

    def get_dependency(self, worker_ctx: Any) -> "Metrics":
        return self


def exposition() -> bytes:
    return generate_latest(REGISTRY)


_served_port: int | None = None


def serve(port: int, addr: str = "127.0.0.1") -> None:
    """Serve /metrics for this process once; a second call is a no-op."""
    global _served_port
    if _served_port is None and port:
        start_http_server(port, addr=addr, registry=REGISTRY)
        _served_port = port
        log.info("metrics served on port %s", port)


class DeadLetterCollector:
    """Reports each subscription's dead-letter depth at scrape time, asking the broker."""

    def __init__(self, amqp_uri: str, subscriptions: list[Any]):
        self.amqp_uri = amqp_uri
        self.subscriptions = subscriptions

    def collect(self) -> Any:
        from . import topology
        from .broker import connection as broker_connection

        family = GaugeMetricFamily(
            f"{NAMESPACE}_dead_letters_messages",
            "Events parked in a dead-letter queue after the delivery limit.",
            labels=["queue"],
        )
        for subscription in self.subscriptions:
            # A connection per queue: a failed passive declare closes its channel, and one
            # missing queue (or an absent broker) must not hide the others.
            try:
                with broker_connection(self.amqp_uri, connect_timeout=2) as connection:
                    depth = topology.dead_letter_depth(connection, subscription)
            except Exception:
                log.warning("dead-letter depth of %s unavailable", subscription.queue)
                continue
            family.add_metric([subscription.queue], depth)
        yield family
