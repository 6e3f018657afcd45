"""Implementation's facts after a project's creation, each a line in its file: stage, never
commit (the consumer commits the effect with the processed event id)."""

from typing import Any

from contracts.events import (
    FUNDS_DISBURSED,
    PLAN_ADOPTED,
    PROBLEM_OVERDUE,
    PROGRESS_REPORTED,
    PROJECT_COMPLETED,
    PROJECT_FLAGGED,
)
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes

from ..use_cases.file_events import apply_fact


class FileEventEntrypoints:
    """Mixed into SupervisionService, which provides `db`."""

    db: Any

    @consumes(PLAN_ADOPTED)
    def handle_implementation_plan_adopted(self, event: Delivery) -> None:
        """A task plan's version: who leads, by when (the latest version is the project's)."""
        apply_fact(self.db, "plan_adopted", event.payload, utcnow(), event.after_commit)

    @consumes(PROGRESS_REPORTED)
    def handle_implementation_progress_reported(self, event: Delivery) -> None:
        """A scheduling report: progress against plan (a report dated earlier files only)."""
        apply_fact(self.db, "progress_reported", event.payload, utcnow(), event.after_commit)

    @consumes(PROJECT_FLAGGED)
    def handle_implementation_project_flagged(self, event: Delivery) -> None:
        """挂牌督办: lagging report after report."""
        apply_fact(self.db, "project_flagged", event.payload, utcnow(), event.after_commit)

    @consumes(PROBLEM_OVERDUE)
    def handle_implementation_problem_overdue(self, event: Delivery) -> None:
        """A problem past its due date (the project counts its distinct overdue problems)."""
        apply_fact(self.db, "problem_overdue", event.payload, utcnow(), event.after_commit)

    @consumes(FUNDS_DISBURSED)
    def handle_implementation_funds_disbursed(self, event: Delivery) -> None:
        """Money moved on the project: the budget, disbursed and paid totals."""
        apply_fact(self.db, "funds_disbursed", event.payload, utcnow(), event.after_commit)

    @consumes(PROJECT_COMPLETED)
    def handle_implementation_project_completed(self, event: Delivery) -> None:
        """Accepted (验收): completed, and whether it counts in its year."""
        apply_fact(self.db, "project_completed", event.payload, utcnow(), event.after_commit)
