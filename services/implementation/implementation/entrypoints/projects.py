"""Projects: from the vote, their plans, their scheduling reports, the public page."""

from typing import Any

from contracts import implementation as contract
from contracts.events import SESSION_RESULTS_ANNOUNCED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import plans, projects, reports


class ProjectEntrypoints:
    """Mixed into ImplementationService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @consumes(SESSION_RESULTS_ANNOUNCED)
    def handle_voting_session_results_announced(self, event: Delivery) -> None:
        """Every elected candidate becomes a project, once, whatever the broker redelivers."""
        projects.create_from_results(self.db, self.outbox, event.payload, utcnow())

    @rpc
    def list_projects(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "year": 2026} -> a page of the area's projects (subtree)"""
        return projects.list_projects(self.db, self.auth, load(contract.ProjectsQuery, query))

    @rpc
    def get_project(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> plan, milestones, progress against plan, recent reports"""
        return projects.get_project(self.db, self.auth, project_id)

    @rpc
    def get_public_project(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> what the site sign's QR code shows anyone"""
        return projects.get_public_project(self.db, project_id)

    @rpc
    def put_plan(self, project_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", the whole plan -> its new version (or the current one, if unchanged)"""
        data = load(contract.PlanIn, payload)
        return plans.put_plan(self.db, self.outbox, self.auth, project_id, data, utcnow())

    @rpc
    def list_plan_versions(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> every version with who, when, why and what changed"""
        return plans.list_plan_versions(self.db, self.auth, project_id)

    @rpc
    def create_report(
        self, project_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", a period's report -> the report judged against 序时进度"""
        data = load(contract.ReportIn, payload)
        return reports.create_report(
            self.db, self.outbox, self.auth, project_id, data, idempotency_key, utcnow()
        )

    @rpc
    def carry_over_project(self, project_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"reason", "new_deadline"} -> the project, carried over to next year"""
        data = load(contract.CarryOverIn, payload)
        return projects.carry_over_project(self.db, self.auth, project_id, data, utcnow())
