"""One test harness for every registered service (contracts.registry): its databases migrated on
SQLite files or at given URLs (PostgreSQL), and a worker built by nameko's worker_factory with
real dependencies — a session for each `Database`, the real outbox writer, a Guard for the
caller — and no broker. A new service gets it by being registered; nothing here names one.
"""

import importlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from contracts import registry
from nameko.testing.services import worker_factory
from servicekit import migrate
from servicekit.auth import ANONYMOUS, AuthContext, Guard, Principal
from servicekit.db import Database, make_engine
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX, Outbox
from sqlalchemy.orm import Session


@contextmanager
def migrated_sessions(
    service: str, folder: Path, urls: dict[str, str] | None = None
) -> Iterator[dict[str, Session]]:
    """A session on each database of `service`, migrated to head: SQLite files under `folder`
    unless `urls` (database name -> URL) says otherwise."""
    databases = registry.get(service).databases
    urls = urls or {database: f"sqlite:///{folder}/{database}.db" for database in databases}
    engines = {}
    for database, url in urls.items():
        migrate.upgrade(database, url)
        engines[database] = make_engine(url)
    try:
        with ExitStack() as stack:
            yield {
                database: stack.enter_context(Session(engine, expire_on_commit=False))
                for database, engine in engines.items()
            }
    finally:
        for engine in engines.values():
            engine.dispose()


def service_worker(
    service: str,
    sessions: dict[str, Session],
    principal: Principal = ANONYMOUS,
    *,
    level: str = "township",
    request_id: str = "req-service-test",
    **dependencies: Any,
) -> Any:
    """A service instance whose dependencies are real, except the broker. `dependencies`
    replaces any of them (e.g. a storage fake)."""
    cls = importlib.import_module(f"{service}.service").SERVICE
    real: dict[str, Any] = {}
    for name in dir(cls):
        provider = getattr(cls, name, None)
        if isinstance(provider, Database):
            real[name] = sessions[provider.service]
        elif isinstance(provider, Outbox):
            real[name] = OutboxWriter(OUTBOX, request_id)
        elif isinstance(provider, AuthContext):
            real[name] = Guard(principal, service, level)
    return worker_factory(cls, **{**real, **dependencies})
