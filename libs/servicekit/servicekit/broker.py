"""Surviving a broker that goes away: what nameko does not catch on its own.

nameko catches only amqp's own ConnectionError around acks and RPC replies; a broker killed
mid-ack surfaces as ConnectionResetError / BrokenPipeError / kombu's OperationalError, and the
container — and `nameko run` with it — would exit. tests/faults/test_broker_restart.py kills a
broker under load to keep this honest.
"""

import logging
from functools import partial
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.connection import Connection
from kombu.exceptions import OperationalError
from nameko.messaging import QueueConsumer

from . import config

log = logging.getLogger(__name__)

# What a broker that just died looks like from this side: a reset socket, amqp's own
# connection errors, or kombu's wrapper around either.
CONNECTION_ERRORS = (OSError, AmqpConnectionError, OperationalError)


def connection(uri: str | None = None, **options: Any) -> Connection:
    """A kombu connection with the process's TLS settings (config.amqp_ssl), the same nameko's
    own connections get from AMQP_SSL: every connection servicekit opens is made here, so
    none falls back to plain AMQP next to the workers' TLS."""
    uri = uri or config.amqp_uri()
    return Connection(uri, ssl=config.amqp_ssl(uri) or False, **options)


class BrokerTolerantQueueConsumer(QueueConsumer):  # type: ignore[misc]  # subclasses untyped nameko
    """nameko's shared AMQP consumer, except that an ack or requeue on a connection that died a
    moment ago does not kill the container. nameko catches only amqp's ConnectionError there,
    but a broker killed mid-ack surfaces as ConnectionResetError / BrokenPipeError, and the
    container (and `nameko run` with it) would exit. The unacked message is redelivered once
    the broker is back, which the idempotent handlers absorb (tests/faults)."""

    def ack_message(self, message: Any) -> None:
        try:
            super().ack_message(message)
        except CONNECTION_ERRORS as exc:
            log.warning("ack lost with the broker connection (%s): it will be redelivered", exc)

    def requeue_message(self, message: Any) -> None:
        try:
            super().requeue_message(message)
        except CONNECTION_ERRORS as exc:
            log.warning("requeue lost with the broker connection (%s): redelivered anyway", exc)


class AutoAckQueueConsumer(BrokerTolerantQueueConsumer):
    """For RPC replies only: the broker counts a reply delivered when it sends it, so the
    caller sends no ack per request. A reply lost with a connection is lost either way: it
    is transient, and the caller times out and retries with its Idempotency-Key."""

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        auto_ack = partial(consumer_cls, no_ack=True)
        return super().get_consumers(auto_ack, channel)

    def ack_message(self, message: Any) -> None:
        pass  # acknowledged on delivery
