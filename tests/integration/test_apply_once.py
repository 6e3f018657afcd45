"""The consumer's transaction (servicekit.consumer.apply_once) on PostgreSQL and SQLite, without
a broker: the effect and the processed_events row commit together or not at all.

The experiment of issue 10: an effect that inserts a row and raises, then a redelivery whose
effect succeeds. Before, on SQLite, the SAVEPOINT that pysqlite opened without a BEGIN committed
the processed row on its own: processed_events = 1 and effect rows = 0, the event lost.
"""

import uuid

import pytest
from servicekit.consumer import PROCESSED, apply_once
from servicekit.db import metadata
from sqlalchemy import Column, Integer, String, Table, func, insert, select
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

HANDLER = "probe.handle_collection_proposal_submitted"
EFFECTS = Table(
    "apply_once_effects",
    metadata(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
)


@pytest.fixture
def tables(engine):
    EFFECTS.create(engine)
    return engine


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))


def deliver(engine, event_id: str, fail: bool) -> bool:
    with Session(engine) as session:

        def effect() -> None:
            session.execute(insert(EFFECTS).values(event_id=event_id))
            if fail:
                raise RuntimeError("database is locked")  # what a busy SQLite file raises

        return apply_once(session, event_id, HANDLER, effect)


def test_an_effect_that_raises_records_nothing_and_the_redelivery_applies_it(tables):
    event_id = str(uuid.uuid4())
    with pytest.raises(RuntimeError):
        deliver(tables, event_id, fail=True)
    assert (count(tables, PROCESSED), count(tables, EFFECTS)) == (0, 0)

    assert deliver(tables, event_id, fail=False) is True
    assert (count(tables, PROCESSED), count(tables, EFFECTS)) == (1, 1)


def test_a_second_delivery_changes_nothing(tables):
    event_id = str(uuid.uuid4())
    assert deliver(tables, event_id, fail=False) is True
    assert deliver(tables, event_id, fail=False) is False
    assert (count(tables, PROCESSED), count(tables, EFFECTS)) == (1, 1)


def test_another_handler_of_the_same_event_applies_its_own_effect(tables):
    event_id = str(uuid.uuid4())
    deliver(tables, event_id, fail=False)
    with Session(tables) as session:
        applied = apply_once(session, event_id, "other.handler", lambda: None)
    assert applied is True
    assert count(tables, PROCESSED) == 2
