"""Failed deliveries wait before the next attempt, then land in the dead-letter queue with their
error (ARCHITECTURE §5): a database outage of seconds to minutes is ridden out, and a handler
that keeps failing is parked where ops can see it and replay it (servicekit.deadletters).

How a message waits: the consumer acks the failed delivery only after a confirmed copy sits in
the delay queue of that attempt (`minsheng.retry.<ms>ms`, one per delay, shared by every
subscription). The delay queue holds each copy for its TTL, then dead-letters it to the default
exchange under its routing key — the subscription's own queue name — so it arrives back in that
queue. The attempt number travels in a header. After the last delay the copy goes to
`<queue>.dead` instead, with the error in its headers. A consumer that dies mid-delivery leaves
the message unacked: the broker redelivers it at once, and the quorum queue's delivery limit
(servicekit.topology) still dead-letters a message that kills every worker that takes it.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kombu.entity import Exchange, Queue

# Seconds before the 2nd, 3rd, 4th and 5th attempts: 2 min 36 s in all before a dead letter.
DEFAULT_DELAYS = (1.0, 5.0, 30.0, 120.0)
ATTEMPT = "x-minsheng-attempt"  # the attempt this delivery is, counting from 1
ERROR = "x-minsheng-error"  # why the last attempt failed (type: message), on a dead letter
ERROR_TYPE = "x-minsheng-error-type"
FAILED_AT = "x-minsheng-failed-at"  # ISO 8601, UTC
ORIGIN = "x-minsheng-queue"  # the subscription queue a dead letter came from
MAX_ERROR_CHARS = 500


def delays() -> tuple[float, ...]:
    """EVENT_RETRY_DELAYS="1,5,30,120" (seconds). Each delay is its own queue, named by its
    length, so a deployment that changes them declares new queues rather than clashing."""
    text = os.environ.get("EVENT_RETRY_DELAYS")
    if not text:
        return DEFAULT_DELAYS
    values = tuple(float(part) for part in text.split(",") if part.strip())
    if not values or any(value <= 0 for value in values):
        raise ValueError(f"EVENT_RETRY_DELAYS 应为正数列表 (positive seconds), not {text!r}")
    return values


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def delay_exchange(seconds: float) -> Exchange:
    return Exchange(f"minsheng.retry.{_milliseconds(seconds)}ms", type="fanout", durable=True)


def delay_queue(seconds: float) -> Queue:
    """A quorum queue that only holds copies for `seconds`: nobody consumes it."""
    return Queue(
        f"minsheng.retry.{_milliseconds(seconds)}ms",
        exchange=delay_exchange(seconds),
        durable=True,
        auto_delete=False,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-message-ttl": _milliseconds(seconds),
            "x-dead-letter-exchange": "",  # the default exchange: routing key = queue name
            # Kept until the target queue confirms it: a broker restart mid-hand-over loses
            # nothing (at-least-once needs reject-publish overflow).
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        },
    )


def declare(channel: Any, chosen: Sequence[float] | None = None) -> None:
    for seconds in chosen or delays():
        delay_exchange(seconds)(channel).declare()
        delay_queue(seconds)(channel).declare()


@dataclass(frozen=True)
class Step:
    """What to do with a delivery that failed: wait `delay` seconds and try `attempt`, or (with
    no delay) park it in the dead-letter queue."""

    attempt: int
    delay: float | None

    @property
    def dead(self) -> bool:
        return self.delay is None


def next_step(headers: dict[str, Any] | None, chosen: Sequence[float] | None = None) -> Step:
    """After a failed delivery carrying `headers`: the next attempt and its delay, or dead."""
    schedule = tuple(chosen or delays())
    done = attempt_of(headers)
    if done > len(schedule):
        return Step(done + 1, None)
    return Step(done + 1, schedule[done - 1])


def attempt_of(headers: dict[str, Any] | None) -> int:
    try:
        return max(1, int((headers or {}).get(ATTEMPT, 1)))
    except (TypeError, ValueError):
        return 1  # a header we did not write: anyone on the broker can publish


def error_text(exc: BaseException) -> str:
    """`Type: message`, short. SQL parameters never appear: engines hide them (servicekit.db)."""
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
