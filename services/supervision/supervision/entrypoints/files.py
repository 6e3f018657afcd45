"""The project's supervision file: implementation's facts applied as they arrive."""

from typing import Any

from contracts.events import PROJECT_CREATED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes

from ..use_cases import file_events


class FileEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any

    @consumes(PROJECT_CREATED)
    def handle_implementation_project_created(self, event: Delivery) -> None:
        """A project from the vote: its supervision file opens, once (and the facts that
        arrived before it are applied)."""
        file_events.open_file(self.db, event.payload, utcnow(), event.after_commit)
