"""Show and replay dead letters (ARCHITECTURE §5): events whose handler failed every attempt.

    python -m servicekit.deadletters list                 # every subscription's dead letters
    python -m servicekit.deadletters list QUEUE           # one queue's, with their errors
    python -m servicekit.deadletters replay QUEUE [--id EVENT_ID ...]

QUEUE is a subscription queue (`evt-…`), with or without `.dead`. Replay puts each chosen
letter back into its subscription queue as a first attempt and removes it from the dead-letter
queue only after the broker confirmed the copy. Replaying is safe because consumers are
idempotent: an event that was applied after all changes nothing. Letters are read without
being removed (unacked, then returned), so `list` changes nothing.

Replay is not a way to launder a forged event: each letter's signature is checked again
(servicekit.event_seal) with the services' key, and one that fails stays in the dead-letter
queue, named on the output and logged as a security event.
"""

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from contracts.events import EVENTS, SUBSCRIPTIONS, EventSpec
from kombu.connection import Connection
from kombu.messaging import Producer

from . import broker, config, event_seal, retry, topology

OUR_HEADERS = (retry.ATTEMPT, retry.ERROR, retry.ERROR_TYPE, retry.FAILED_AT, retry.ORIGIN)
security_log = logging.getLogger("minsheng.security")


@dataclass(frozen=True)
class Letter:
    message: Any

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.message.headers or {})

    @property
    def body(self) -> dict[str, Any]:
        try:
            decoded = json.loads(self.message.body)
        except (TypeError, ValueError):
            return {}
        return decoded if isinstance(decoded, dict) else {}

    @property
    def event_id(self) -> str:
        return str(self.body.get("event_id", "?"))

    def describe(self) -> str:
        headers = self.headers
        error = headers.get(retry.ERROR) or _broker_reason(headers)
        attempts = headers.get(retry.ATTEMPT, "?")
        failed_at = headers.get(retry.FAILED_AT, "?")
        return (
            f"{self.event_id}  {self.body.get('event_type', '?')}  "
            f"尝试 {attempts} 次 (attempts)  {failed_at}  {error}"
        )


def _broker_reason(headers: dict[str, Any]) -> str:
    """Letters RabbitMQ parked itself (its delivery limit) carry x-death, not our error."""
    deaths = headers.get("x-death") or [{}]
    return f"broker: {deaths[0].get('reason', 'unknown')}"


def queue_named(connection: Connection, name: str) -> str:
    """The subscription queue `name` means: one of contracts' subscriptions, or another
    consumer's `evt-…` queue whose dead-letter queue exists on the broker."""
    queue = name.removesuffix(".dead")
    if any(subscription.queue == queue for subscription in SUBSCRIPTIONS):
        return queue
    if queue.startswith("evt-") and _exists(connection, f"{queue}.dead"):
        return queue
    known = "\n  ".join(s.queue for s in SUBSCRIPTIONS)
    raise SystemExit(f"未知的队列 {name} (unknown queue); 已知 (known):\n  {known}")


def _exists(connection: Connection, queue: str) -> bool:
    channel = connection.channel()
    try:
        channel.queue_declare(queue=queue, passive=True)
    except Exception:
        return False  # the broker closed the channel: no such queue
    channel.close()
    return True


@contextmanager
def letters(connection: Connection, queue_name: str) -> Iterator[list[Letter]]:
    """Every letter in the queue, held unacked; whatever the caller did not ack goes back."""
    channel = connection.channel()
    try:
        queue = topology.dead_letter_queue_named(queue_name)(channel)
        _, depth, _ = queue.queue_declare()  # same arguments as everyone declares it with
        held = [queue.get(no_ack=False) for _ in range(depth)]
        yield [Letter(message) for message in held if message is not None]
    finally:
        channel.close()  # returns the unacked letters to the queue, in order


@dataclass
class Replayed:
    replayed: int = 0
    refused: list[str] = field(default_factory=list)  # "event id: why", left in place


def spec_of(queue: str, letter: Letter) -> EventSpec | None:
    """The event a queue carries: its subscription's, else (another consumer's `evt-…` queue)
    the contract of the type the letter claims — the registry says who produces it."""
    for subscription in SUBSCRIPTIONS:
        if subscription.queue == queue:
            return subscription.event
    return EVENTS.get(str(letter.body.get("event_type")))


def refusal(queue: str, letter: Letter, key: bytes) -> str | None:
    """Why `letter` must not be replayed, or None if its producer signed it."""
    spec = spec_of(queue, letter)
    if spec is None:
        return "未知事件类型 (unknown event type)"
    try:
        event_seal.verify(letter.body, key, spec.source, spec.name)
    except event_seal.BadEventSignature as problem:
        return str(problem)
    return None


def replay(connection: Connection, queue: str, ids: Sequence[str], key: bytes) -> Replayed:
    producer = Producer(connection.channel())
    done = Replayed()
    with letters(connection, queue) as held:
        for letter in held:
            if ids and letter.event_id not in ids:
                continue
            why = refusal(queue, letter, key)
            if why is not None:  # left unacked: back into the dead-letter queue
                done.refused.append(f"{letter.event_id}: {why}")
                security_log.warning(
                    "dead letter not replayed",
                    extra={"security_event": "bad_event_signature", "reason": why, "queue": queue},
                )
                continue
            dropped = (*OUR_HEADERS, "x-death")  # a replay is a first attempt again
            headers = {k: v for k, v in letter.headers.items() if k not in dropped}
            producer.publish(
                letter.message.body,
                exchange="",  # the default exchange routes by queue name
                routing_key=queue,
                headers=headers,
                content_type=letter.message.content_type,
                content_encoding=letter.message.content_encoding,
                delivery_mode=2,
                retry=False,
            )
            letter.message.ack()  # after the broker confirmed the copy
            done.replayed += 1
    return done


def connect() -> Connection:
    return broker.connection(connect_timeout=5, transport_options={"confirm_publish": True})


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicekit.deadletters")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="死信列表 (list dead letters)")
    listing.add_argument("queue", nargs="?")
    replaying = commands.add_parser("replay", help="重放死信 (replay dead letters)")
    replaying.add_argument("queue")
    replaying.add_argument("--id", dest="ids", action="append", default=[], metavar="EVENT_ID")
    args = parser.parse_args(argv)
    try:
        key = config.event_key() if args.command == "replay" else b""
    except config.ConfigError as exc:
        raise SystemExit(str(exc)) from None
    with connect() as connection:
        if args.command == "replay":
            report(replay(connection, queue_named(connection, args.queue), args.ids, key))
        elif args.queue:
            with letters(connection, queue_named(connection, args.queue)) as held:
                print(f"{len(held)} 条死信 (dead letters) in {args.queue}")
                for letter in held:
                    print(f"  {letter.describe()}")
        else:
            for subscription in SUBSCRIPTIONS:
                with letters(connection, subscription.queue) as held:
                    print(f"{len(held):>6}  {subscription.queue}.dead")
    return 0


def report(done: Replayed) -> None:
    print(f"已重放 {done.replayed} 条死信 (replayed {done.replayed} dead letters)")
    for line in done.refused:
        print(f"  签名无效，未重放，留在死信队列 (bad signature, not replayed, kept): {line}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
