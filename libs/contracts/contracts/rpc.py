"""RPC method names and request/response schemas, per service (STYLE §2.4).

The gateway validates HTTP bodies with these same schemas and generates OpenAPI from them; the
service validates again at its entrypoint, so an internal caller cannot skip the rules.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import LoadedData, StrictSchema, area_code, bounded_int, one_of, text
from .proposals import (
    PHONE,
    Attachment,
    AttachmentIn,
    DuplicateCandidate,
    DuplicateList,
    MergedSource,
    MergeRequest,
    Supporter,
    SupporterAdd,
    SupporterIn,
)
from .reference import (
    CATEGORIES,
    CHANNELS,
    LEVELS,
    MAX_ATTACHMENTS,
    MAX_BENEFICIARIES,
    MAX_COST_FEN,
    MAX_SUPPORTERS_PER_SUBMISSION,
    PETITION_CHANNEL,
    PROPOSAL_STATUSES,
    PUBLIC_CHANNEL,
)
from .screening import ScreeningSummary

__all__ = [  # the proposal parts live in contracts.proposals; callers may import them here
    "Attachment",
    "AttachmentIn",
    "DuplicateCandidate",
    "DuplicateList",
    "MergeRequest",
    "MergedSource",
    "Supporter",
    "SupporterAdd",
    "SupporterIn",
]

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


# ---- voting -----------------------------------------------------------------------------------
VOTING = "voting"


class VotingRpc:
    """Every RPC method of the voting service. Schemas: `contracts.voting`."""

    # rules and rosters
    adopt_rules = "adopt_rules"
    list_rules = "list_rules"
    import_roster = "import_roster"
    get_roster = "get_roster"
    # sessions and their state machine
    create_session = "create_session"
    list_sessions = "list_sessions"
    get_session = "get_session"
    start_deliberation = "start_deliberation"
    record_deliberation = "record_deliberation"
    deliberation_summary = "deliberation_summary"
    check_in = "check_in"
    attendance_report = "attendance_report"
    open_session = "open_session"
    close_session = "close_session"
    tally_session = "tally_session"
    announce_session = "announce_session"
    publish_session = "publish_session"
    open_runoff = "open_runoff"
    # the ballot
    issue_ballot = "issue_ballot"
    reissue_ballot = "reissue_ballot"
    open_ballot = "open_ballot"
    cast_ballot = "cast_ballot"
    check_receipt = "check_receipt"
    enter_paper_ballot = "enter_paper_ballot"
    resolve_paper_ballot = "resolve_paper_ballot"
    record_paper_count = "record_paper_count"
    paper_status = "paper_status"
    record_consultation = "record_consultation"
    # results
    get_result = "get_result"
    get_audit = "get_audit"
    get_export = "get_export"


class NoticeCreate(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    title = text(2, 100, required=True)
    body = text(0, 5000, load_default="")
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _window(self, data: LoadedData, **kwargs: object) -> None:
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
    # true: the notices of the area and of every area under it (the residents' home page asks
    # the whole city at once, not each area apart).
    within = fields.Boolean(load_default=False)


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


def _at_most(count: int) -> validate.Length:
    return validate.Length(max=count, error=f"最多 {count} 项 (at most {count} items)")


def _channel_errors(data: LoadedData) -> dict[str, str]:
    """What each channel must name: the deputy and the station, the department; petition
    proposals come only from petition's event, and only staff attach others' suggestions."""
    channel, errors = data.get("channel"), {}
    if channel == PETITION_CHANNEL:
        errors["channel"] = "信访渠道的建议只能由信访事项转入 (petition: from matters only)"
    if channel == "deputy":
        for name, what in (("deputy_name", "代表姓名"), ("liaison_station", "联络站或代表之家")):
            if not data.get(name):
                errors[name] = f"代表收集的建议须写明{what} ({name} required)"
    if channel == "department" and not data.get("department_name"):
        errors["department_name"] = "重点征集须写明部门名称 (department_name required)"
    if channel == PUBLIC_CHANNEL and data.get("supporters"):
        errors["supporters"] = "网上提交不能附带他人的建议 (supporters are entered by staff)"
    return errors


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
    submitter_phone = fields.String(allow_none=True, load_default=None, validate=PHONE)
    deputy_name = text(1, 50, allow_none=True, load_default=None)
    liaison_station = text(1, 100, allow_none=True, load_default=None)
    department_name = text(1, 100, allow_none=True, load_default=None)
    # Residents' suggestions a deputy (or other staff) collected together with this proposal.
    supporters = fields.List(
        fields.Nested(SupporterIn),
        load_default=list,
        validate=_at_most(MAX_SUPPORTERS_PER_SUBMISSION),
    )
    attachments = fields.List(
        fields.Nested(AttachmentIn), load_default=list, validate=_at_most(MAX_ATTACHMENTS)
    )

    @validates_schema
    def _channel_rules(self, data: LoadedData, **kwargs: object) -> None:
        errors = _channel_errors(data)
        if errors:
            raise ValidationError(errors)


class ProposalCreated(StrictSchema):
    id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    submitted_at = fields.AwareDateTime(required=True)
    # Staff submissions only: a public submitter must not see other people's proposals.
    possible_duplicates = fields.List(fields.Nested(DuplicateCandidate))


class TrackedProject(StrictSchema):
    project_id = fields.String(required=True)
    status_text = fields.String(required=True)  # 已立项
    progress_percent = fields.String(allow_none=True, required=True)  # "45.0", null before any
    standing = fields.String(allow_none=True, required=True)  # ahead / on_track / lagging
    progress_as_of = fields.Date(allow_none=True, required=True)


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
    # Once adopted and made a project (已立项): its id and the latest reported progress.
    project = fields.Nested(TrackedProject, allow_none=True, load_default=None)


class Proposal(StrictSchema):
    """The staff view, inside the caller's area scope."""

    id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    notice_id = fields.UUID(allow_none=True)  # null: from a petition matter, no notice yet
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    channel = one_of(CHANNELS, required=True)
    year = fields.Integer(allow_none=True)
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
    department_name = fields.String(allow_none=True)
    source_matter_id = fields.String(allow_none=True)
    merged_into_id = fields.UUID(allow_none=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    submitted_at = fields.AwareDateTime(required=True)
    # Staff list only: the screeners' mean and spread so far (null before anyone scored).
    screening = fields.Nested(ScreeningSummary, allow_none=True)


class ProposalDetail(Proposal):
    """One proposal for staff: with its supporters, attachments, every channel it came through
    (its own and its merged sources') and the proposals merged into it."""

    channels = fields.List(one_of(CHANNELS), required=True)
    supporters = fields.List(fields.Nested(Supporter), required=True)
    attachments = fields.List(fields.Nested(Attachment), required=True)
    merged_from = fields.List(fields.Nested(MergedSource), required=True)


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
