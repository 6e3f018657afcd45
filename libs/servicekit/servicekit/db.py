"""SQLAlchemy 2 for nameko: one engine per container, one session per worker.

Lifecycle: setup() builds the engine from `<SERVICE>_DATABASE_URL` (or the SQLite default);
get_dependency() hands the worker a lazily opened Session; worker_teardown() closes it, so a
worker never leaks a connection or an open transaction (an RPC's session is closed before its
reply is sent: `release`, from servicekit.rpc); stop() disposes of the pool.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    TypeDecorator,
    bindparam,
    create_engine,
    event,
    make_url,
    update,
)
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from . import config, walcheckpoint
from .errors import Conflict, DatabaseUnavailable, ValidationFailed

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    PostgreSQL's timestamptz does this by itself; SQLite keeps only the wall-clock fields, so a
    "+08:00" time would silently shift by eight hours. Naive datetimes are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    # NORMAL in WAL mode (SQLite's advice for WAL): a commit survives a crashed or killed
    # process; only an OS crash or power cut can undo the last commits. A commit no longer
    # waits for an fsync that blocks the whole eventlet hub. Production runs PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")  # several worker processes share one file
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _backstop_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={walcheckpoint.BACKSTOP_PAGES}")


def _holds_nul(parameters: Any) -> bool:
    if isinstance(parameters, str):
        return "\x00" in parameters
    if isinstance(parameters, dict):
        parameters = parameters.values()
    elif not isinstance(parameters, list | tuple):
        return False
    return any(_holds_nul(value) for value in parameters)


def _refuse_nul(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """A NUL never reaches the database. Schemas refuse it in text fields; this catches what
    arrives otherwise (an id as an RPC argument): psycopg2 raises ValueError on it, a 500, and
    SQLite would store it. Refused the same on both engines, as a 400."""
    if _holds_nul(parameters):
        raise ValidationFailed("文本不能包含 NUL 字符 (text may not contain NUL characters)")


def make_engine(url: str, background_checkpoints: bool = False) -> Engine:
    """An engine for `url`. Long-running services pass background_checkpoints: their SQLite
    WAL is then checkpointed off the hub (servicekit.walcheckpoint) instead of in a commit."""
    engine = _engine(url, background_checkpoints)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _engine(url: str, background_checkpoints: bool) -> Engine:
    # hide_parameters: a statement's values (a resident's phone among them) never reach an
    # exception's text, and so never a log line or a dead letter's error header.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        if background_checkpoints and engine.url.database not in (None, "", ":memory:"):
            event.listen(engine, "connect", _backstop_checkpoints)
            walcheckpoint.CHECKPOINTER.register(engine.url.database)
        return engine
    options = _postgres_timeouts(url)
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=options,
    )
    event.listen(engine, "do_connect", partial(_connect_by, options["connect_timeout"]))
    return engine


def _postgres_timeouts(url: str) -> dict[str, Any]:
    """A database that does not answer must fail fast: a connect timeout
    (DATABASE_CONNECT_TIMEOUT, 5 s) and TCP keepalives that drop a half-open connection in
    about 25 s instead of hours. Whatever the URL's query sets itself wins."""
    given = make_url(url).query
    options = {
        "connect_timeout": int(config.env("DATABASE_CONNECT_TIMEOUT", "5")),
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    return {key: value for key, value in options.items() if key not in given}


def _connect_by(seconds: float, dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Connect within `seconds`. Under eventlet's monkey-patch psycopg2 connects asynchronously
    (green, so the hub keeps running), and libpq then ignores connect_timeout: without this
    deadline a server that accepts and never answers would hold the worker for ever."""
    deadline = eventlet.Timeout(seconds)
    try:
        return dialect.dbapi.connect(*cargs, **cparams)
    except eventlet.Timeout as exc:
        if exc is not deadline:
            raise  # someone else's deadline
        raise dialect.dbapi.OperationalError(f"connection timeout expired ({seconds} s)") from exc
    finally:
        deadline.cancel()


class Database(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects a SQLAlchemy Session bound to the service's own database."""

    def __init__(self, service: str):
        self.service = service
        self.engine: Engine | None = None
        self.sessions: dict[Any, Session] = {}

    def setup(self) -> None:
        self.engine = make_engine(config.database_url(self.service), background_checkpoints=True)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> Session:
        session = self.session_factory()
        self.sessions[worker_ctx] = session
        return session

    def release(self, worker_ctx: Any) -> None:
        """Close the worker's session now: an open transaction is rolled back, and with it any
        lock it holds (SQLite's write lock, PostgreSQL's row locks). servicekit.rpc calls this
        before the reply is sent; worker_teardown, for every other entrypoint, after."""
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()

    def worker_teardown(self, worker_ctx: Any) -> None:
        self.release(worker_ctx)


def write_first(session: Session, key: Column[Any], value: Any, touch: Column[Any]) -> None:
    """SQLite has no FOR UPDATE: a transaction that reads first and writes later may act on
    what it read while another process's writer committed in between (two disbursements both
    seeing the budget unspent). Writing first — a no-op UPDATE of the row's `touch` column, not
    a key (SQLite would check foreign keys) — takes the file's write lock before anything is
    read, as FOR UPDATE takes the row on PostgreSQL, so the locked step sees the latest commit
    and excludes the others. On PostgreSQL this does nothing: the caller's FOR UPDATE does it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(_touch(key, touch), {"write_first_key": value})


@cache
def _touch(key: Column[Any], touch: Column[Any]) -> Any:
    """Built once per table: hot paths (a report, a cast) take their lock with it."""
    return update(key.table).where(key == bindparam("write_first_key")).values({touch.name: touch})


def commit_or_conflict(
    session: Session, message: str, then: Callable[[], None] | None = None
) -> None:
    """Commit; a unique or foreign key violation (a concurrent writer won) becomes a 409 with
    `message`, and `then` (e.g. a metric) runs only after a commit that held."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(message) from exc
    if then is not None:
        then()


# Failures of the database rather than of the request: refused or dropped connections, a full
# pool, a locked SQLite file. (sqlite3 reports a missing table as OperationalError too; a service
# migrates before it starts, so that one is not expected at run time either.)
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """The 503 an unreachable database means, or None for any other error."""
    if not isinstance(exc, UNAVAILABLE):
        return None
    return DatabaseUnavailable(
        "数据库暂不可用，请稍后再试 (the database is unavailable; retry shortly)",
        {"retry_after": 5},
    )
