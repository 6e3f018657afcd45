"""The implementation service's RPC names and schemas (政府办 · 实施)."""

from marshmallow import fields

from .fields import StrictSchema

IMPLEMENTATION = "implementation"


class ImplementationRpc:
    """Every RPC method of the implementation service."""

    get_status = "get_status"


class Status(StrictSchema):
    service = fields.String(required=True)
    events_processed = fields.Integer(required=True)
