"""Draft list entrypoints: area settings, draft lists, rounds (三上三下), versions and diffs,
freezing the candidate list, and the vote result coming back from voting."""

from typing import Any

from contracts import lists as contract
from contracts.events import PROGRESS_REPORTED, PROJECT_CREATED, SESSION_RESULTS_ANNOUNCED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import lists, projects, results, rounds


class ListEntrypoints:
    """Mixed into CollectionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def get_area_settings(self, area_code: str) -> dict[str, Any]:
        """ "150622100" -> {"rounds": 3, "differential_ratio_permille": 200, "is_default": true}"""
        return lists.get_area_settings(self.db, self.auth, area_code)

    @rpc
    def update_area_settings(self, area_code: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "150622100", {"rounds": 3, "differential_ratio_permille": 250}"""
        data = load(contract.AreaSettingsUpdate, payload)
        return lists.update_area_settings(self.db, self.auth, area_code, data, utcnow())

    @rpc
    def create_draft_list(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code": "150622100", "year": 2027, "title": "2027年民生实事候选项目（草案）"}
        -> version 0 built from the project library of that area and year."""
        data = load(contract.DraftListCreate, payload)
        return lists.create_draft_list(self.db, self.auth, data, payload, idempotency_key, utcnow())

    @rpc
    def list_draft_lists(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150622100", "year": 2027} -> {"items": [summary, …]}"""
        return lists.list_draft_lists(self.db, self.auth, load(contract.DraftListQuery, query))

    @rpc
    def get_draft_list(self, draft_list_id: str) -> dict[str, Any]:
        """ "<uuid>" -> the list with its rounds and comment requests."""
        return lists.get_draft_list(self.db, self.auth, draft_list_id)

    @rpc
    def open_round(self, draft_list_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "<uuid>", {"recipients": [{"kind": "township", "recipient": "薛家湾镇"}]}"""
        data = load(contract.RoundOpen, payload)
        return rounds.open_round(self.db, self.auth, draft_list_id, data, utcnow())

    @rpc
    def record_comment(
        self, draft_list_id: str, round_number: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "<uuid>", 1, {"comment_request_id": "<uuid>", "comment": "建议增加…"}"""
        data = load(contract.CommentRecord, payload)
        return rounds.record_comment(
            self.db, self.auth, draft_list_id, round_number, data, utcnow()
        )

    @rpc
    def close_round(
        self, draft_list_id: str, round_number: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "<uuid>", 1, {"items": [{"proposal_id": "<uuid>", "title": "…"}, …],
        "reasons": {"<uuid>": "乡镇意见：…"}} -> version 1"""
        data = load(contract.RoundClose, payload)
        return rounds.close_round(self.db, self.auth, draft_list_id, round_number, data, utcnow())

    @rpc
    def get_version(self, draft_list_id: str, number: int) -> dict[str, Any]:
        """ "<uuid>", 2 -> the immutable version 2"""
        return lists.get_version(self.db, self.auth, draft_list_id, number)

    @rpc
    def diff_versions(self, draft_list_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """ "<uuid>", {"from": 0, "to": 3} -> added, removed, changed with reasons"""
        data = load(contract.DiffQuery, query)
        return lists.diff_versions(self.db, self.auth, draft_list_id, data)

    @rpc
    def freeze_list(self, draft_list_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "<uuid>", {"seats": 10} -> the candidate list; candidate_list_frozen_v1 staged."""
        data = load(contract.Freeze, payload)
        return lists.freeze_list(self.db, self.outbox, self.auth, draft_list_id, data, utcnow())

    @rpc
    def get_candidate_list(self, candidate_list_id: str) -> dict[str, Any]:
        """ "<uuid>" -> the frozen list in ballot order, and the vote result once announced."""
        return lists.get_candidate_list(self.db, self.auth, candidate_list_id)

    @consumes(SESSION_RESULTS_ANNOUNCED)
    def handle_voting_session_results_announced(self, event: Delivery) -> None:
        """Mark the candidates' proposals adopted / not adopted, once per event."""
        results.apply_results(self.db, event.payload, event.event_id)

    @consumes(PROJECT_CREATED)
    def handle_implementation_project_created(self, event: Delivery) -> None:
        """An adopted proposal became a project: its tracking page says 已立项."""
        projects.record_project(self.db, event.payload, utcnow())

    @consumes(PROGRESS_REPORTED)
    def handle_implementation_progress_reported(self, event: Delivery) -> None:
        """The tracking page shows the project's latest reported progress."""
        projects.record_progress(self.db, event.payload, utcnow())
