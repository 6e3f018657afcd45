"""Contract events in tests: a tap (a test consumer's own queue on the publisher's exchange,
bound before anything is published, so a journey can assert that an event went out exactly
once) and a publisher that sends envelopes as a service's relay would (persistent, confirmed)."""

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from contracts.events import EventSpec
from kombu import Connection, Producer, Queue
from servicekit import topology


@contextmanager
def event_tap(amqp_uri: str, spec: EventSpec) -> Iterator[Any]:
    """Yields `drain()`: every envelope received since the last call (each taken once)."""
    queue = Queue(
        f"e2e-tap-{spec.name}-{uuid.uuid4().hex[:8]}",
        topology.event_exchange(spec.source),
        routing_key=spec.name,
        durable=False,
        auto_delete=False,
    )
    with Connection(amqp_uri, connect_timeout=5) as connection:
        topology.declare_exchanges(connection, [spec.source])
        queue(connection.default_channel).declare()

    def drain() -> list[dict[str, Any]]:
        got = []
        with Connection(amqp_uri, connect_timeout=5) as connection:
            bound = queue(connection.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                got.append(json.loads(message.body))
        return got

    try:
        yield drain
    finally:
        with Connection(amqp_uri, connect_timeout=5) as connection:
            queue(connection.default_channel).delete()


def publish(
    amqp_uri: str, spec: EventSpec, *envelopes: dict[str, Any], per_second: float | None = None
) -> None:
    """Publish `envelopes` of `spec` with publisher confirms; `per_second` paces a stream."""
    options = {"confirm_publish": True}
    with Connection(amqp_uri, connect_timeout=5, transport_options=options) as connection:
        producer = Producer(connection.default_channel)
        for item in envelopes:
            producer.publish(
                item,
                exchange=topology.event_exchange(spec.source),
                routing_key=spec.name,
                delivery_mode=2,
                serializer="json",
            )
            if per_second:
                time.sleep(1 / per_second)
