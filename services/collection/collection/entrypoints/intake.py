"""Intake entrypoints: collection notices and proposals as residents and staff submit them."""

from typing import Any

from contracts import rpc as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import intake


class IntakeEntrypoints:
    """Mixed into CollectionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def create_notice(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """Open a call for proposals. {"area_code": "150622100", "year": 2027, "title": "…",
        "opens_at": "2026-12-01T00:00:00+08:00", "closes_at": "2027-01-31T00:00:00+08:00"}"""
        data = load(contract.NoticeCreate, payload)
        return intake.create_notice(self.db, self.auth, data, payload, idempotency_key, utcnow())

    @rpc
    def list_notices(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622100"} -> {"items": [notice, …]}"""
        data = load(contract.NoticeQuery, query)
        return intake.list_notices(self.db, data["area_code"], utcnow())

    @rpc
    def submit_proposal(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"title": "修缮广场", "description": "…", "category": "基础设施",
        "area_code": "150602001", "location": {"text": "林荫街道广场"},
        "estimated_cost_fen": 12000000} -> {"id", "tracking_code", "status", "submitted_at"}"""
        data = load(contract.ProposalSubmit, payload)
        return intake.submit_proposal(
            self.db, self.outbox, self.auth, data, payload, idempotency_key, utcnow()
        )

    @rpc
    def track_proposal(self, tracking_code: str) -> dict[str, Any]:
        """ "T4KQ-7MZP-X2WD" -> status and outcome, never personal data."""
        return intake.track_proposal(self.db, str(tracking_code))

    @rpc
    def list_proposals(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "status": "submitted", "page": 1} -> a page, within scope."""
        data = load(contract.ProposalQuery, query)
        return intake.list_proposals(self.db, self.auth, data)

    @rpc
    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        """ "<uuid>" -> the staff view of one proposal, within scope."""
        return intake.get_proposal(self.db, self.auth, str(proposal_id))
