"""The collection service as its service tests drive it: nameko's worker_factory over a real
migrated SQLite session, the real outbox writer and a Guard for the caller — no broker."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from collection.service import CollectionService
from nameko.testing.services import worker_factory
from servicekit import migrate
from servicekit.auth import ANONYMOUS, Guard, Principal
from servicekit.db import make_engine
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from sqlalchemy.orm import Session


@contextmanager
def migrated_session(folder: Path) -> Iterator[Session]:
    url = f"sqlite:///{folder}/collection.db"
    migrate.upgrade("collection", url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def collection_worker(
    session: Session,
    principal: Principal = ANONYMOUS,
    *,
    level: str = "township",
    request_id: str = "req-service-test",
    **dependencies: Any,
) -> Any:
    """A CollectionService instance whose dependencies are real, except the broker."""
    return worker_factory(
        CollectionService,
        db=session,
        outbox=OutboxWriter(OUTBOX, request_id),
        auth=Guard(principal, "collection", level),
        **dependencies,
    )
