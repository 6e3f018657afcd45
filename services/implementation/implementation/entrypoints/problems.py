"""Problem lists, scheduling meetings, and the reminders that chase both."""

from typing import Any

from contracts import implementation as contract
from contracts import problems as problem_contract
from contracts.events import RECTIFICATION_REQUESTED
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import meetings, problems, reminders

REMINDER_INTERVAL_SECONDS = 3600  # hourly: a step is recorded once, so running often is safe


class ProblemEntrypoints:
    """Mixed into ImplementationService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def raise_problem(
        self, project_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", {"description", "responsible_unit", …} -> the problem on the project's list"""
        data = load(problem_contract.ProblemIn, payload)
        return problems.raise_problem(
            self.db, self.auth, project_id, data, idempotency_key, utcnow()
        )

    @rpc
    def act_on_problem(
        self, problem_id: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "T-…", "resolve", {"note"} -> the problem in its next state"""
        if action not in problem_contract.PROBLEM_ACTIONS:
            raise NotFound("没有该操作 (unknown action)")
        data = load(problem_contract.ProblemAction, payload)
        return problems.act_on_problem(
            self.db, self.outbox, self.auth, problem_id, action, data, utcnow()
        )

    @rpc
    def list_problems(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "state", "overdue"} -> a page of the area's problems, soonest due first"""
        return problems.list_problems(
            self.db, self.auth, load(problem_contract.ProblemsQuery, query)
        )

    @consumes(RECTIFICATION_REQUESTED)
    def handle_supervision_rectification_requested(self, event: Delivery) -> None:
        """A supervision group's rectification request becomes one problem on the project."""
        problems.from_rectification(self.db, event.payload, utcnow())

    @rpc
    def record_meeting(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"cadence", "held_on", "chair", …} -> the meeting, with the problems it assigned"""
        data = load(problem_contract.MeetingIn, payload)
        return meetings.record_meeting(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_meetings(self, query: dict[str, Any]) -> dict[str, Any]:
        return meetings.list_meetings(
            self.db, self.auth, load(problem_contract.MeetingsQuery, query)
        )

    @rpc
    def run_reminders(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code"} -> the reminder steps sent now (the hourly job does the same)"""
        data = load(contract.RemindersRun, payload)
        return reminders.run_reminders(self.db, self.outbox, self.auth, data, utcnow())

    @timer(interval=REMINDER_INTERVAL_SECONDS)
    def send_reminders(self) -> None:
        reminders.nightly(self.db, self.outbox, self.auth.level, utcnow())
