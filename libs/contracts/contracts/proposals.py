"""Parts of a proposal beyond its own fields: supporters, attachments, duplicate suggestions
and merges (intake of stage 1). `contracts.rpc` re-exports them beside the intake schemas."""

from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import LoadedData, StrictSchema, Whole, bounded_int, one_of, text
from .reference import (
    ATTACHMENT_CONTENT_TYPES,
    CHANNELS,
    MAX_ATTACHMENT_BYTES,
    PROPOSAL_STATUSES,
    PUBLIC_CHANNEL,
    STAFF_CHANNELS,
)

PHONE = Whole(r"^\+?[0-9][0-9 -]{4,19}$", error="电话号码格式不正确 (phone)")
SHA256 = Whole(r"^[0-9a-f]{64}$", error="应为 64 位小写十六进制 SHA-256 (sha256 hex)")


class SupporterIn(StrictSchema):
    """A resident backing a proposal; name and phone are personal data (staff view only)."""

    name = text(1, 50, allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None, validate=PHONE)
    suggestion = text(1, 2000, required=True)


class SupporterAdd(SupporterIn):
    """One more supporter; the channel defaults to the proposal's own."""

    channel = one_of((PUBLIC_CHANNEL, *STAFF_CHANNELS), allow_none=True, load_default=None)


class Supporter(StrictSchema):
    id = fields.UUID(required=True)
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    suggestion = fields.String(required=True)
    channel = one_of(CHANNELS, required=True)
    # The proposal this supporter came from by a merge (its submitter or its supporter).
    merged_from_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class AttachmentIn(StrictSchema):
    """File metadata; allowed types and the size limit are in contracts.reference (README)."""

    file_name = text(1, 200, required=True)
    content_type = one_of(ATTACHMENT_CONTENT_TYPES, required=True)
    size_bytes = bounded_int(1, MAX_ATTACHMENT_BYTES, required=True)
    sha256 = fields.String(required=True, validate=SHA256)


class Attachment(StrictSchema):
    id = fields.UUID(required=True)
    proposal_id = fields.UUID(required=True)  # a merged source's attachments stay its own
    file_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    storage_uri = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class DuplicateCandidate(StrictSchema):
    """A possibly duplicate proposal of the same area: enough to decide on a merge."""

    id = fields.UUID(required=True)
    # null for a caller without a staff role (a deputy): a code opens a resident's tracking page
    tracking_code = fields.String(required=True, allow_none=True)
    title = fields.String(required=True)
    channel = one_of(CHANNELS, required=True)
    status = one_of(PROPOSAL_STATUSES, required=True)
    score = fields.Float(required=True)  # 0..1, higher is more alike
    distance_m = fields.Integer(allow_none=True)  # when both have coordinates
    submitted_at = fields.AwareDateTime(required=True)


class DuplicateList(StrictSchema):
    proposal_id = fields.UUID(required=True)
    items = fields.List(fields.Nested(DuplicateCandidate), required=True)


class MergeRequest(StrictSchema):
    target_id = fields.UUID(required=True)
    source_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(min=1, max=50, error="应合并 1 到 50 条建议 (1-50 sources)"),
    )

    @validates_schema
    def _distinct(self, data: LoadedData, **kwargs: object) -> None:
        sources = data.get("source_ids") or []
        if data.get("target_id") in sources:
            raise ValidationError("不能把建议合并到自身 (target among sources)", "source_ids")
        if len(set(sources)) != len(sources):
            raise ValidationError("合并来源有重复 (duplicate source ids)", "source_ids")


class MergedSource(StrictSchema):
    id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    title = fields.String(required=True)
    channel = one_of(CHANNELS, required=True)
