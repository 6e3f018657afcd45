"""The envelope every event travels in (ARCHITECTURE §5)."""

from marshmallow import fields

from .fields import StrictSchema, area_code, one_of
from .reference import LEVELS


class EnvelopeSchema(StrictSchema):
    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True)  # e.g. "proposal_submitted_v1"
    schema_version = fields.Integer(required=True, strict=True)
    source = fields.String(required=True)  # the logical service, e.g. "collection"
    occurred_at = fields.AwareDateTime(required=True)  # ISO 8601, UTC
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    correlation_id = fields.String(required=True)  # the request id that caused it
    payload = fields.Dict(required=True)
