"""The outbox relay and the `Outbox` dependency that use cases write through.

Lifecycle: setup() builds its own engine; start() declares this source's exchange and the
queues of its subscribers, then runs the relay loop in a managed thread; stop() ends the loop.
The loop publishes the events this process has committed, handed over in memory by the
OutboxWriter with their rows already leased to this relay, so the common case reads nothing
back. Rows nobody handed over (a dead process's once its lease ends, writers without a relay)
it claims from the table under a lease, so several processes can share one database. Each
event goes out with a publisher confirm, and rows are marked sent only after their acks. If the
broker goes away it backs off and retries: rows stay unsent, nothing is lost, and consumers'
idempotency absorbs the rare re-publish after a crash between ack and mark. A broker that stops
answering without closing the connection (a half-open path, a memory alarm that blocks
publishers) cannot stall the loop for ever: the connection has heartbeats and socket timeouts,
and each confirm is awaited at most CONFIRM_TIMEOUT seconds before the relay reconnects.
"""

import json
import logging
import os
import socket
import threading
import time
from collections import deque
from datetime import timedelta
from typing import Any

from contracts.events import SUBSCRIPTIONS
from kombu.connection import Connection
from kombu.messaging import Producer
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, MetaData, and_, bindparam, func, or_, select, true, update

from . import broker, config, metrics, topology
from .clock import as_utc, utcnow
from .db import make_engine
from .levels import level_of_service, logical_name
from .outbox import OutboxWriter, Staged, messaging_tables

OUTBOX = messaging_tables(MetaData())["outbox"]
log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 20
CONFIRM_TIMEOUT = 10.0
SOCKET_TIMEOUT = 10


