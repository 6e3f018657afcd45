"""The petition service's RPC names and schemas (信访代办): deputies and liaison stations with
their public codes (码上找代表); matters and their handling: `contracts.matters`.

A public code is the level's letter and seven Crockford base32 characters ("T7K2M9QX"): the
gateway routes a scan to its level without asking anyone. The QR code on a poster encodes
`PUBLIC_BASE_URL` + `/d/<code>`, the resident page of that deputy or station, whose data is
`GET /api/v1/public/deputies/{public_code}`.
"""

import re

from marshmallow import fields, validate

from .fields import StrictSchema, Whole, area_code, bounded_int, one_of, text
from .open311 import Open311Rpc
from .posts import PostsRpc, PublicDutyPost
from .reference import LEVELS
from .work_orders import WorkOrderRpc

PETITION = "petition"

PUBLIC_CODE_PATTERN = r"^[CBT][0-9A-HJKMNP-TV-Z]{7}$"
_LETTERS = {"C": "city", "B": "banner", "T": "township"}
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})

CONTACT_POLICIES = ("station", "phone", "online")  # petition.domain.deputies
STATION_KINDS = ("home", "station")  # 人大代表之家, 人大代表联络站
CODE_KINDS = ("deputy", "station")
QR_IMAGES = ("svg", "png")
MAX_DUTY_SLOTS = 70


def public_code_level(code: str) -> str | None:
    """The level a public code names, as residents type it (any case, spaces or hyphens, I/L
    for 1, O for 0), or None for what cannot be a code."""
    if not isinstance(code, str) or not code.isascii():
        return None
    cleaned = code.strip().replace("-", "").replace(" ", "").upper()
    cleaned = cleaned[:1] + cleaned[1:].translate(_READ_AS)
    if not re.fullmatch(PUBLIC_CODE_PATTERN, cleaned):
        return None
    return _LETTERS[cleaned[0]]


class PetitionRpc(PostsRpc, Open311Rpc, WorkOrderRpc):
    """Every RPC method of the petition service (duty posts and the diary: `PostsRpc`;
    Open311's: `Open311Rpc`; the 12345 work orders': `WorkOrderRpc`)."""

    get_status = "get_status"
    import_deputies = "import_deputies"
    list_deputies = "list_deputies"
    get_deputy = "get_deputy"
    get_deputy_qr = "get_deputy_qr"
    get_deputy_poster = "get_deputy_poster"
    replace_deputy_code = "replace_deputy_code"
    create_station = "create_station"
    list_stations = "list_stations"
    get_station = "get_station"
    put_station = "put_station"
    get_station_qr = "get_station_qr"
    get_station_poster = "get_station_poster"
    replace_station_code = "replace_station_code"
    get_public_code = "get_public_code"
    submit_matter = "submit_matter"
    list_matters = "list_matters"
    get_matter = "get_matter"
    act_on_matter = "act_on_matter"
    track_matter = "track_matter"
    rate_matter = "rate_matter"
    get_time_limits = "get_time_limits"
    put_time_limits = "put_time_limits"
    get_petition_calendar_year = "get_petition_calendar_year"
    put_petition_calendar_year = "put_petition_calendar_year"
    run_matter_reminders = "run_matter_reminders"
    get_petition_report = "get_petition_report"


class PetitionStatus(StrictSchema):  # OpenAPI names components by class: unique
    service = fields.String(required=True)
    events_processed = fields.Integer(required=True)


# ---- deputies ------------------------------------------------------------------------------
class DeputyImport(StrictSchema):
    """A CSV file of deputy profiles (Chinese headers: 姓名, 层级, 地区代码, 账号; optional 代表团,
    联络站, 专长, 公开联系方式, 公开电话): all or nothing, every bad row named by its line."""

    area_code = area_code(required=True)
    csv = text(1, 250_000, required=True)


