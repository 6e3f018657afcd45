"""Transactional outbox (ARCHITECTURE §5): an event is a row written in the same transaction as
the state change it reports. The relay (servicekit.relay) publishes committed rows.

The same module defines the consumer side's `processed_events` (idempotent handlers) and
`idempotency_keys` (retried creates), so every service's migrations create all three.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Protocol

from contracts.envelope import EnvelopeSchema
from contracts.events import EventSpec
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    insert,
)
from sqlalchemy.orm import Session

from . import config, event_seal
from .db import UtcDateTime
from .validation import instance_of


def messaging_tables(metadata: MetaData) -> dict[str, Table]:
    """Create the outbox, processed-event and idempotency tables in a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column(
            "seq",
            BigInteger().with_variant(Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("source", String(40), nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("level", String(10), nullable=False),  # whose relay publishes it first
        Column("envelope", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("claimed_by", String(80), nullable=True),
        Column("claimed_until", UtcDateTime(), nullable=True),
        Column("sent_at", UtcDateTime(), nullable=True, index=True),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(120), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False),
    )
    idempotency = Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(80), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("result", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
    )
    return {"outbox": outbox, "processed_events": processed, "idempotency_keys": idempotency}


class ContractViolation(Exception):
    """A service tried to publish a payload its own contract rejects: a programming error."""


def wire_form(value: Any) -> Any:
    """`value` as JSON carries it: date, datetime and UUID as text, containers walked."""
    if isinstance(value, date | uuid.UUID):  # datetime is a date
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, dict):
        return {k: wire_form(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire_form(v) for v in value]
    return value


def build_envelope(
    spec: EventSpec,
    payload: dict[str, Any],
    *,
    area_code: str,
    level: str,
    correlation_id: str,
    key: bytes | None = None,
) -> dict[str, Any]:
    """The signed envelope of `payload` (with `key`, else `config.event_key()`). Dates, times
    and UUIDs may be given as objects: they travel as the ISO text the contract reads."""
    payload = wire_form(payload)
    errors = instance_of(spec.schema).validate(payload)
    if errors:
        raise ContractViolation(f"{spec.name}: {errors}")
    envelope = {
        "event_id": str(uuid.uuid4()),
        "event_type": spec.name,
        "schema_version": spec.version,
        "source": spec.source,
        "occurred_at": datetime.now(UTC).isoformat(),
        "area_code": area_code,
        "level": level,
        "correlation_id": correlation_id,
        "payload": payload,
    }
    envelope = event_seal.sign(envelope, config.event_key() if key is None else key)
    problems = instance_of(EnvelopeSchema).validate(envelope)
    if problems:
        raise ContractViolation(f"envelope of {spec.name}: {problems}")
    return envelope


@cache
def _insert_into(table: Table) -> Any:
    return insert(table)  # built once per table; values travel as parameters


class Handoff(Protocol):
    """The relay of this process, as a writer sees it (servicekit.relay.OutboxRelay)."""

    worker_id: str
    lease: timedelta

    def hand_over(self, staged: list["Staged"]) -> None: ...


@dataclass(frozen=True)
class Staged:
    """An event committed by this process, handed to its relay without a database read."""

    event_id: str
    event_type: str
    envelope: dict[str, Any]


class OutboxWriter:
    """What a use case sees: `add()` stages an event in the caller's open transaction.

    With a relay, the row is written already leased to it, and after the commit the event is
    handed over in memory: the relay publishes it without claiming or reading it back. If this
    process dies first, the lease runs out and any relay takes the row from the table.

    The envelope is signed here, before it is written: the table holds only signed events and
    the relay publishes them as stored, so whoever can write the outbox table but does not hold
    the key (a DBA, an injected statement) cannot have an event of theirs published as ours."""

    def __init__(
        self,
        table: Table,
        correlation_id: str,
        relay: Handoff | None = None,
        key: bytes | None = None,
    ):
        self.table = table
        self.correlation_id = correlation_id
        self.relay = relay
        self.key = config.event_key() if key is None else key

    def add(
        self,
        session: Session,
        spec: EventSpec,
        payload: dict[str, Any],
        *,
        area_code: str,
        level: str,
    ) -> dict[str, Any]:
        row, envelope = self._row(session, spec, payload, area_code, level)
        session.execute(_insert_into(self.table), [row])
        return envelope

    def add_many(
        self, session: Session, events: Iterable[tuple[EventSpec, dict[str, Any], str, str]]
    ) -> int:
        """`add` for many events — (spec, payload, area_code, level) each — in one statement:
        a sweep that raises thousands of events pays one round trip, not one each."""
        rows = [self._row(session, *event)[0] for event in events]
        if rows:
            session.execute(_insert_into(self.table), rows)
        return len(rows)

    def _row(
        self, session: Session, spec: EventSpec, payload: dict[str, Any], area_code: str, level: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        envelope = build_envelope(
            spec,
            payload,
            area_code=area_code,
            level=level,
            correlation_id=self.correlation_id,
            key=self.key,
        )
        now = datetime.now(UTC)
        row = {
            "event_id": envelope["event_id"],
            "source": spec.source,
            "event_type": spec.name,
            "level": level,
            "envelope": json.dumps(envelope, ensure_ascii=False),
            "created_at": now,
            "claimed_by": None,
            "claimed_until": None,
        }
        if self.relay is not None:
            row["claimed_by"], row["claimed_until"] = self.relay.worker_id, now + self.relay.lease
            _staged_in(session, self.relay).append(Staged(row["event_id"], spec.name, envelope))
        return row, envelope


STAGED, RELAY = "outbox_staged", "outbox_relay"  # session.info keys of the open transaction


def _staged_in(session: Session, relay: Handoff) -> list[Staged]:
    session.info[RELAY] = relay
    staged: list[Staged] = session.info.setdefault(STAGED, [])
    return staged


# Listening on the Session class once: a listener per session cost more than the insert.
@event.listens_for(Session, "after_commit")
def _hand_over_committed(session: Session) -> None:
    staged = session.info.pop(STAGED, None)
    if staged:
        session.info[RELAY].hand_over(staged)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(STAGED, None)  # their rows are gone
