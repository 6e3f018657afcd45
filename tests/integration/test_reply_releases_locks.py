"""An RPC's reply never waits with the worker's locks held: servicekit.rpc closes the worker's
database sessions before it sends the reply, on the machine's broker, on SQLite and PostgreSQL.

Found by tests/integration/test_feed_broker_restart.py: a replayed disbursement is answered
from its idempotency key after load_project took the project's lock, without a commit; nameko
sends the reply before worker_teardown closes the session, and during a broker restart one
reply hung 5.5 minutes — on SQLite every writer (the relay and the feed's pusher too) waited
"database is locked" all that time. Here the worker's result hook sleeps a second after the
reply, where teardown would be: the caller must be able to take the lock at once.
"""

import time

import pytest
from nameko.containers import ServiceContainer
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy
from servicekit.db import Database, make_engine
from servicekit.rpc import rpc
from sqlalchemy import text

pytestmark = pytest.mark.integration

HOLD_AFTER_REPLY = 1.0


class SlowAfterReply(DependencyProvider):
    """nameko runs worker_result after the entrypoint's reply and before worker_teardown."""

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        time.sleep(HOLD_AFTER_REPLY)


class LockHolder:
    name = "lockprobe"
    db = Database("lockprobe")
    slow = SlowAfterReply()

    @rpc
    def lock_and_answer(self, dialect: str) -> str:
        """Takes the row's lock as load_project does, and answers without a commit."""
        if dialect == "sqlite":
            self.db.execute(text("UPDATE probe SET n = n WHERE id = 1"))  # the file's write lock
        else:
            self.db.execute(text("SELECT n FROM probe WHERE id = 1 FOR UPDATE"))
        return "answered"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lockprobe.db'}"
    return request.getfixturevalue("pg").create("lockprobe")


@pytest.fixture
def holder(url, amqp_uri, monkeypatch, tmp_path):
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO probe VALUES (1, 0)"))
    monkeypatch.setenv("LOCKPROBE_DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    container = ServiceContainer(LockHolder, {"AMQP_URI": amqp_uri})
    container.start()
    yield engine
    container.stop()
    engine.dispose()


def test_the_reply_comes_after_the_workers_locks_are_gone(holder, url, amqp_uri):
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as proxy:
        assert proxy.lockprobe.lock_and_answer(dialect) == "answered"
        started = time.monotonic()
        with holder.connect() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # locked: fail at once
                conn.execute(text("UPDATE probe SET n = n + 1 WHERE id = 1"))
            else:
                conn.execute(text("SET lock_timeout = '100ms'"))
                conn.execute(text("SELECT n FROM probe WHERE id = 1 FOR UPDATE"))
            conn.commit()
    assert time.monotonic() - started < HOLD_AFTER_REPLY / 2
