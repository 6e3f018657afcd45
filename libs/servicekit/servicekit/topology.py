"""Event queues declared before anything is published (ARCHITECTURE §5).

Each subscription gets a durable quorum queue bound to the publisher's event exchange, and a
`<queue>.dead` queue. A delivery whose handler raises is retried after a delay, then parked in
`<queue>.dead` with its error (servicekit.retry: the delay queues are declared here too). A
delivery that never finishes (the worker dies holding it) is redelivered by the broker at once;
after DELIVERY_LIMIT such deliveries RabbitMQ itself moves it to `<queue>.dead`: it neither
loops nor vanishes.

`python -m servicekit.topology` declares every subscription in contracts (deploy time); the relay
and every consumer declare the same queues at start-up, with identical arguments.
"""

import sys
from collections.abc import Iterable

from contracts.events import SUBSCRIPTIONS, Subscription
from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from nameko.constants import PERSISTENT

from . import broker, retry

DEAD_LETTER_EXCHANGE = Exchange("minsheng.dead-letter", type="direct", durable=True)
DELIVERY_LIMIT = 5


def event_exchange(source: str) -> Exchange:
    # Same properties as nameko's own get_event_exchange, so either may declare it first.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=PERSISTENT)


def queue_for(subscription: Subscription) -> Queue:
    return Queue(
        subscription.queue,
        exchange=event_exchange(subscription.event.source),
        routing_key=subscription.event.name,
        durable=True,
        auto_delete=False,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
            "x-dead-letter-routing-key": subscription.queue,
        },
    )


def dead_letter_queue_for(subscription: Subscription) -> Queue:
    return dead_letter_queue_named(subscription.queue)


def dead_letter_queue_named(queue: str) -> Queue:
    return Queue(
        f"{queue}.dead",
        exchange=DEAD_LETTER_EXCHANGE,
        routing_key=queue,
        durable=True,
        auto_delete=False,
    )


def declare(connection: Connection, subscriptions: Iterable[Subscription]) -> list[str]:
    channel = connection.default_channel
    retry.declare(channel)
    declared = []
    for subscription in subscriptions:
        dead = dead_letter_queue_for(subscription)
        dead(channel).declare()
        queue_for(subscription)(channel).declare()
        declared.append(subscription.queue)
    return declared


def declare_exchanges(connection: Connection, sources: Iterable[str]) -> None:
    channel = connection.default_channel
    for source in set(sources):
        event_exchange(source)(channel).declare()


def dead_letter_depth(connection: Connection, subscription: Subscription) -> int:
    _, depth, _ = dead_letter_queue_for(subscription)(connection.default_channel).queue_declare(
        passive=True
    )
    return int(depth)


def main(argv: list[str]) -> int:
    with broker.connection(connect_timeout=5) as connection:
        declare_exchanges(connection, {s.event.source for s in SUBSCRIPTIONS})
        names = declare(connection, SUBSCRIPTIONS)
    print(f"已声明 {len(names)} 个事件队列 (declared {len(names)} event queues)")
    for name in names:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
