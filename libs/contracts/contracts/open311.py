"""Open311 GeoReport v2 on petition (信访代办): the RPC names and the shapes the gateway sends.

The gateway serves `/open311/v2/...` in JSON and XML; petition answers with plain Open311
records (gateway.open311 renders them). Services are the matter categories; a service request
is a matter in the jurisdiction's area (`jurisdiction_id` = the area code), POSTed by an
integrator holding an `api_key` that an administrator issued for an area (kept as a hash).
mySociety's `servicerequestupdates` extension: the public steps of matters, and updates that
integrators POST, once per `update_id`.

A resident's email, name and phone travel in a POSTed request and go into the matter only:
never into an Open311 answer, an event, a metric or a log line.
"""

from marshmallow import fields, validate

from .fields import StrictSchema, area_code, one_of, text
from .proposals import PHONE

OPEN311_CHANNEL = "open311"  # a matter's channel when it came in through Open311
STATUSES = ("open", "closed")
MAX_DAYS = 90  # a list spans at most 90 days, the latest 90 by default
MAX_RECORDS = 1000  # and holds at most 1,000 records
KEY_PREFIX = "o311_"


class Open311Rpc:
    """Petition's Open311 methods (a base of contracts.petition.PetitionRpc)."""

    get_georeport_services = "get_georeport_services"
    get_georeport_service = "get_georeport_service"
    list_georeport_requests = "list_georeport_requests"
    get_georeport_request = "get_georeport_request"
    get_georeport_token = "get_georeport_token"
    submit_georeport_request = "submit_georeport_request"
    list_georeport_updates = "list_georeport_updates"
    post_georeport_update = "post_georeport_update"
    issue_georeport_key = "issue_georeport_key"
    list_georeport_keys = "list_georeport_keys"
    revoke_georeport_key = "revoke_georeport_key"


def _optional(length: int) -> fields.String:
    return fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=length)
    )


def _date() -> fields.AwareDateTime:
    return fields.AwareDateTime(load_default=None, allow_none=True)


class RequestsQuery(StrictSchema):
    """GET requests: comma-separated ids, service codes and statuses; W3C date-times with a
    zone. The gateway fills `jurisdiction_id` with the whole city when a client sends none."""

    jurisdiction_id = area_code(required=True)
    service_request_id = _optional(2000)
    service_code = _optional(500)
    status = _optional(20)
    start_date = _date()
    end_date = _date()


class UpdatesQuery(StrictSchema):
    jurisdiction_id = area_code(required=True)
    start_date = _date()
    end_date = _date()


class RequestIn(StrictSchema):
    """POST requests (form fields as the spec names them; attribute[...] has no use here)."""

    api_key = fields.String(required=True, validate=validate.Length(min=1, max=200))
    jurisdiction_id = area_code(load_default=None, allow_none=True)
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    lat = fields.Float(
        allow_nan=False, validate=validate.Range(-90, 90), load_default=None, allow_none=True
    )
    long = fields.Float(
        allow_nan=False, validate=validate.Range(-180, 180), load_default=None, allow_none=True
    )
    address_string = text(1, 200, load_default=None, allow_none=True)
    address_id = _optional(100)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    device_id = _optional(100)
    account_id = _optional(100)
    first_name = text(1, 25, load_default=None, allow_none=True)
    last_name = text(1, 25, load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    description = text(5, 2000, required=True)
    media_url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=500))


class UpdateIn(StrictSchema):
    """POST servicerequestupdates (mySociety): an integrator's update to a request, recorded
    once per (integrator, update_id); the same update sent again answers the first."""

    api_key = fields.String(required=True, validate=validate.Length(min=1, max=200))
    jurisdiction_id = area_code(load_default=None, allow_none=True)
    service_request_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    update_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    status = one_of(STATUSES, required=True)
    updated_datetime = fields.AwareDateTime(required=True)
    description = text(1, 2000, required=True)
    media_url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=500))


# ---- keys (staff API) ----------------------------------------------------------------------
class Open311KeyIn(StrictSchema):
    """An integrator (a department's system, a hotline platform, …) and the area it may file
    requests in (its sub-areas included)."""

    area_code = area_code(required=True)
    name = text(1, 100, required=True)


class Open311KeysQuery(StrictSchema):
    area_code = area_code(required=True)


class Open311Key(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    area_code = fields.String(required=True)
    prefix = fields.String(required=True)  # the key's first characters, to recognise it
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    revoked_at = fields.AwareDateTime(allow_none=True, required=True)


class Open311KeyIssued(Open311Key):
    """The key itself, shown this once: only its hash is kept."""

    api_key = fields.String(required=True)


class Open311KeyPage(StrictSchema):
    items = fields.List(fields.Nested(Open311Key), required=True)
