"""What a consumer does with a delivery whose handler failed (the schedule: servicekit.retry).

Lifecycle: one `Redelivery` shared extension per container; `after_failure` runs in the worker's
green thread once the handler has raised. It publishes a copy of the message — to the delay
queue of the next attempt, or with the error to `<queue>.dead` — with a publisher confirm, and
acks the original only after that confirm. If the copy cannot be published (the broker is going
away), the original is requeued instead: nothing is acked that is not safe elsewhere.
"""

import logging
from typing import Any

from nameko.amqp.publish import get_producer
from nameko.extensions import SharedExtension

from . import config, retry, topology
from .broker import BrokerTolerantQueueConsumer
from .clock import utcnow

log = logging.getLogger(__name__)
# Half-open connections and brokers under a memory alarm must not hold a worker for ever.
TRANSPORT_OPTIONS = {"confirm_publish": True, "read_timeout": 10, "write_timeout": 10}
CONFIRM_TIMEOUT = 10.0


class Redelivery(SharedExtension):  # type: ignore[misc]  # subclasses untyped nameko
    def setup(self) -> None:
        self.amqp_uri = self.container.config["AMQP_URI"]

    def after_failure(
        self,
        consumer: BrokerTolerantQueueConsumer,
        queue: str,
        message: Any,
        error: BaseException,
        permanent: bool,
    ) -> None:
        step = retry.next_step(message.headers)
        dead = permanent or step.dead
        try:
            self._publish_copy(queue, message, step, error if dead else None)
        except Exception as exc:
            log.warning("could not reschedule a failed event (%s): requeued", exc)
            consumer.requeue_message(message)
            return
        consumer.ack_message(message)
        if dead:
            log.error(
                "event dead-lettered",
                extra={
                    "queue": queue,
                    "attempts": step.attempt - 1,
                    "error": retry.error_text(error),
                },
            )
        else:
            log.warning(
                "event handler failed; retrying",
                extra={"queue": queue, "attempt": step.attempt, "delay_seconds": step.delay},
            )

    def _publish_copy(
        self, queue: str, message: Any, step: retry.Step, error: BaseException | None
    ) -> None:
        headers = {k: v for k, v in (message.headers or {}).items() if k != "x-death"}
        if error is None:
            assert step.delay is not None
            headers[retry.ATTEMPT] = step.attempt
            exchange, declare = retry.delay_exchange(step.delay), [retry.delay_queue(step.delay)]
        else:
            headers.update(dead_letter_headers(queue, step.attempt - 1, error))
            exchange = topology.DEAD_LETTER_EXCHANGE
            declare = [topology.dead_letter_queue_named(queue)]
        with get_producer(
            self.amqp_uri,
            True,
            ssl=config.amqp_ssl(self.amqp_uri),
            transport_options=dict(TRANSPORT_OPTIONS),
        ) as producer:
            producer.publish(
                message.body,
                exchange=exchange,
                routing_key=queue,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
                declare=declare,
                retry=False,
                confirm_timeout=CONFIRM_TIMEOUT,
            )


def dead_letter_headers(queue: str, attempts: int, error: BaseException) -> dict[str, Any]:
    return {
        retry.ATTEMPT: attempts,
        retry.ERROR: retry.error_text(error),
        retry.ERROR_TYPE: type(error).__name__,
        retry.FAILED_AT: utcnow().isoformat(),
        retry.ORIGIN: queue,
    }
