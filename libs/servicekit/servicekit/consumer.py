"""Idempotent event consumers (ARCHITECTURE §5).

`@consumes(SPEC)` subscribes a method to a contract event on the subscription's quorum queue
(servicekit.topology): a handler that raises is requeued, and after DELIVERY_LIMIT attempts the
message lands in the dead-letter queue. Inside the handler, `consume_once()` records the event id
in the consumer's own database in the same transaction as the effect, so a redelivered or
duplicated event changes nothing.
"""

import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from contracts.events import EventSpec, Subscription
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.events import SERVICE_POOL, EventHandler
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc, RpcConsumer
from sqlalchemy import MetaData, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import metrics, topology
from .clock import utcnow
from .levels import level_of_service, logical_name
from .outbox import messaging_tables

PROCESSED = messaging_tables(MetaData())["processed_events"]
# What a broker that just died looks like from this side: a reset socket, amqp's own
# connection errors, or kombu's wrapper around either.
CONNECTION_ERRORS = (OSError, AmqpConnectionError, OperationalError)
log = logging.getLogger(__name__)


class BrokerTolerantQueueConsumer(QueueConsumer):
    """nameko's shared AMQP consumer, except that an ack or requeue on a connection that died a
    moment ago does not kill the container. nameko catches only amqp's ConnectionError there,
    but a broker killed mid-ack surfaces as ConnectionResetError / BrokenPipeError, and the
    container (and `nameko run` with it) would exit. The unacked message is redelivered once
    the broker is back, which the idempotent handlers absorb (tests/faults)."""

    def ack_message(self, message: Any) -> None:
        with suppress(*CONNECTION_ERRORS):
            super().ack_message(message)

    def requeue_message(self, message: Any) -> None:
        with suppress(*CONNECTION_ERRORS):
            super().requeue_message(message)


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


class ReplyTolerantRpcConsumer(RpcConsumer):
    """nameko's RPC consumer, except that a reply the broker cannot take does not kill the
    container. nameko retries the reply publish three times (about 3 s) and then lets the error
    end the container, and `nameko run` exits with it: a broker restart would stop every worker
    for good. The use case has committed by then; only the reply is lost, so the caller times
    out and retries with its Idempotency-Key (tests/faults/test_broker_restart.py)."""

    queue_consumer = BrokerTolerantQueueConsumer()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, result, exc_info)
        except CONNECTION_ERRORS as exc:
            log.warning("RPC reply lost, broker unreachable: %s", exc)
            self.queue_consumer.ack_message(message)  # done: no rerun if the channel lives
            return result, exc_info


class ReplyTolerantRpc(Rpc):
    rpc_consumer = ReplyTolerantRpcConsumer()


rpc = ReplyTolerantRpc.decorator