class ImportedDeputy(StrictSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    username = fields.String(required=True)
    public_code = fields.String(required=True)
    created = fields.Boolean(required=True)  # False: an existing profile updated


class DeputyImportResult(StrictSchema):
    area_code = fields.String(required=True)
    imported = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    deputies = fields.List(fields.Nested(ImportedDeputy), required=True)


class DeputyProfile(StrictSchema):
    """A deputy as staff see it, with the account (账号) it is linked to."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    delegation = fields.String(allow_none=True, required=True)
    station_id = fields.String(allow_none=True, required=True)
    station_name = fields.String(allow_none=True, required=True)
    specialties = fields.List(fields.String(), required=True)
    contact_policy = one_of(CONTACT_POLICIES, required=True)
    public_phone = fields.String(allow_none=True, required=True)
    username = fields.String(required=True)
    public_code = fields.String(required=True)
    public_url = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


class DeputiesQuery(StrictSchema):
    area_code = area_code(required=True)
    q = text(1, 50, load_default=None, allow_none=True)  # a name, or part of one
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class DeputyPage(StrictSchema):
    items = fields.List(fields.Nested(DeputyProfile), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class CodeReplace(StrictSchema):
    """Revoke the current public code and replace it: by a new code of the same deputy or
    station, or by a successor deputy's code (a term ended); the old code then says 此码已停用
    and shows the new holder."""

    reason = text(1, 200, required=True)
    successor_deputy_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=36)
    )


class CodeReplaced(StrictSchema):
    revoked_code = fields.String(required=True)
    public_code = fields.String(required=True)  # the code the old one now points to
    public_url = fields.String(required=True)
    kind = one_of(CODE_KINDS, required=True)
    holder_id = fields.String(required=True)


# ---- stations ------------------------------------------------------------------------------
class DutySlotIn(StrictSchema):
    weekday = bounded_int(1, 7, required=True)  # ISO: Monday 1 … Sunday 7
    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class StationIn(StrictSchema):
    """A liaison station or deputy home (代表联络站、代表之家) with its duty schedule."""

    area_code = area_code(required=True)
    name = text(1, 100, required=True)
    kind = one_of(STATION_KINDS, load_default="station")
    address = text(1, 200, required=True)
    lat = fields.Float(allow_nan=False, validate=validate.Range(-90, 90), required=True)
    lng = fields.Float(allow_nan=False, validate=validate.Range(-180, 180), required=True)
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=Whole(r"^\+?[0-9][0-9 -]{4,19}$", error="电话号码格式不正确 (phone)"),
    )
    opening_hours = text(1, 100, load_default=None, allow_none=True)
    duty = fields.List(
        fields.Nested(DutySlotIn), load_default=list, validate=validate.Length(max=MAX_DUTY_SLOTS)
    )


class DutySlot(StrictSchema):
    weekday = fields.Integer(required=True)
    weekday_name = fields.String(required=True)
    deputy_id = fields.String(required=True)
    deputy_name = fields.String(required=True)


class Station(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    name = fields.String(required=True)
    kind = one_of(STATION_KINDS, required=True)
    kind_name = fields.String(required=True)
    address = fields.String(required=True)
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    phone = fields.String(allow_none=True, required=True)
    opening_hours = fields.String(allow_none=True, required=True)
    duty = fields.List(fields.Nested(DutySlot), required=True)
    public_code = fields.String(required=True)
    public_url = fields.String(required=True)


class StationsQuery(StrictSchema):
    area_code = area_code(required=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class StationPage(StrictSchema):
    items = fields.List(fields.Nested(Station), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


# ---- the resident's page (码上找代表) ------------------------------------------------------
class PublicDuty(StrictSchema):
    weekday = fields.Integer(required=True)
    weekday_name = fields.String(required=True)
    deputy_name = fields.String(required=True)


class PublicStation(StrictSchema):
    name = fields.String(required=True)
    kind_name = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    address = fields.String(required=True)
    lat = fields.Float(required=True)
    lng = fields.Float(required=True)
    phone = fields.String(allow_none=True, required=True)
    opening_hours = fields.String(allow_none=True, required=True)
    duty = fields.List(fields.Nested(PublicDuty), required=True)
    on_duty_today = fields.List(fields.String(), required=True)  # deputies' names


class PublicDeputy(StrictSchema):
    name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    level_name = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    delegation = fields.String(allow_none=True, required=True)
    specialties = fields.List(fields.String(), required=True)
    contact_policy = one_of(CONTACT_POLICIES, required=True)
    contact = fields.String(required=True)  # how to reach them, in words
    public_phone = fields.String(allow_none=True, required=True)  # only with the phone policy
    station = fields.Nested(PublicStation, allow_none=True, required=True)
    # The newest visible duty posts (履职圈), contracts.posts.RECENT_POSTS of them.
    recent_posts = fields.List(fields.Nested(PublicDutyPost), required=True)


class CodeHolder(StrictSchema):
    code = fields.String(required=True)
    kind = one_of(CODE_KINDS, required=True)
    url = fields.String(required=True)
    deputy = fields.Nested(PublicDeputy, allow_none=True, required=True)
    station = fields.Nested(PublicStation, allow_none=True, required=True)
    area_code = fields.String(required=True)  # where a matter sent through it belongs


class PublicCodePage(StrictSchema):
    """What a scanned code opens. A revoked code says so (此码已停用) and shows who now
    answers; `holder` is whom a matter sent through `holder.code` reaches."""

    code = fields.String(required=True)
    active = fields.Boolean(required=True)
    message = fields.String(allow_none=True, required=True)
    holder = fields.Nested(CodeHolder, required=True)
