"""Draft lists, rounds (三上三下) and candidate lists: the collection service's request and
response schemas (method names in `contracts.rpc.CollectionRpc`)."""

from typing import Unpack

from marshmallow import ValidationError, fields, validate, validates_schema

from .events import Candidate
from .fields import FieldOptions, LoadedData, StrictSchema, area_code, bounded_int, one_of, text
from .reference import CATEGORIES, LEVELS, MAX_COST_FEN

RECIPIENT_KINDS = ("township", "department", "deputy")
DRAFT_LIST_STATUSES = ("drafting", "in_round", "frozen")
MAX_ITEMS = 500
MAX_RECIPIENTS = 200


def _version_number(**kwargs: Unpack[FieldOptions]) -> fields.Integer:
    # Not strict: the gateway passes query strings, and "2" means version 2.
    return fields.Integer(
        validate=validate.Range(0, 100, error="版本号应在 0 到 100 之间 (version 0-100)"), **kwargs
    )


class AreaSettingsUpdate(StrictSchema):
    rounds = bounded_int(0, 10, required=True)
    differential_ratio_permille = bounded_int(0, 10_000, required=True)  # 200 = 20%


class AreaSettings(StrictSchema):
    area_code = area_code(required=True)
    rounds = fields.Integer(required=True)
    differential_ratio_permille = fields.Integer(required=True)
    is_default = fields.Boolean(required=True)  # no row for the area: the defaults apply
    updated_at = fields.AwareDateTime(allow_none=True, load_default=None)


class DraftListCreate(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    title = text(2, 100, required=True)
    # Absent: every library item of the area and year. Present: exactly these library items.
    proposal_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(1, MAX_ITEMS, error=f"应有 1 到 {MAX_ITEMS} 项 (1-{MAX_ITEMS})"),
        load_default=None,
    )

    @validates_schema
    def _unique(self, data: LoadedData, **kwargs: object) -> None:
        ids = data.get("proposal_ids") or []
        if len(set(ids)) != len(ids):
            raise ValidationError("项目不能重复 (duplicate proposal ids)", "proposal_ids")


class ListItem(StrictSchema):
    proposal_id = fields.UUID(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    estimated_cost_fen = fields.Integer(allow_none=True, load_default=None)
    lead_department = fields.String(allow_none=True, load_default=None)
    rationale = fields.String(required=True)


class CommentAnswer(StrictSchema):
    comment = fields.String(required=True)
    author = fields.String(allow_none=True, required=True)  # user id; null: before authors
    author_name = fields.String(allow_none=True, required=True)  # the account (账号)
    answered_at = fields.AwareDateTime(required=True)


class CommentRequest(StrictSchema):
    """A comment asked of one recipient in a round. Only the account named answers; answers
    are appended, never replaced: `comment` and `answered_at` are the first (the answer on
    record), `answers` every one in order, each with its author."""

    id = fields.UUID(required=True)
    round_number = fields.Integer(required=True)
    recipient_kind = one_of(RECIPIENT_KINDS, required=True)
    recipient = fields.String(required=True)
    account = fields.String(allow_none=True, load_default=None)  # null: before accounts
    comment = fields.String(allow_none=True, load_default=None)
    requested_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(allow_none=True, load_default=None)
    answers = fields.List(fields.Nested(CommentAnswer), load_default=list)


class Round(StrictSchema):
    number = fields.Integer(required=True)
    sends_version = fields.Integer(required=True)  # version number - 1 goes down for comment
    status = one_of(("open", "closed"), required=True)
    opened_at = fields.AwareDateTime(required=True)
    closed_at = fields.AwareDateTime(allow_none=True, load_default=None)
    comment_requests = fields.List(fields.Nested(CommentRequest), required=True)


class DraftListSummary(StrictSchema):
    id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    status = one_of(DRAFT_LIST_STATUSES, required=True)
    rounds_planned = fields.Integer(required=True)
    rounds_done = fields.Integer(required=True)
    latest_version = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)


