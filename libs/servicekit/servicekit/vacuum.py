"""Forgetting the order rows were written in: a shuffled rewrite, then a scrub of what remains
of the old rows.

`shuffled_rewrite` deletes a set of rows and inserts them again in `secrets`-grade random order,
in the caller's transaction: every copy then carries that one transaction's id (PostgreSQL's
`xmin`) and lies where the shuffle put it (`ctid`, SQLite's rowid and cell order).

`scrub` runs after that commit. PostgreSQL: `VACUUM` of the tables, on an autocommit connection
(VACUUM refuses a transaction), so the dead versions leave the heap and its indexes. SQLite:
optionally `VACUUM` (the file rebuilt from its live rows: freed pages and stale cells gone), then
a TRUNCATE checkpoint, so the `-wal` no longer holds the page images of earlier commits. The
SQLite work runs on an OS thread (`eventlet.tpool`), not on the hub, and retries while the
background checkpointer (`servicekit.walcheckpoint`) or a writer is busy with the file. A
failed scrub is logged, never raised: the rows are already rewritten, and the next scrub of the
same file removes what this one left.
"""

import logging
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eventlet import patcher, tpool
from sqlalchemy import Engine, Table, delete, insert, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

log = logging.getLogger(__name__)
_RANDOM = random.SystemRandom()  # os.urandom: the shuffle cannot be replayed from a seed
_sleep = patcher.original("time").sleep  # on the tpool thread, never the hub's
BUSY_SECONDS = 10.0
ATTEMPTS = 50


def secure_delete(session: Session) -> None:
    """On SQLite, zero deleted content on this session's connection (PostgreSQL: nothing)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))


def shuffled_rewrite(
    session: Session,
    table: Table,
    where: Iterable[ColumnElement[bool]],
    fresh: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> int:
    """Delete the rows matching `where` and insert them again, shuffled (each passed through
    `fresh` first, e.g. for a new random id); uncommitted. Returns how many."""
    secure_delete(session)
    deleted = session.execute(delete(table).where(*where).returning(*table.c))
    rows = [dict(row._mapping) for row in deleted]
    _RANDOM.shuffle(rows)
    if fresh is not None:
        rows = [fresh(row) for row in rows]
    if rows:
        session.execute(insert(table), rows)
    return len(rows)


def scrub(engine: Engine, tables: Sequence[str], rebuild: bool = True) -> bool:
    """Remove the old versions of rewritten rows (see the module docstring); True if done."""
    try:
        if engine.dialect.name == "sqlite":
            path = engine.url.database
            if path in (None, "", ":memory:"):
                return True
            return bool(tpool.execute(_scrub_sqlite, path, rebuild))
        _vacuum(engine, tables)
        return True
    except Exception as exc:  # the rewrite stands; the next scrub finishes this
        log.warning("scrub deferred: %s", type(exc).__name__)
        return False


def _vacuum(engine: Engine, tables: Sequence[str]) -> None:
    preparer = engine.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in tables)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM {names}"))


def _scrub_sqlite(path: str, rebuild: bool) -> bool:
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        if rebuild:
            _retry(lambda: connection.execute("VACUUM"))
        return _truncate(connection)
    finally:
        connection.close()


def _truncate(connection: sqlite3.Connection) -> bool:
    """A TRUNCATE checkpoint; busy while another checkpoint (the background one) or a reader
    holds the log, so tried again a moment later."""
    for _ in range(ATTEMPTS):
        try:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            busy = 1
        if not busy:
            return True
        _sleep(0.05)
    log.warning("WAL truncation deferred: the log stayed busy")
    return False


def _retry(step: Callable[[], Any]) -> None:
    for attempt in range(ATTEMPTS):
        try:
            step()
            return
        except sqlite3.OperationalError:
            if attempt == ATTEMPTS - 1:
                raise
            _sleep(0.05)