class OutboxRelay:
    """Publishes committed outbox rows; usable without nameko (tests, a standalone relay)."""

    batch_size = 200
    lease = timedelta(seconds=10)
    idle_poll_seconds = 0.5
    coalesce_seconds = 0.02  # events leave at most this much later, in batches under load
    mark_delay_seconds = 0.1  # published events are marked sent together, this much later
    backlog_report_seconds = 1.0
    max_backoff_seconds = 5.0
    confirm_timeout = CONFIRM_TIMEOUT

    def __init__(self, engine: Engine, amqp_uri: str, source: str, level: str = "all"):
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.source = source
        self.level = level
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.wakeup = threading.Event()
        self.service_idle = threading.Event()
        self.backlog_reported_at = 0.0
        self.running = False
        self.connection: Connection | None = None
        self.producer: Producer | None = None
        # Fault tests only (tests/faults): OUTBOX_RELAY_PAUSED=1 keeps the loop polling but never
        # claims or publishes, so a test can kill the process between commit and publish.
        self.paused = config.env("OUTBOX_RELAY_PAUSED", "0") == "1"
        self.handed: deque[Staged] = deque()  # committed here, leased to us, not yet published
        self.unmarked: list[str] = []  # published, not yet marked sent
        self.table_read_at = 0.0
        self.unmarked_since: float | None = None
        self._statements()

    # ---- broker ---------------------------------------------------------------------------
    def _producer(self) -> Producer:
        if self.producer is None:
            self.connection = broker.connection(
                self.amqp_uri,
                connect_timeout=5,
                heartbeat=HEARTBEAT_SECONDS,
                transport_options={
                    "confirm_publish": True,
                    "read_timeout": SOCKET_TIMEOUT,
                    "write_timeout": SOCKET_TIMEOUT,
                },
            )
            self.connection.ensure_connection(max_retries=1)
            topology.declare_exchanges(self.connection, [self.source])
            subscribers = [s for s in SUBSCRIPTIONS if s.event.source == self.source]
            topology.declare(self.connection, subscribers)
            self.producer = Producer(self.connection.default_channel)
        return self.producer

    def _drop_connection(self) -> None:
        """Let go of a connection without the close handshake: on a silent connection the
        handshake would wait for the broker's close-ok for ever."""
        if self.connection is not None:
            try:
                self.connection.collect()
            except Exception:
                log.debug("dropping a broken connection failed", exc_info=True)
        self.connection = self.producer = None

    # ---- database -------------------------------------------------------------------------
    # Built once: constructing and coercing these statements cost more than running them.
    def _statements(self) -> None:
        unsent_claimable = and_(
            OUTBOX.c.sent_at.is_(None),
            or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < bindparam("now")),
            self._mine_or_orphaned(),
        )
        batch = select(OUTBOX.c.seq).where(unsent_claimable).order_by(OUTBOX.c.seq)
        self.probe = batch.limit(1)
        next_batch = batch.limit(bindparam("batch")).scalar_subquery()
        self.claim = (
            update(OUTBOX)
            # Claimable again outside the subquery: PostgreSQL rechecks only this WHERE on a row
            # another relay claimed while we waited for its lock.
            .where(unsent_claimable, OUTBOX.c.seq.in_(next_batch))
            .values(claimed_by=bindparam("worker"), claimed_until=bindparam("until"))
            .returning(OUTBOX.c.seq, OUTBOX.c.event_id, OUTBOX.c.event_type, OUTBOX.c.envelope)
        )
        self.mark_sent = (
            update(OUTBOX)
            .where(OUTBOX.c.event_id.in_(bindparam("event_ids", expanding=True)))
            .values(sent_at=bindparam("sent_at"))
        )

    def _mine_or_orphaned(self) -> Any:
        """A level's relay publishes its own level's events; another level's only once they
        have waited a lease (their relay is down). Several level processes sharing one SQLite
        file then do not fight over its write lock, and no event waits on a dead level."""
        if self.level == "all":
            return true()
        return or_(OUTBOX.c.level == self.level, OUTBOX.c.created_at < bindparam("orphaned"))

    def _claim(self) -> list[Staged]:
        now = utcnow()
        params = {"now": now, "worker": self.worker_id, "orphaned": now - self.lease}
        self.table_read_at = time.monotonic()
        with self.engine.connect() as conn:  # a read first: idle relays must not take write locks
            if conn.execute(self.probe, params).first() is None:
                return []
        with self.engine.begin() as conn:
            claim = {**params, "until": now + self.lease, "batch": self.batch_size}
            rows = conn.execute(self.claim, claim).all()
        return [
            Staged(row.event_id, row.event_type, json.loads(row.envelope))
            for row in sorted(rows, key=lambda row: row.seq)  # RETURNING promises no order
        ]

    def _mark_sent(self) -> None:
        if self.unmarked:
            with self.engine.begin() as conn:
                conn.execute(self.mark_sent, {"event_ids": self.unmarked, "sent_at": utcnow()})
            self.unmarked = []

    def _mark_if_due(self) -> None:
        if not self.unmarked:
            self.unmarked_since = None
        elif self.unmarked_since is None:
            self.unmarked_since = time.monotonic()
        elif time.monotonic() - self.unmarked_since >= self.mark_delay_seconds:
            self._mark_sent()
            self.unmarked_since = None

    def backlog(self) -> tuple[int, float]:
        """(unsent rows, age in seconds of the oldest) — what ops alert on."""
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                select(func.count(), func.min(OUTBOX.c.created_at)).where(
                    OUTBOX.c.sent_at.is_(None)
                )
            ).one()
        age = (utcnow() - as_utc(oldest)).total_seconds() if oldest else 0.0
        return int(count), max(age, 0.0)

    # ---- the loop -------------------------------------------------------------------------
    def relay_once(self, mark_now: bool = True) -> int:
        """Publish what is handed over (and claimable); mark it sent now, or, in the loop,
        once `mark_delay_seconds` have passed (_mark_if_due): one commit for many events."""
        if self.paused:  # fault tests only, see __init__
            return 0
        producer = self._producer()  # connect before claiming: a dead broker must not lease rows
        assert self.connection is not None
        self.connection.heartbeat_check()  # raises once the broker has missed its heartbeats
        batch = self._take_handed()
        if not batch or time.monotonic() - self.table_read_at >= self.idle_poll_seconds:
            # Rows nobody handed over: orphans of a dead process or level, rows of writers
            # without a relay. Read at least every idle poll, even while commits keep coming.
            in_hand = {staged.event_id for staged in batch}
            batch += [row for row in self._claim() if row.event_id not in in_hand]
        if batch:
            self._publish(producer, batch)
            metrics.EVENTS_PUBLISHED.labels(self.source, self.level).inc(len(batch))
        if mark_now:
            self._mark_sent()  # with any left by a pass that failed after publishing
        return len(batch)

    def _publish(self, producer: Producer, batch: list[Staged]) -> None:
        exchange = topology.event_exchange(self.source)
        for index, staged in enumerate(batch):
            try:
                producer.publish(
                    staged.envelope,
                    exchange=exchange,
                    routing_key=staged.event_type,
                    serializer="json",
                    delivery_mode=2,
                    headers={"nameko.request_id": staged.envelope["correlation_id"]},
                    retry=False,
                    confirm_timeout=self.confirm_timeout,
                )
            except Exception:
                # Still leased to us: retried from memory once the broker is back.
                self.handed.extendleft(reversed(batch[index:]))
                raise
            self.unmarked.append(staged.event_id)

    def hand_over(self, staged: list[Staged]) -> None:
        """Events this process has just committed, already leased to this relay."""
        self.handed.extend(staged)
        self.wakeup.set()

    def _take_handed(self) -> list[Staged]:
        taken: list[Staged] = []
        while self.handed and len(taken) < self.batch_size:
            taken.append(self.handed.popleft())
        return taken

    def report_backlog(self) -> None:
        now = time.monotonic()
        if now - self.backlog_reported_at < self.backlog_report_seconds:
            return
        self.backlog_reported_at = now
        count, age = self.backlog()
        metrics.OUTBOX_BACKLOG.labels(self.source, self.level).set(count)
        metrics.OUTBOX_OLDEST_AGE.labels(self.source, self.level).set(age)

    def run(self) -> None:
        self.running = True
        backoff = 0.5
        broken = False
        while self.running:
            try:
                sent = self.relay_once(mark_now=False)
                self._mark_if_due()
                self.report_backlog()
                if broken:
                    log.info("outbox relay reconnected", extra={"source": self.source})
                broken, backoff = False, 0.5
            except Exception as exc:
                if not broken:
                    log.warning(
                        "outbox relay cannot publish yet: %s", exc, extra={"source": self.source}
                    )
                broken = True
                self._drop_connection()
                self.wakeup.wait(backoff)
                self.wakeup.clear()  # commits during the outage must not cut the backoff short
                backoff = min(backoff * 2, self.max_backoff_seconds)
                continue
            if sent < self.batch_size:
                self._wait_for_work()

    def _wait_for_work(self) -> None:
        """Sleep until a commit wakes us (or the idle poll), then linger so commits arriving
        together leave in one batch: one claim and one mark for many events. The linger ends
        early once the service has no request in hand, so publishing runs between requests
        instead of in the middle of one (the relay shares the process's single core)."""
        if self.wakeup.wait(self.mark_delay_seconds if self.unmarked else self.idle_poll_seconds):
            self.service_idle.wait(self.coalesce_seconds)
        self.wakeup.clear()
        self.service_idle.clear()

    def wake(self, *_: Any) -> None:
        self.wakeup.set()

    def notify_idle(self) -> None:
        """The service has just finished its last request in hand (replies already sent)."""
        self.service_idle.set()

    def stop(self) -> None:
        try:
            self._mark_sent()  # published but not yet marked: else they would go out again
        except Exception:
            log.warning("outbox relay could not mark published events sent", exc_info=True)
        self.running = False
        self.wakeup.set()
        self.service_idle.set()
        self._drop_connection()


class Outbox(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects an OutboxWriter; runs the relay for this container's events."""

    def __init__(self, service: str):
        self.service = service
        self.relay: OutboxRelay | None = None

    def setup(self) -> None:
        level = level_of_service(self.container.service_name) or "all"
        engine = make_engine(config.database_url(self.service), background_checkpoints=True)
        self.relay = OutboxRelay(
            engine, self.container.config["AMQP_URI"], logical_name(self.service), level
        )
        self.event_key = config.event_key()  # writers sign with it (fail closed at setup)

    def start(self) -> None:
        assert self.relay is not None
        self.container.spawn_managed_thread(self.relay.run)

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
            self.relay.engine.dispose()

    def kill(self) -> None:
        self.stop()

    def worker_teardown(self, worker_ctx: Any) -> None:
        # Teardown runs after the reply went out; the worker's own thread is still counted.
        if self.relay is not None and len(self.container._worker_threads) <= 1:
            self.relay.notify_idle()

    def get_dependency(self, worker_ctx: Any) -> OutboxWriter:
        assert self.relay is not None
        correlation_id = worker_ctx.context_data.get("request_id") or worker_ctx.call_id
        return OutboxWriter(OUTBOX, correlation_id, relay=self.relay, key=self.event_key)
