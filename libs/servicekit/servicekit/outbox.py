"""Transactional outbox (ARCHITECTURE §5): an event is a row written in the same transaction as
the state change it reports. The relay (servicekit.relay) publishes committed rows.

The same module defines the consumer side's `processed_events` (idempotent handlers) and
`idempotency_keys` (retried creates), so every service's migrations create all three.
"""

import json
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

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


def build_envelope(
    spec: EventSpec, payload: dict[str, Any], *, area_code: str, level: str, correlation_id: str
) -> dict[str, Any]:
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
    problems = instance_of(EnvelopeSchema).validate(envelope)
    if problems:
        raise ContractViolation(f"envelope of {spec.name}: {problems}")
    return envelope


@cache
def _insert_into(table: Table) -> Any:
    return insert(table)  # built once per table; values travel as parameters


class OutboxWriter:
    """What a use case sees: `add()` stages an event in the caller's open transaction."""

    def __init__(self, table: Table, correlation_id: str, on_commit: Any = None):
        self.table = table
        self.correlation_id = correlation_id
        self.on_commit = on_commit

    def add(
        self,
        session: Session,
        spec: EventSpec,
        payload: dict[str, Any],
        *,
        area_code: str,
        level: str,
    ) -> dict[str, Any]:
        envelope = build_envelope(
            spec, payload, area_code=area_code, level=level, correlation_id=self.correlation_id
        )
        session.execute(
            _insert_into(self.table),
            [
                {
                    "event_id": envelope["event_id"],
                    "source": spec.source,
                    "event_type": spec.name,
                    "level": level,
                    "envelope": json.dumps(envelope, ensure_ascii=False),
                    "created_at": datetime.now(UTC),
                }
            ],
        )
        if self.on_commit is not None:
            _call_after_commit(session, self.on_commit)
        return envelope


def _call_after_commit(session: Session, callback: Any) -> None:
    if not event.contains(session, "after_commit", callback):
        event.listen(session, "after_commit", callback, once=True)
