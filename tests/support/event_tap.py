"""A test consumer of one contract event: its own queue on the publisher's exchange, bound before
anything is published, so a journey can assert that an event went out exactly once."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from contracts.events import EventSpec
from kombu import Connection, Queue
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
