"""Screening entrypoints: scores and verdicts, the project library, publishing outcomes and
answering submitters."""

from typing import Any

from contracts import screening as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import outcomes, screening


class ScreeningEntrypoints:
    """Mixed into CollectionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def screen_proposal(
        self, proposal_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "<uuid>", {"public_benefit": 5, "inclusive": 4, "urgency": 5, "assessable": 4,
        "verdict": "in_library", "library": {"lead_department": "住建局"}}
        -> {"screening", "proposal_status", "library_item", "summary"}"""
        data = load(contract.ScreeningCreate, payload)
        return screening.screen_proposal(
            self.db, self.auth, str(proposal_id), data, payload, idempotency_key, utcnow()
        )

    @rpc
    def list_screenings(self, proposal_id: str) -> dict[str, Any]:
        """ "<uuid>" -> {"items": [row, …], "summary": {"screeners": 2, …} | null}"""
        return screening.list_screenings(self.db, self.auth, str(proposal_id))

    @rpc
    def list_library(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622", "year": 2027, "category": "教育", "q": "幼儿园"} -> a page"""
        data = load(contract.LibraryQuery, query)
        return screening.list_library(self.db, self.auth, data)

    @rpc
    def update_library_item(self, proposal_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "<uuid>", {"estimated_cost_fen": 150000000, "lead_department": "旗教育局"} -> item"""
        data = load(contract.LibraryItemUpdate, payload)
        return screening.update_library_item(self.db, self.auth, str(proposal_id), data)

    @rpc
    def publish_outcomes(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622100", "year": 2027} -> {"published": 12, "unscreened": 0, …}"""
        data = load(contract.OutcomeScope, payload)
        return outcomes.publish_outcomes(self.db, self.auth, data, utcnow())

    @rpc
    def answer_submitters(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622100", "year": 2027} -> {"answered": 12, …}"""
        data = load(contract.OutcomeScope, payload)
        return outcomes.answer_submitters(self.db, self.outbox, self.auth, data, utcnow())
