"""The deputies' satisfaction vote (满意度测评) and the year-end evaluation report."""

from typing import Any

from contracts import supervision_evaluation as contract
from contracts.events import SATISFACTION_VOTE_COMPLETED
from servicekit.clock import utcnow
from servicekit.consumer import Delivery, consumes
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import satisfaction, satisfaction_results, year_end


class SatisfactionEntrypoints:
    """Mixed into SupervisionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def request_satisfaction_vote(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "year", "title", "project_ids"?} -> the request, its session id"""
        data = load(contract.SatisfactionVoteIn, payload)
        return satisfaction.request_vote(
            self.db, self.outbox, self.auth, data, idempotency_key, utcnow()
        )

    @rpc
    def list_satisfaction_votes(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.SatisfactionVotesQuery, query)
        return satisfaction.list_votes(self.db, self.auth, data)

    @rpc
    def get_satisfaction_vote(self, vote_id: str) -> dict[str, Any]:
        return satisfaction.get_vote(self.db, self.auth, vote_id)

    @consumes(SATISFACTION_VOTE_COMPLETED)
    def handle_voting_satisfaction_vote_completed(self, event: Delivery) -> None:
        """Voting's results: each project graded, filed, and flagged when 不满意, once."""
        satisfaction_results.apply_completed(self.db, event.payload, utcnow(), event.after_commit)

    @rpc
    def get_year_end_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> completion, funds, findings, evaluations, satisfaction"""
        data = load(contract.YearEndQuery, query)
        return year_end.get_report(self.db, self.auth, data, utcnow())

    @rpc
    def export_year_end_report(self, report_format: str, query: dict[str, Any]) -> dict:
        """ "docx" | "xlsx", {"area_code", "year"} -> the report as a file (ExportFile)"""
        if report_format not in year_end.FORMATS:
            raise NotFound("没有该格式 (unknown format)")
        data = load(contract.YearEndQuery, query)
        return year_end.export_report(self.db, self.auth, data, report_format, utcnow())
