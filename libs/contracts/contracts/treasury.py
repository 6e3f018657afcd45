"""Treasury imports, reconciliations and the open-data export of project money: the answers of
the implementation service's methods for them (requests `TreasuryImportIn`, `FiscalDataQuery`
and the method names: `contracts.funds`).

A reconciliation (对账) pairs our disbursements (拨付) with the treasury's payments (国库集中支
付) by (mof_div_code, fiscal_year, pro_code, voucher_no); every record lands in one list. Money
is integer fen; a treasury reversal (冲销) is negative.
"""

from marshmallow import fields

from .fields import StrictSchema, area_code, bounded_int, one_of
from .funds import FUND_SOURCES, IMPORT_FORMATS
from .reference import LEVELS

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The lists of a reconciliation, in the order a report shows them, with their Chinese names.
RECONCILIATION_LISTS = {
    "amount_mismatches": "金额不一致",
    "missing_in_ours": "国库已支付、本系统无拨付记录",
    "missing_in_treasury": "本系统已拨付、国库无支付记录",
    "duplicates_in_treasury": "国库重复记录",
    "duplicates_in_ours": "本系统重复记录",
    "matched": "已核对一致",
}


class ReconciliationIn(StrictSchema):
    """Reconcile again without a new file (after disbursements were recorded)."""

    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


def _count() -> fields.Integer:
    return fields.Integer(required=True)


class ReconciliationSummary(StrictSchema):
    """Counts and fen per list; `clean`: every record matched."""

    ours_records = _count()
    ours_fen = _count()
    treasury_records = _count()
    treasury_fen = _count()
    matched = _count()
    matched_fen = _count()
    amount_mismatches = _count()
    mismatch_ours_fen = _count()
    mismatch_treasury_fen = _count()
    mismatch_difference_fen = _count()  # treasury − ours
    missing_in_treasury = _count()
    missing_in_treasury_fen = _count()
    missing_in_ours = _count()
    missing_in_ours_fen = _count()
    duplicates_in_treasury = _count()
    duplicates_in_treasury_fen = _count()
    duplicates_in_ours = _count()
    duplicates_in_ours_fen = _count()
    clean = fields.Boolean(required=True)


class TreasuryImport(StrictSchema):
    """An import's answer; the same file again answers the same import (`replayed`)."""

    id = fields.String(required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    format = one_of(IMPORT_FORMATS, required=True)
    rows = fields.Integer(required=True)
    added = fields.Integer(required=True)  # payment ids new to us
    known = fields.Integer(required=True)  # imported before, with the same content
    imported_by = fields.String(required=True)
    imported_at = fields.AwareDateTime(required=True)
    replayed = fields.Boolean(required=True)
    reconciliation_id = fields.String(required=True)
    reconciliation = fields.Nested(ReconciliationSummary, required=True)


class OursRecord(StrictSchema):
    """One of our disbursements, with its project."""

    flow_id = fields.String(required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    mof_div_code = fields.String(required=True)
    fiscal_year = fields.Integer(required=True)
    pro_code = fields.String(required=True)
    voucher_no = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    flow_date = fields.Date(required=True)
    source = one_of(FUND_SOURCES, required=True)
    source_name = fields.String(required=True)
    payee = fields.String(required=True)


class TreasuryRecord(StrictSchema):
    """One treasury payment, with the import that brought it."""

    payment_id = fields.String(required=True)
    import_id = fields.String(required=True)
    mof_div_code = fields.String(required=True)
    fiscal_year = fields.Integer(required=True)
    pro_code = fields.String(required=True)
    voucher_no = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    paid_on = fields.Date(required=True)
    payee = fields.String(required=True)


class ReconciledPair(StrictSchema):
    ours = fields.Nested(OursRecord, required=True)
    treasury = fields.Nested(TreasuryRecord, required=True)
    difference_fen = fields.Integer(required=True)  # treasury − ours; 0 when matched


class Reconciliation(StrictSchema):
    """对账报告 as it was made: the summary and every list, record by record."""

    id = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    import_id = fields.String(allow_none=True, required=True)  # None: reconciled on demand
    summary = fields.Nested(ReconciliationSummary, required=True)
    amount_mismatches = fields.List(fields.Nested(ReconciledPair), required=True)
    missing_in_ours = fields.List(fields.Nested(TreasuryRecord), required=True)
    missing_in_treasury = fields.List(fields.Nested(OursRecord), required=True)
    duplicates_in_treasury = fields.List(fields.Nested(TreasuryRecord), required=True)
    duplicates_in_ours = fields.List(fields.Nested(OursRecord), required=True)
    matched = fields.List(fields.Nested(ReconciledPair), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
