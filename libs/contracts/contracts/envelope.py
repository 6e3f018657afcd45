"""The envelope every event travels in (ARCHITECTURE §5), and the bytes its signature covers.

Anyone who can publish to the broker can publish an envelope, so a consumer believes one only
with its producer's signature: HMAC-SHA256 over `canonical(envelope)` (servicekit.event_seal).
The encoding is part of the contract — a producer written in anything else must reproduce it
byte for byte: every field but `signature`, as JSON with sorted keys, no spaces, UTF-8.
"""

import json
from typing import Any

from marshmallow import fields

from .fields import StrictSchema, area_code, one_of
from .reference import LEVELS

SIGNATURE_FIELD = "signature"
CANONICAL_PREFIX = b"minsheng-event-v1\n"  # the scheme's name: a new encoding changes it


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
    signature = fields.String(required=True)  # "v1.<base64url HMAC-SHA256 of canonical()>"


def canonical(envelope: dict[str, Any]) -> bytes:
    """What the signature covers: every field but the signature itself — event type and
    version, source, event id, occurred-at, area, level, correlation id and the payload — so
    changing any of them, or adding one, breaks it. Key order and whitespace do not matter,
    so the bytes are the same before publishing and after the consumer's JSON decoding."""
    signed = {key: value for key, value in envelope.items() if key != SIGNATURE_FIELD}
    text = json.dumps(
        signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return CANONICAL_PREFIX + text.encode("utf-8")
