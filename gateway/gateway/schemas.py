"""HTTP-only shapes (bodies that are not an RPC contract)."""

from contracts.fields import StrictSchema, area_code, one_of, text
from contracts.reference import AREA_KINDS, LEVELS, ROLES
from marshmallow import fields


class LoginRequest(StrictSchema):
    username = text(1, 64, required=True)
    password = text(1, 200, required=True)


class UserInfo(StrictSchema):
    id = fields.String(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(one_of(ROLES), required=True)
    area_code = area_code(required=True)
    department = fields.String(required=True, allow_none=True)  # department_staff's unit


class TokenResponse(StrictSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
    user = fields.Nested(UserInfo, required=True)


class Area(StrictSchema):
    code = area_code(required=True)
    name = fields.String(required=True)
    kind = one_of(AREA_KINDS, required=True)
    level = one_of(LEVELS, required=True)
    parent = fields.String(allow_none=True)
    sample = fields.Boolean(required=True)


class AreaList(StrictSchema):
    items = fields.List(fields.Nested(Area), required=True)


class AreaDetail(Area):
    children = fields.List(fields.Nested(Area), required=True)
    ancestors = fields.List(fields.Nested(Area), required=True)


class Health(StrictSchema):
    status = one_of(("ok", "degraded"), required=True)
    broker = fields.Boolean(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)


class ErrorBody(StrictSchema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorEnvelope(StrictSchema):
    error = fields.Nested(ErrorBody, required=True)
