"""The collection service as its service tests drive it (tests.support.workers): nameko's
worker_factory over a real migrated SQLite session, the real outbox writer and a Guard for the
caller — no broker."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from servicekit.auth import ANONYMOUS, Principal
from sqlalchemy.orm import Session

from tests.support.workers import migrated_sessions, service_worker


@contextmanager
def migrated_session(folder: Path) -> Iterator[Session]:
    with migrated_sessions("collection", folder) as sessions:
        yield sessions["collection"]


def collection_worker(
    session: Session,
    principal: Principal = ANONYMOUS,
    *,
    level: str = "township",
    request_id: str = "req-service-test",
    **dependencies: Any,
) -> Any:
    """A CollectionService instance whose dependencies are real, except the broker."""
    return service_worker(
        "collection",
        {"collection": session},
        principal,
        level=level,
        request_id=request_id,
        **dependencies,
    )
