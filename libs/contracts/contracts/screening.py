"""Screening (政府筛选), the project library (民生实事项目库) and published outcomes: request and
response schemas of the collection service's RPC methods and the gateway routes in front.

Scores, comments and screener ids are internal: none of them reaches the public tracking page or
the `proposal_screened_v1` event; only the verdict and its reason do, once published.
"""

from marshmallow import ValidationError, fields, validates_schema

from .fields import LoadedData, StrictSchema, area_code, bounded_int, one_of, text
from .reference import (
    CATEGORIES,
    LEVELS,
    MAX_BENEFICIARIES,
    MAX_COST_FEN,
    PROPOSAL_STATUSES,
    SCREENING_VERDICTS,
)

# The four principles (四项原则), in the order screeners read them.
PRINCIPLES = ("public_benefit", "inclusive", "urgency", "assessable")
PRINCIPLE_NAMES = {
    "public_benefit": "公益均等",
    "inclusive": "普惠共享",
    "urgency": "先急后缓",
    "assessable": "可评可检",
}
# Verdicts that need a text the submitter will read: why not, or what is missing.
REASON_REQUIRED = {
    "rejected": "未入选须写明群众可读的理由 (a rejection needs a reason residents can read)",
    "needs_info": "须写明需要补充的信息 (say what information is needed)",
}


def _score() -> fields.Integer:
    return bounded_int(1, 5, required=True)


class PrincipleComments(StrictSchema):
    public_benefit = text(0, 500, allow_none=True)
    inclusive = text(0, 500, allow_none=True)
    urgency = text(0, 500, allow_none=True)
    assessable = text(0, 500, allow_none=True)


class LibraryFigures(StrictSchema):
    """The government's figures of a library item. An absent key keeps the current value (or,
    for a new item, the proposal's own figure)."""

    summary = text(1, 2000)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True)
    lead_department = text(1, 100, allow_none=True)
    beneficiaries = bounded_int(0, MAX_BENEFICIARIES, allow_none=True)
    rationale = text(0, 2000)


class ScreeningCreate(StrictSchema):
    """One screener's scores (1-5 each) and verdict. Example: {"public_benefit": 5,
    "inclusive": 4, "urgency": 5, "assessable": 3, "verdict": "rejected",
    "reason": "该路段已列入明年市政改造计划"}"""

    public_benefit = _score()
    inclusive = _score()
    urgency = _score()
    assessable = _score()
    comments = fields.Nested(PrincipleComments, load_default=dict)
    verdict = one_of(SCREENING_VERDICTS, required=True)
    reason = text(1, 1000, allow_none=True, load_default=None)
    library = fields.Nested(LibraryFigures, allow_none=True, load_default=None)

    @validates_schema
    def _verdict_needs(self, data: LoadedData, **kwargs: object) -> None:
        verdict = data.get("verdict")
        if verdict in REASON_REQUIRED and not (data.get("reason") or "").strip():
            raise ValidationError(REASON_REQUIRED[verdict], "reason")
        if data.get("library") is not None and verdict != "in_library":
            raise ValidationError(
                "只有入库的结论才能填写项目库信息 (library figures only with in_library)",
                "library",
            )


class Screening(StrictSchema):
    """One screening row, staff view. `latest` marks the row that counts for its screener."""

    id = fields.UUID(required=True)
    proposal_id = fields.UUID(required=True)
    screener_id = fields.String(required=True)
    public_benefit = fields.Integer(required=True)
    inclusive = fields.Integer(required=True)
    urgency = fields.Integer(required=True)
    assessable = fields.Integer(required=True)
    comments = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    verdict = one_of(SCREENING_VERDICTS, required=True)
    reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    latest = fields.Boolean(required=True)


class PrincipleSummary(StrictSchema):
    mean = fields.Float(required=True)
    stdev = fields.Float(required=True)  # population standard deviation
    min = fields.Integer(required=True)
    max = fields.Integer(required=True)


class ScreeningSummary(StrictSchema):
    """Over each screener's latest row: how many screened, and per principle mean and spread."""

    screeners = fields.Integer(required=True)
    public_benefit = fields.Nested(PrincipleSummary, required=True)
    inclusive = fields.Nested(PrincipleSummary, required=True)
    urgency = fields.Nested(PrincipleSummary, required=True)
    assessable = fields.Nested(PrincipleSummary, required=True)
    overall_mean = fields.Float(required=True)


class ScreeningList(StrictSchema):
    items = fields.List(fields.Nested(Screening), required=True)  # oldest first
    summary = fields.Nested(ScreeningSummary, allow_none=True, required=True)


class LibraryItem(StrictSchema):
    proposal_id = fields.UUID(required=True)
    # null for a caller without a staff role (a deputy): a code opens a resident's tracking page
    tracking_code = fields.String(required=True, allow_none=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    estimated_cost_fen = fields.Integer(allow_none=True)
    lead_department = fields.String(allow_none=True)
    beneficiaries = fields.Integer(allow_none=True)
    rationale = fields.String(required=True)
    added_by = fields.String(required=True)
    added_at = fields.AwareDateTime(required=True)


class ScreeningRecorded(StrictSchema):
    screening = fields.Nested(Screening, required=True)
    proposal_status = one_of(PROPOSAL_STATUSES, required=True)
    library_item = fields.Nested(LibraryItem, allow_none=True, required=True)
    summary = fields.Nested(ScreeningSummary, required=True)


class LibraryQuery(StrictSchema):
    area_code = area_code(required=True)  # the area and everything under it
    year = bounded_int(2018, 2100, required=True)
    category = one_of(CATEGORIES, load_default=None)
    q = text(1, 50, load_default=None)  # contained in title or summary
    page = bounded_int(1, 100_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class LibraryPage(StrictSchema):
    items = fields.List(fields.Nested(LibraryItem), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class LibraryItemUpdate(LibraryFigures):
    """At least one figure; e.g. {"estimated_cost_fen": 150000000, "lead_department": "住建局"}"""

    @validates_schema
    def _something(self, data: LoadedData, **kwargs: object) -> None:
        if not data:
            raise ValidationError("至少修改一项 (change at least one figure)", "_schema")


class OutcomeScope(StrictSchema):
    """Exactly one area (not its children) and year: {"area_code": "150622100", "year": 2027}"""

    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class OutcomesPublished(StrictSchema):
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    published = fields.Integer(required=True)  # newly published by this call
    unscreened = fields.Integer(required=True)  # still awaiting a verdict, not published
    published_at = fields.AwareDateTime(required=True)


class SubmittersAnswered(StrictSchema):
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    answered = fields.Integer(required=True)  # newly answered by this call
    answered_at = fields.AwareDateTime(required=True)
