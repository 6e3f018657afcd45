"""Rules, rosters and the frozen candidate lists coming from collection."""

from typing import Any

from contracts import voting as contract
from contracts.events import CANDIDATE_LIST_FROZEN
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import setup


class SetupEntrypoints:
    """Mixed into VotingService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def adopt_rules(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622100", "adopted_on": "2026-12-01", "document_ref": "…",
        "publication_channel": "镇政府公开栏"} -> version n of the area's 票决办法"""
        data = load(contract.VotingRulesCreate, payload)
        return setup.adopt_rules(self.db, self.auth, data, utcnow())

    @rpc
    def list_rules(self, query: dict[str, Any]) -> dict[str, Any]:
        return setup.list_rules(self.db, self.auth, load(contract.VotingRulesQuery, query))

    @rpc
    def import_roster(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "title", "csv": "代表证号,姓名,代表团\\n…"} -> the roster, or 422 with
        every row's problems and nothing imported."""
        data = load(contract.RosterImport, payload)
        return setup.import_roster(self.db, self.auth, data, utcnow())

    @rpc
    def get_roster(self, roster_id: str) -> dict[str, Any]:
        return setup.get_roster(self.db, self.auth, roster_id)

    @consumes(CANDIDATE_LIST_FROZEN)
    def handle_collection_candidate_list_frozen(self, event: Delivery) -> None:
        """Keep the frozen list so a session can bind it; once per event."""
        setup.receive_candidate_list(self.db, event.payload, utcnow())
