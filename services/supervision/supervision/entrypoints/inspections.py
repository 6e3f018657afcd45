"""Inspections and findings (集中督查 and the standing committee's other forms)."""

from typing import Any

from contracts import supervision_inspections as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import inspection_findings, inspections


class InspectionEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def record_inspection(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "kind": "inspection", "cadence", "held_on", "group_id", "title",
        "project_ids", "methods", "participants", "questions", "findings"} -> the record"""
        data = load(contract.InspectionIn, payload)
        return inspections.record_inspection(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_inspections(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "kind"} -> a page of the area's inspections, latest first"""
        data = load(contract.InspectionsQuery, query)
        return inspections.list_inspections(self.db, self.auth, data)

    @rpc
    def get_inspection(self, inspection_id: str) -> dict[str, Any]:
        """ "T-…" -> the inspection with its projects, questions and findings"""
        return inspections.get_inspection(self.db, self.auth, inspection_id)

    @rpc
    def raise_project_finding(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"project_id", "group_id", "text", "photos"} -> the finding (source "direct")"""
        data = load(contract.DirectFindingIn, payload)
        return inspection_findings.raise_project_finding(
            self.db, self.auth, data, idempotency_key, utcnow()
        )

    @rpc
    def list_findings(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "state", "project_id"} -> a page of findings the caller sees"""
        data = load(contract.FindingsQuery, query)
        return inspection_findings.list_findings(self.db, self.auth, data)

    @rpc
    def get_finding(self, finding_id: str) -> dict[str, Any]:
        return inspection_findings.get_finding(self.db, self.auth, finding_id)
