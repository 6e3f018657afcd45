"""Collection reports and exports (报表与导出): request and response schemas of `get_report` and
`export_report`.

A report covers one area and everything under it, for one year. It carries counts, means and
list facts only: no submitter names or phones, no screener ids.
"""

from marshmallow import ValidationError, fields, validates_schema

from .fields import LoadedData, StrictSchema, area_code, bounded_int, one_of
from .reference import LEVELS, SCREENING_VERDICTS

PRINCIPLES = ("public_benefit", "inclusive", "urgency", "assessable")
PRINCIPLE_NAMES = {
    "public_benefit": "公益均等",
    "inclusive": "普惠共享",
    "urgency": "先急后缓",
    "assessable": "可评可检",
}
EXPORT_FORMATS = ("xlsx", "csv")
# One CSV file holds one table; a workbook holds them all (one sheet each) unless one is chosen.
EXPORT_TABLES = ("summary", "proposals", "screening", "rounds", "candidates")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ReportQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class ExportQuery(ReportQuery):
    format = one_of(EXPORT_FORMATS, load_default="xlsx")
    table = one_of(EXPORT_TABLES, load_default=None)

    @validates_schema
    def _one_table_per_csv(self, data: LoadedData, **kwargs: object) -> None:
        if data.get("format") == "csv" and not data.get("table"):
            raise ValidationError(
                "CSV 每次导出一张表，请指定 table (csv exports one table: give table)", "table"
            )


def _counts() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ReportProposalCounts(StrictSchema):
    """Every value of each vocabulary is present, zero included. A merged proposal counts once,
    as `merged`, in its own channel and category."""

    total = fields.Integer(required=True)
    by_channel = _counts()
    by_category = _counts()
    by_status = _counts()


class ReportPrincipleMeans(StrictSchema):
    """Mean score 1–5 over each screener's latest screening; null when nothing was screened."""

    public_benefit = fields.Float(allow_none=True, required=True)
    inclusive = fields.Float(allow_none=True, required=True)
    urgency = fields.Float(allow_none=True, required=True)
    assessable = fields.Float(allow_none=True, required=True)


class ReportScreening(StrictSchema):
    screened = fields.Integer(required=True)  # proposals with at least one screening
    screenings = fields.Integer(required=True)  # latest rows: one per screener and proposal
    verdicts = fields.Dict(keys=one_of(SCREENING_VERDICTS), values=fields.Integer(), required=True)
    mean_scores = fields.Nested(ReportPrincipleMeans, required=True)


class ReportDraftList(StrictSchema):
    draft_list_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)  # drafting | in_round | frozen
    rounds_planned = fields.Integer(required=True)
    rounds_done = fields.Integer(required=True)  # closed rounds
    rounds_open = fields.Integer(required=True)
    versions = fields.Integer(required=True)


class ReportCandidate(StrictSchema):
    position = fields.Integer(required=True)  # 1-based, in ballot order
    proposal_id = fields.String(allow_none=True, required=True)
    tracking_code = fields.String(allow_none=True, required=True)
    title = fields.String(required=True)
    category = fields.String(allow_none=True, required=True)
    estimated_cost_fen = fields.Integer(allow_none=True, required=True)
    lead_department = fields.String(allow_none=True, required=True)
    # adopted | not_adopted once the vote's results arrived; null before.
    result = one_of(("adopted", "not_adopted"), allow_none=True, required=True)


class ReportVoteResults(StrictSchema):
    session_id = fields.String(required=True)
    digest = fields.String(allow_none=True, required=True)
    announced_at = fields.AwareDateTime(allow_none=True, required=True)
    adopted = fields.Integer(required=True)
    not_adopted = fields.Integer(required=True)


class ReportCandidateList(StrictSchema):
    id = fields.UUID(required=True)
    draft_list_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    seats = fields.Integer(required=True)
    differential_ratio_permille = fields.Integer(required=True)  # 200 = 20%
    content_hash = fields.String(required=True)
    frozen_at = fields.AwareDateTime(required=True)
    candidates = fields.List(fields.Nested(ReportCandidate), required=True)
    results = fields.Nested(ReportVoteResults, allow_none=True, required=True)


class CollectionReport(StrictSchema):
    area_code = area_code(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    generated_at = fields.AwareDateTime(required=True)
    proposals = fields.Nested(ReportProposalCounts, required=True)
    screening = fields.Nested(ReportScreening, required=True)
    draft_lists = fields.List(fields.Nested(ReportDraftList), required=True)
    candidate_lists = fields.List(fields.Nested(ReportCandidateList), required=True)


class ExportFile(StrictSchema):
    """A file crossing RPC as text: the gateway decodes it and answers with the bytes."""

    file_name = fields.String(required=True)  # Chinese, for Content-Disposition filename*
    ascii_file_name = fields.String(required=True)  # fallback for clients without RFC 5987
    content_type = fields.String(required=True)
    content_base64 = fields.String(required=True)
