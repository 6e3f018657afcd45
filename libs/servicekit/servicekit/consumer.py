"""Exactly-once event consumers (ARCHITECTURE §5): `@consumes(SPEC)` on a service method.

    @consumes(SESSION_RESULTS_ANNOUNCED)
    def handle_voting_session_results_announced(self, event: Delivery) -> None:
        results.apply_results(self.db, event.payload)   # stage changes; never commit

The decorator subscribes the method to the event's pre-declared quorum queue
(servicekit.topology), checks the envelope and loads the payload with the contract's schema,
names the handler after the method (`<service>.<method>`), and runs the method's effect and the
`processed_events` row in one transaction of the service's database (`self.db`): both commit, or
neither does, on SQLite and PostgreSQL alike. A redelivered or duplicated event changes nothing.
A payload that breaks its contract is dead-lettered at once (retrying cannot fix it); any other
failure is retried with backoff, then dead-lettered with its error (servicekit.retry).

Before any of that, before a worker even starts, the envelope's signature is checked
(servicekit.event_seal): an unsigned, badly signed or altered event, or one signed as another
producer's, is dead-lettered at once with the reason in `x-minsheng-error`, counted as a
security refusal (`bad_event_signature`) and logged at WARNING, without its payload.
"""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contracts.envelope import EnvelopeSchema
from contracts.events import EventSpec, Subscription
from nameko.events import SERVICE_POOL, EventHandler
from sqlalchemy import MetaData, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import broker, config, event_seal, metrics, topology
from .broker import BrokerTolerantQueueConsumer
from .clock import utcnow
from .errors import ValidationFailed
from .levels import level_of_service, logical_name
from .outbox import messaging_tables
from .redelivery import Redelivery
from .validation import load

PROCESSED = messaging_tables(MetaData())["processed_events"]
BAD_SIGNATURE = "bad_event_signature"  # the security refusal's reason label
log = logging.getLogger(__name__)
security_log = logging.getLogger("minsheng.security")  # where servicekit.auth logs bad_context


class InvalidEvent(Exception):
    """The message breaks its contract: a permanent failure, dead-lettered without retries."""


