"""Rules, rosters and the frozen candidate lists coming from collection."""

from typing import Any

from contracts import voting as contract
from contracts.events import CANDIDATE_LIST_FROZEN, SATISFACTION_VOTE_REQUESTED
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import requested, setup

# A satisfaction request waiting for rules or a roster is looked at again every minute.
PENDING_INTERVAL_SECONDS = 60


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

    @consumes(SATISFACTION_VOTE_REQUESTED)
    def handle_supervision_satisfaction_vote_requested(self, event: Delivery) -> None:
        """Supervision's satisfaction vote: its draft session (the id supervision derived), once;
        kept pending until the area has adopted rules and a roster."""
        requested.receive(self.db, event.payload, utcnow(), event.after_commit)

    @timer(interval=PENDING_INTERVAL_SECONDS)
    def create_requested_sessions(self) -> None:
        """Pending satisfaction requests whose area now has rules and a roster: sessions."""
        requested.create_waiting(self.db, self.auth.level, utcnow())