class DraftList(DraftListSummary):
    rounds = fields.List(fields.Nested(Round), required=True)
    candidate_list_id = fields.UUID(allow_none=True, load_default=None)


class DraftListQuery(StrictSchema):
    area_code = area_code(required=True)
    year = fields.Integer(
        validate=validate.Range(2018, 2100, error="应在 2018 到 2100 之间 (range 2018-2100)"),
        load_default=None,
    )


class DraftListPage(StrictSchema):
    items = fields.List(fields.Nested(DraftListSummary), required=True)


class Recipient(StrictSchema):
    """Who is asked (e.g. a township, "林荫街道") and the gateway account (账号) that answers
    for it: only that account may record the answer."""

    kind = one_of(RECIPIENT_KINDS, required=True)
    recipient = text(1, 100, required=True)
    account = text(1, 64, required=True)


class RoundOpen(StrictSchema):
    recipients = fields.List(
        fields.Nested(Recipient),
        required=True,
        validate=validate.Length(
            1, MAX_RECIPIENTS, error=f"应有 1 到 {MAX_RECIPIENTS} 个征求对象 (1-{MAX_RECIPIENTS})"
        ),
    )


class CommentRecord(StrictSchema):
    comment_request_id = fields.UUID(required=True)
    comment = text(1, 5000, required=True)


class ItemRevision(StrictSchema):
    """An item of the revised list: a field given overrides, a field left out is kept."""

    proposal_id = fields.UUID(required=True)
    title = text(2, 100)
    summary = text(1, 5000)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True)
    lead_department = text(1, 100, allow_none=True)
    rationale = text(0, 5000)


class RoundClose(StrictSchema):
    items = fields.List(
        fields.Nested(ItemRevision),
        required=True,
        validate=validate.Length(1, MAX_ITEMS, error=f"应有 1 到 {MAX_ITEMS} 项 (1-{MAX_ITEMS})"),
    )
    # proposal id -> why it was added, removed or changed in this round
    reasons = fields.Dict(keys=fields.UUID(), values=text(1, 1000), load_default=dict)


class Version(StrictSchema):
    draft_list_id = fields.UUID(required=True)
    number = fields.Integer(required=True)
    items = fields.List(fields.Nested(ListItem), required=True)
    reasons = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    content_hash = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


# "from" is a Python keyword: these two schemas are built from dicts to keep the public names.
DiffQuery = StrictSchema.from_dict(
    {"from": _version_number(required=True), "to": _version_number(required=True)},
    name="DiffQuery",
)


class DiffEntry(StrictSchema):
    item = fields.Nested(ListItem, required=True)
    reason = fields.String(allow_none=True, load_default=None)


class DiffChange(StrictSchema):
    proposal_id = fields.UUID(required=True)
    title = fields.String(required=True)
    changes = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()), required=True)
    reason = fields.String(allow_none=True, load_default=None)


class VersionDiff(StrictSchema):
    draft_list_id = fields.UUID(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    added = fields.List(fields.Nested(DiffEntry), required=True)
    removed = fields.List(fields.Nested(DiffEntry), required=True)
    changed = fields.List(fields.Nested(DiffChange), required=True)


class Freeze(StrictSchema):
    seats = bounded_int(1, 1000, required=True)


class VoteResults(StrictSchema):
    session_id = fields.String(required=True)
    digest = fields.String(required=True)
    announced_at = fields.AwareDateTime(required=True)


class CandidateList(StrictSchema):
    id = fields.UUID(required=True)
    draft_list_id = fields.UUID(required=True)
    version_number = fields.Integer(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    seats = fields.Integer(required=True)
    differential_ratio_permille = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    frozen_at = fields.AwareDateTime(required=True)
    candidates = fields.List(fields.Nested(Candidate), required=True)
    results = fields.Nested(VoteResults, allow_none=True, load_default=None)