@dataclass
class Delivery:
    """One delivery of a contract event, checked and loaded."""

    envelope: dict[str, Any]
    payload: dict[str, Any]
    after_commit_actions: list[Callable[[], None]] = field(default_factory=list)

    @property
    def event_id(self) -> str:
        return str(self.envelope["event_id"])

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` (a metric, a log line) once the effect has committed, never before."""
        self.after_commit_actions.append(action)


def load_delivery(spec: EventSpec, body: Any) -> Delivery:
    try:
        envelope = load(EnvelopeSchema, body)
        if envelope["event_type"] != spec.name or envelope["source"] != spec.source:
            raise InvalidEvent(f"expected {spec.source}/{spec.name}, got {envelope['event_type']}")
        payload = load(spec.schema, envelope["payload"])
    except ValidationFailed as exc:
        raise InvalidEvent(f"{spec.name}: {exc.details}") from exc
    return Delivery({**body, "event_id": str(envelope["event_id"])}, payload)


def apply_once(session: Session, event_id: str, handler: str, effect: Callable[[], Any]) -> bool:
    """Run `effect` (which stages changes on `session`) and record the event as processed by
    `handler`, in one transaction. False, with nothing changed, if it was already processed.

    The row goes in first, inside the transaction that the effect then joins: a concurrent
    delivery of the same event waits on it (PostgreSQL) or on the write lock (SQLite). No
    SAVEPOINT: pysqlite emits none of the BEGIN a savepoint needs, so releasing one would commit
    the row before the effect ran."""
    row = {"event_id": event_id, "handler": handler, "processed_at": utcnow()}
    try:
        session.execute(insert(PROCESSED).values(**row))
    except IntegrityError:
        session.rollback()
        return False
    try:
        effect()
        session.commit()
    except IntegrityError:
        session.rollback()
        if processed(session, event_id, handler):
            return False  # a concurrent delivery of the same event committed first
        raise
    except BaseException:
        session.rollback()
        raise
    return True


def processed(session: Session, event_id: str, handler: str) -> bool:
    query = select(PROCESSED.c.event_id).where(
        PROCESSED.c.event_id == event_id, PROCESSED.c.handler == handler
    )
    found = session.execute(query).first() is not None
    session.rollback()  # end the read: SQLite must not hold a snapshot across deliveries
    return found


class ContractEventHandler(EventHandler):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's event handler on our quorum queue; it acks only what is done or rescheduled."""

    queue_consumer = BrokerTolerantQueueConsumer()
    redelivery = Redelivery()

    def __init__(self, spec: EventSpec, **kwargs: Any):
        super().__init__(spec.source, spec.name, handler_type=SERVICE_POOL, **kwargs)
        self.spec = spec

    @property
    def subscription(self) -> Subscription:
        return Subscription(self.spec, logical_name(self.container.service_name), self.method_name)

    def setup(self) -> None:
        # Replaces nameko's queue with the pre-declared quorum queue (same name for every level's
        # workers of one service, so they compete for one stream of events).
        self.queue = topology.queue_for(self.subscription)
        self.event_key = config.event_key()  # fail closed: no key, no consumer
        self.queue_consumer.register_provider(self)

    def start(self) -> None:
        # nameko declares only the main queue; its dead-letter and delay queues are ours.
        with broker.connection(self.container.config["AMQP_URI"], connect_timeout=5) as connection:
            topology.declare(connection, [self.subscription])

    @property
    def service(self) -> str:
        return logical_name(self.container.service_name)

    @property
    def level(self) -> str:
        return level_of_service(self.container.service_name) or "all"

    def handle_message(self, body: Any, message: Any) -> None:
        """Runs in its own green thread (nameko's QueueConsumer): checks the signature before
        a worker, a database session or the handler sees the event."""
        try:
            event_seal.verify(body, self.event_key, self.spec.source, self.spec.name)
        except event_seal.BadEventSignature as problem:
            self.refuse(message, problem)
            return
        super().handle_message(body, message)

    def refuse(self, message: Any, problem: event_seal.BadEventSignature) -> None:
        """Dead-letter at once (a signature does not improve with retries) and tell ops."""
        metrics.SECURITY_REFUSALS.labels(self.service, self.level, BAD_SIGNATURE).inc()
        security_log.warning(
            "event refused",
            extra={
                "security_event": BAD_SIGNATURE,
                "reason": str(problem),
                "event_type": self.spec.name,
                "queue": self.subscription.queue,
            },
        )
        self.redelivery.after_failure(
            self.queue_consumer, self.subscription.queue, message, problem, permanent=True
        )

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info
        metrics.HANDLER_FAILURES.labels(self.service, self.level, self.method_name).inc()
        permanent = isinstance(exc_info[1], InvalidEvent)
        self.redelivery.after_failure(
            self.queue_consumer, self.subscription.queue, message, exc_info[1], permanent
        )
        return result, exc_info


def consumes(spec: EventSpec, database: str = "db") -> Callable[[Callable[..., Any]], Any]:
    """Subscribe the decorated method to `spec`; it receives a `Delivery` and stages its effect
    on the session of the service's `database` dependency, which this commits exactly once."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def handle(self: Any, body: Any) -> bool:
            delivery = load_delivery(spec, body)
            handler = f"{logical_name(self.name)}.{method.__name__}"
            session = getattr(self, database)
            applied = apply_once(
                session, delivery.event_id, handler, lambda: method(self, delivery)
            )
            for action in delivery.after_commit_actions if applied else ():
                action()
            return applied

        entrypoint: Callable[..., Any] = ContractEventHandler.decorator(spec)(handle)
        return entrypoint

    return decorate
