"""Intake entrypoints: collection notices and proposals as residents and staff submit them."""

from typing import Any

from contracts import rpc as contract
from contracts.events import MATTER_CONVERTED_TO_PROPOSAL
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import duplicates, intake, matters, merging, supporters


class IntakeEntrypoints:
    """Mixed into CollectionService, which provides `db`, `outbox`, `auth` and `storage`."""

    db: Any
    outbox: Any
    auth: Any
    storage: Any

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
        """{"area_code": "150622100"} -> {"items": [notice, …]}; with "within": true, the
        notices of every area under it too."""
        data = load(contract.NoticeQuery, query)
        return intake.list_notices(self.db, data["area_code"], utcnow(), data["within"])

    @rpc
    def submit_proposal(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"title": "修缮广场", "description": "…", "category": "基础设施",
        "area_code": "150602001", "location": {"text": "林荫街道广场"},
        "estimated_cost_fen": 12000000} -> {"id", "tracking_code", "status", "submitted_at"}
        (+ "possible_duplicates" for staff). Staff channels: "deputy" (with "deputy_name",
        "liaison_station" and "supporters": [{"name", "phone", "suggestion"}]), "department"
        (with "department_name"), "letter", "visit", "hotline"; "attachments": [{"file_name",
        "content_type", "size_bytes", "sha256"}]."""
        data = load(contract.ProposalSubmit, payload)
        return intake.submit_proposal(
            self.db, self.outbox, self.auth, data, payload, idempotency_key, utcnow(), self.storage
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

    @rpc
    def add_supporter(
        self, proposal_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "<uuid>", {"name": "王某", "phone": "13800000000", "suggestion": "也希望修缮广场"}
        -> the supporter (staff view)."""
        data = load(contract.SupporterAdd, payload)
        return supporters.add_supporter(
            self.db, self.auth, str(proposal_id), data, payload, idempotency_key, utcnow()
        )

    @rpc
    def add_attachment(
        self, proposal_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "<uuid>", {"file_name": "现场.jpg", "content_type": "image/jpeg", "size_bytes": 120000,
        "sha256": "<64 hex>"} -> the attachment with its storage URI."""
        data = load(contract.AttachmentIn, payload)
        return supporters.add_attachment(
            self.db,
            self.auth,
            self.storage,
            str(proposal_id),
            data,
            (payload, idempotency_key),
            utcnow(),
        )

    @rpc
    def suggest_duplicates(self, proposal_id: str) -> dict[str, Any]:
        """ "<uuid>" -> {"proposal_id", "items": [up to 10 alike proposals of the area]}."""
        return duplicates.suggest_duplicates(self.db, self.auth, str(proposal_id))

    @rpc
    def merge_proposals(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"target_id": "<uuid>", "source_ids": ["<uuid>", …]} -> the target's staff detail."""
        data = load(contract.MergeRequest, payload)
        return merging.merge_proposals(self.db, self.auth, data, utcnow())

    @consumes(MATTER_CONVERTED_TO_PROPOSAL)
    def handle_petition_matter_converted_to_proposal(self, event: Delivery) -> None:
        """A deputy's petition matter became a proposal: one proposal per matter, idempotently."""
        matters.convert_matter(self.db, self.outbox, event, utcnow())
