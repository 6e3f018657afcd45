"""Idempotent event consumers (ARCHITECTURE §5).

`@consumes(SPEC)` subscribes a method to a contract event on the subscription's quorum queue
(servicekit.topology): a handler that raises is requeued, and after DELIVERY_LIMIT attempts the
message lands in the dead-letter queue. Inside the handler, `consume_once()` records the event id
in the consumer's own database in the same transaction as the effect, so a redelivered or
duplicated event changes nothing.
"""

from collections.abc import Callable
from typing import Any

from contracts.events import EventSpec, Subscription
from kombu import Connection
from nameko.events import SERVICE_POOL, EventHandler
from sqlalchemy import MetaData, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import metrics, topology
from .broker import BrokerTolerantQueueConsumer
from .clock import utcnow
from .levels import level_of_service, logical_name
from .outbox import messaging_tables

PROCESSED = messaging_tables(MetaData())["processed_events"]


class ContractEventHandler(EventHandler):
    queue_consumer = BrokerTolerantQueueConsumer()

    def __init__(self, spec: EventSpec, **kwargs: Any):
        super().__init__(
            spec.source, spec.name, handler_type=SERVICE_POOL, requeue_on_error=True, **kwargs
        )
        self.spec = spec

    @property
    def subscription(self) -> Subscription:
        return Subscription(self.spec, logical_name(self.container.service_name), self.method_name)

    def setup(self) -> None:
        # Replaces nameko's queue with the pre-declared quorum queue (same name for every level's
        # workers of one service, so they compete for one stream of events).
        self.queue = topology.queue_for(self.subscription)
        self.queue_consumer.register_provider(self)

    def start(self) -> None:
        # nameko declares only the main queue; without its dead-letter queue (a subscription the
        # deploy-time declaration does not list) a dead-lettered event would silently vanish.
        with Connection(self.container.config["AMQP_URI"], connect_timeout=5) as connection:
            topology.declare(connection, [self.subscription])

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        if exc_info is not None:
            service = logical_name(self.container.service_name)
            level = level_of_service(self.container.service_name) or "all"
            metrics.HANDLER_FAILURES.labels(service, level, self.method_name).inc()
        return super().handle_result(message, worker_ctx, result, exc_info)


consumes = ContractEventHandler.decorator


def consume_once(
    session: Session, envelope: dict[str, Any], handler: str, effect: Callable[[Session], Any]
) -> bool:
    """Apply `effect` unless this handler already processed the event. True if applied."""
    try:
        with session.begin_nested():
            session.execute(
                insert(PROCESSED).values(
                    event_id=str(envelope["event_id"]), handler=handler, processed_at=utcnow()
                )
            )
    except IntegrityError:
        session.rollback()
        return False
    effect(session)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent delivery of the same event won the race: its effect stands, ours is void.
        session.rollback()
        return False
    return True
