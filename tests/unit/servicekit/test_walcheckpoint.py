"""SQLite WAL checkpoints run on their own OS thread, not inside a request's commit."""

import os
import sqlite3

from servicekit import walcheckpoint
from servicekit.db import make_engine
from servicekit.testing import wait_until
from sqlalchemy import text

PAGE_ROWS = 400  # 400 rows of 4 KB: ~1.6 MB of WAL, under SQLite's own 1,000-page trigger


def fill(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS t (body BLOB)")
    connection.executemany("INSERT INTO t VALUES (?)", [(os.urandom(4000),)] * PAGE_ROWS)
    connection.commit()
    return connection


class TestCheckpointer:
    def test_a_registered_database_is_checkpointed_in_the_background(self, tmp_path):
        path = str(tmp_path / "c.db")
        writer = fill(path)  # stays open: closing the last connection would checkpoint itself
        assert os.path.getsize(path) < 100_000  # the rows are still only in the WAL
        checkpointer = walcheckpoint.Checkpointer(interval=0.05)
        try:
            checkpointer.register(path)

            wait_until(lambda: os.path.getsize(path) > PAGE_ROWS * 4000, 5, 0.05, "a checkpoint")
        finally:
            checkpointer.stopped.set()
            writer.close()

    def test_a_deleted_database_is_forgotten_and_never_recreated(self, tmp_path):
        path = str(tmp_path / "gone.db")
        fill(path).close()
        checkpointer = walcheckpoint.Checkpointer(interval=0.05)
        try:
            checkpointer.register(path)
            os.remove(path)

            wait_until(lambda: not checkpointer.paths, 5, 0.05, "the path to be dropped")
            assert not os.path.exists(path)
        finally:
            checkpointer.stopped.set()


class TestServiceEngines:
    def test_a_service_engine_leaves_checkpoints_to_the_thread_up_to_a_backstop(self, tmp_path):
        path = str(tmp_path / "svc.db")
        engine = make_engine(f"sqlite:///{path}", background_checkpoints=True)
        try:
            with engine.connect() as conn:
                pages = conn.scalar(text("PRAGMA wal_autocheckpoint"))
        finally:
            engine.dispose()

        assert pages == walcheckpoint.BACKSTOP_PAGES
        assert os.path.abspath(path) in walcheckpoint.CHECKPOINTER.paths

    def test_other_engines_keep_sqlites_own_checkpoints(self, tmp_path):
        engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
        try:
            with engine.connect() as conn:
                assert conn.scalar(text("PRAGMA wal_autocheckpoint")) == 1000
        finally:
            engine.dispose()
