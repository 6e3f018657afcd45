"""Treasury reconciliation (国库集中支付对账) and the open-data export of project money."""

from typing import Any

from contracts import funds as contract
from contracts import treasury
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import open_data
from ..use_cases import treasury as use_cases


class TreasuryEntrypoints:
    """Mixed into ImplementationService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def import_treasury_payments(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "format": "csv", "content": "payment_id,…"} -> the import and
        its reconciliation summary; any bad row: 422 listing every row's errors"""
        data = load(contract.TreasuryImportIn, payload)
        return use_cases.import_treasury_payments(self.db, self.auth, data, utcnow())

    @rpc
    def reconcile_treasury(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> a new reconciliation report of what is stored now"""
        data = load(treasury.ReconciliationIn, payload)
        return use_cases.reconcile_treasury(self.db, self.auth, data, utcnow())

    @rpc
    def get_reconciliation(self, reconciliation_id: str) -> dict[str, Any]:
        """ "T-…" -> the summary and every list, record by record"""
        return use_cases.get_reconciliation(self.db, self.auth, reconciliation_id)

    @rpc
    def export_reconciliation(self, reconciliation_id: str) -> dict[str, Any]:
        """ "T-…" -> the report as an Excel workbook (a summary sheet, one sheet per list)"""
        return use_cases.export_reconciliation(self.db, self.auth, reconciliation_id)

    @rpc
    def export_fiscal_data(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> a zip of datapackage.json and funds.csv (anyone)"""
        data = load(contract.FiscalDataQuery, query)
        return open_data.export_fiscal_data(self.db, data, utcnow())
