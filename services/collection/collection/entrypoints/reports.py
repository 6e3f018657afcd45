"""Report entrypoints: the collection report of an area and year, as JSON or as a file."""

from typing import Any

from contracts import reports as contract
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import reports


class ReportEntrypoints:
    """Mixed into CollectionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def get_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150602", "year": 2027} -> proposals by channel/category/status,
        screening means and verdicts, rounds per draft list, frozen candidate lists."""
        data = load(contract.ReportQuery, query)
        return reports.get_report(self.db, self.auth, data, utcnow())

    @rpc
    def export_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code": "150602", "year": 2027, "format": "csv", "table": "proposals"}
        -> {"file_name", "ascii_file_name", "content_type", "content_base64"}"""
        data = load(contract.ExportQuery, query)
        return reports.export_report(self.db, self.auth, data, utcnow())
