"""Acceptance, the completion KPI and the exports."""

from typing import Any

from contracts import implementation as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import acceptance, completion

GAUGE_INTERVAL_SECONDS = 300


class CompletionEntrypoints:
    """Mixed into ImplementationService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def accept_project(self, project_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"accepted_on", "accepting_body", "result", "note"} -> the acceptance"""
        data = load(contract.AcceptanceIn, payload)
        return acceptance.accept_project(
            self.db, self.outbox, self.auth, project_id, data, utcnow()
        )

    @rpc
    def get_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> 当年完成率, the forecast, the lagging and carried-over lists"""
        data = load(contract.ImplementationReportQuery, query)
        return completion.get_report(self.db, self.auth, data, utcnow())

    @rpc
    def get_public_board(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150621", "year": 2026} -> the public progress board (no login)"""
        data = load(contract.ImplementationReportQuery, query)
        return completion.get_public_board(self.db, data, utcnow())

    @rpc
    def export_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "table", "format"} -> the table as an xlsx or csv file"""
        data = load(contract.ImplementationExportQuery, query)
        return completion.export_report(self.db, self.auth, data, utcnow())

    @timer(interval=GAUGE_INTERVAL_SECONDS)
    def refresh_gauges(self) -> None:
        """Projects by status, lagging, overdue problems, completion: the ops dashboard's."""
        completion.refresh_gauges(self.db, self.auth.level)
