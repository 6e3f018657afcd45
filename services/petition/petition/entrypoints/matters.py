"""Matters: in through a code, handled in tiers, tracked by the resident."""

from typing import Any

from contracts import matters as contract
from contracts.events import PROPOSAL_SCREENED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import handling, intake, proposals, tracking, views


class MatterEntrypoints:
    """Mixed into PetitionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def submit_matter(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"code": "T7K2M9QX", "text", "category", "location": {"text"}, "resident"?} -> 201"""
        data = load(contract.MatterSubmit, payload)
        return intake.submit_matter(
            self.db, self.outbox, self.auth, data, idempotency_key, utcnow()
        )

    @rpc
    def list_matters(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "state"?, "tier"?, "overdue"?} -> the caller's matters of the area"""
        return views.list_matters(self.db, self.auth, load(contract.MattersQuery, query))

    @rpc
    def get_matter(self, matter_id: str) -> dict[str, Any]:
        return views.get_matter(self.db, self.auth, matter_id)

    @rpc
    def act_on_matter(self, matter_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", "tier", {"tier": "diversion", "method": "supervise", "department", …}"""
        if action not in contract.MATTER_ACTIONS:
            raise NotFound("没有该操作 (unknown action)")
        data = load(contract.MatterActionIn, payload)
        return handling.act_on_matter(
            self.db, self.outbox, self.auth, matter_id, action, data, utcnow()
        )

    @rpc
    def track_matter(self, tracking_code: str) -> dict[str, Any]:
        """ "T4KQ-7MZP-X2WD" -> the matter as its resident may see it"""
        return tracking.track_matter(self.db, tracking_code)

    @rpc
    def rate_matter(self, tracking_code: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T4KQ-…", {"satisfaction": "satisfied"} -> the tracking page, rated"""
        data = load(contract.ResidentRating, payload)
        return tracking.rate_matter(self.db, self.outbox, self.auth, tracking_code, data, utcnow())

    @consumes(PROPOSAL_SCREENED)
    def handle_collection_proposal_screened(self, event: Delivery) -> None:
        """Collection answered a proposal: if it came from one of our matters, say so there."""
        proposals.record_screening(self.db, event.payload, utcnow())
