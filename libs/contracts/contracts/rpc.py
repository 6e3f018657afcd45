"""RPC method names and request/response schemas, per service (STYLE §2.4).

The gateway validates HTTP bodies with these same schemas and generates OpenAPI from them; the
service validates again at its entrypoint, so an internal caller cannot skip the rules.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .reference import (
    CATEGORIES,
    CHANNELS,
    LEVELS,
    MAX_BENEFICIARIES,
    MAX_COST_FEN,
    PROPOSAL_STATUSES,
    PUBLIC_CHANNEL,
)

# ---- collection -----------------------------------------------------------------------------
COLLECTION = "collection"


class CollectionRpc:
    """Every RPC method of the collection service. Request/response schemas: intake here,
    the rest in `contracts.screening`, `contracts.lists` and `contracts.reports`."""

    # intake
    create_notice = "create_notice"
    list_notices = "list_notices"
    submit_proposal = "submit_proposal"
    track_proposal = "track_proposal"
    list_proposals = "list_proposals"
    get_proposal = "get_proposal"
    add_supporter = "add_supporter"
    add_attachment = "add_attachment"
    suggest_duplicates = "suggest_duplicates"
    merge_proposals = "merge_proposals"
    # screening and the project library
    screen_proposal = "screen_proposal"
    list_screenings = "list_screenings"
    list_library = "list_library"
    update_library_item = "update_library_item"
    publish_outcomes = "publish_outcomes"
    answer_submitters = "answer_submitters"
    # draft lists, rounds (三上三下) and candidate lists
    get_area_settings = "get_area_settings"
    update_area_settings = "update_area_settings"
    create_draft_list = "create_draft_list"
    list_draft_lists = "list_draft_lists"
    get_draft_list = "get_draft_list"
    open_round = "open_round"
    record_comment = "record_comment"
    close_round = "close_round"
    get_version = "get_version"
    diff_versions = "diff_versions"
    freeze_list = "freeze_list"
    get_candidate_list = "get_candidate_list"
    # reports
    get_report = "get_report"
    export_report = "export_report"


class NoticeCreate(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    title = text(2, 100, required=True)
    body = text(0, 5000, load_default="")
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _window(self, data, **kwargs):
        if data["closes_at"] <= data["opens_at"]:
            raise ValidationError(
                "截止时间应晚于开始时间 (closes_at must follow opens_at)", "closes_at"
            )


class Notice(StrictSchema):
    id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)
    status = one_of(("upcoming", "open", "closed"), required=True)


class NoticeQuery(StrictSchema):
    area_code = area_code(required=True)


class NoticeList(StrictSchema):
    items = fields.List(fields.Nested(Notice), required=True)


class Location(StrictSchema):
    text = text(1, 200, required=True)
    lat = fields.Float(
        allow_nan=False, validate=validate.Range(-90, 90), allow_none=True, load_default=None
    )
    lng = fields.Float(
        allow_nan=False, validate=validate.Range(-180, 180), allow_none=True, load_default=None
    )


class ProposalSubmit(StrictSchema):
    """A proposal from a resident (channel online) or entered by staff on someone's behalf."""

    title = text(2, 100, required=True)
    description = text(5, 5000, required=True)
    category = one_of(CATEGORIES, required=True)
    area_code = area_code(required=True)
    channel = one_of(CHANNELS, load_default=PUBLIC_CHANNEL)
    location = fields.Nested(Location, required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    beneficiaries = bounded_int(0, MAX_BENEFICIARIES, allow_none=True, load_default=None)
    submitter_name = text(1, 50, allow_none=True, load_default=None)
    submitter_phone = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(r"^\+?[0-9][0-9 -]{4,19}$", error="电话号码格式不正确 (phone)"),
    )
    deputy_name = text(1, 50, allow_none=True, load_default=None)
    liaison_station = text(1, 100, allow_none=True, load_default=None)

    @validates_schema
    def _deputy_named(self, data, **kwargs):
        if data.get("channel") == "deputy" and not data.get("deputy_name"):
            raise ValidationError(
                "代表收集的建议须写明代表姓名 (deputy_name required)", "deputy_name"
            )


class ProposalCreated(StrictSchema):
    id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ProposalTracking(StrictSchema):
    """What anyone holding the tracking code may see: never personal data or internal notes."""

    tracking_code = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    area_code = area_code(required=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    status_text = fields.String(required=True)
    # The published reason for a verdict, or what information is needed; null otherwise.
    outcome_reason = fields.String(allow_none=True, load_default=None)
    # Set when merged: the code to follow from now on (the merged proposal's own outcome).
    merged_into = fields.String(allow_none=True, load_default=None)
    submitted_at = fields.AwareDateTime(required=True)


class Proposal(StrictSchema):
    """The staff view, inside the caller's area scope."""

    id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    notice_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    channel = one_of(CHANNELS, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    location = fields.Nested(Location, required=True)
    estimated_cost_fen = fields.Integer(allow_none=True)
    beneficiaries = fields.Integer(allow_none=True)
    submitter_name = fields.String(allow_none=True)
    submitter_phone = fields.String(allow_none=True)
    deputy_name = fields.String(allow_none=True)
    liaison_station = fields.String(allow_none=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ProposalQuery(StrictSchema):
    area_code = area_code(required=True)
    status = one_of(PROPOSAL_STATUSES, load_default=None)
    category = one_of(CATEGORIES, load_default=None)
    channel = one_of(CHANNELS, load_default=None)
    page = bounded_int(1, 100_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class ProposalPage(StrictSchema):
    items = fields.List(fields.Nested(Proposal), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
