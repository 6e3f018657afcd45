"""The petition service's RPC names and schemas (信访代办)."""

from marshmallow import fields

from .fields import StrictSchema

PETITION = "petition"


class PetitionRpc:
    """Every RPC method of the petition service."""

    get_status = "get_status"


class PetitionStatus(StrictSchema):  # OpenAPI names components by class: unique
    service = fields.String(required=True)
    events_processed = fields.Integer(required=True)
