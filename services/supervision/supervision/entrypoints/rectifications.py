"""Rectification requests (交办问题), the government's reports, look-backs (回头看)."""

from typing import Any

from contracts import supervision_inspections as contract
from contracts.events import RECTIFICATION_REPORTED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import lookbacks, rectifications


class RectificationEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def request_rectification(
        self, finding_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", {"group_id", "due_date", "lookback_on"} -> the request, round 1"""
        data = load(contract.RectificationIn, payload)
        return rectifications.request_rectification(
            self.db, self.outbox, self.auth, finding_id, data, idempotency_key, utcnow()
        )

    @rpc
    def list_rectifications(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "state"} -> a page of the area's requests with their rounds"""
        data = load(contract.RectificationsQuery, query)
        return rectifications.list_rectifications(self.db, self.auth, data)

    @rpc
    def get_rectification(self, rectification_id: str) -> dict[str, Any]:
        return rectifications.get_rectification(self.db, self.auth, rectification_id)

    @rpc
    def record_lookback(
        self, rectification_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", {"outcome": "partly", "note", "new_due_date"} -> the request, next round"""
        data = load(contract.LookbackIn, payload)
        return lookbacks.record_lookback(
            self.db, self.outbox, self.auth, rectification_id, data, idempotency_key, utcnow()
        )

    @rpc
    def set_rectification_rounds(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "max_rounds": 3} -> the area's limit of rounds before escalation"""
        data = load(contract.RectificationRoundsIn, payload)
        return lookbacks.set_rectification_rounds(self.db, self.auth, data, utcnow())

    @consumes(RECTIFICATION_REPORTED)
    def handle_implementation_rectification_reported(self, event: Delivery) -> None:
        """The government reports a round rectified: the group can look back."""
        rectifications.on_reported(self.db, event.payload)
