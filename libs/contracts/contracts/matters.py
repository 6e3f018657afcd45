"""Matters (事项) a resident brings to a deputy, and their tiered handling (分级代办): the
petition service's schemas beyond deputies and stations (contracts.petition).

A resident's name and phone are taken on submission and shown only to the staff and deputies
who handle the matter: never on the tracking page, the public page, in events, metrics or logs.
"""

from marshmallow import fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .proposals import PHONE, AttachmentIn
from .reference import CATEGORIES, LEVELS, MAX_ATTACHMENTS, SCREENING_VERDICTS
from .rpc import Location

# Proposal categories first (a matter may become a proposal), then what petitions also bring.
MATTER_CATEGORIES = (
    *(c for c in CATEGORIES if c != "其他"),
    "矛盾纠纷",
    "劳动社保",
    "物业管理",
    "生态环境",
    "政策咨询",
    "其他",
)
# qr: a resident through a deputy's or station's code; the deputy's own ways of meeting people:
# 走访 (visit), 庭院会 (courtyard), 板凳会 (bench), 代表赶大集 (market); a station's reception.
PUBLIC_MATTER_CHANNEL = "qr"
DEPUTY_CHANNELS = ("visit", "courtyard", "bench", "market")
SUBMIT_CHANNELS = (PUBLIC_MATTER_CHANNEL, *DEPUTY_CHANNELS, "station")
# A matter a deputy opened from a 12345 work order (contracts.work_orders): never submitted.
HOTLINE_MATTER_CHANNEL = "hotline"
# open311: filed by an integrator through Open311 (contracts.open311), never through a code;
# hotline: opened by a deputy from a 12345 work order.
MATTER_CHANNELS = (*SUBMIT_CHANNELS, "open311", HOTLINE_MATTER_CHANNEL)
MATTER_STATES = ("received", "accepted", "handling", "resolved", "closed")
TIERS = ("direct", "diversion", "joint")
METHODS = ("supervise", "follow", "assist", "investigate")
SATISFACTION = ("satisfied", "basically", "dissatisfied")
# The path names of the actions (petition.domain.matters names them in snake case).
MATTER_ACTIONS = (
    "accept",
    "tier",
    "route",
    "report-up",
    "extend",
    "resolve",
    "return-visit",
    "reopen",
    "convert",
)
STAGES = ("accept", "first_contact", "handle")
UNITS = ("workday", "calendar_day")
STARTS = ("received", "next_day")
REMINDER_STEPS = ("urge", "circulate", "circulate_upper")
MAX_PARTIES = 20


def _at_most(count: int) -> validate.Length:
    return validate.Length(max=count, error=f"最多 {count} 项 (at most {count} items)")


def _names(count: int) -> fields.List:
    return fields.List(text(1, 100), load_default=list, validate=_at_most(count))


class Resident(StrictSchema):
    """Optional: to be called back. Never shown publicly, never logged, never in events."""

    name = text(1, 50, load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class MatterSubmit(StrictSchema):
    """A matter through a deputy's or a station's public code: by a resident (channel qr, no
    account) or entered by the deputy or the station (the other channels, login)."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    channel = one_of(SUBMIT_CHANNELS, load_default=PUBLIC_MATTER_CHANNEL)
    title = text(2, 100, load_default=None, allow_none=True)
    text = text(5, 2000, required=True)
    category = one_of(MATTER_CATEGORIES, required=True)
    # Inferred from the station, else the deputy; a place under it may be given instead.
    area_code = area_code(load_default=None, allow_none=True)
    location = fields.Nested(Location, required=True)
    attachments = fields.List(
        fields.Nested(AttachmentIn), load_default=list, validate=_at_most(MAX_ATTACHMENTS)
    )
    resident = fields.Nested(Resident, load_default=None, allow_none=True)


class MatterCreated(StrictSchema):
    id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    state = one_of(MATTER_STATES, required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    received_at = fields.AwareDateTime(required=True)
    accept_due = fields.Date(allow_none=True, required=True)


class JointMeeting(StrictSchema):
    """联合代办: the meeting of the deputies and departments handling the matter together."""

    held_on = fields.Date(required=True)
    place = text(1, 100, required=True)
    attendees = fields.List(text(1, 100), required=True, validate=validate.Length(min=2, max=50))
    decisions = text(1, 2000, required=True)


class MatterActionIn(StrictSchema):
    """One body for every action; what each needs (400 naming the field otherwise):
    accept — note?; tier — tier, method, and for diversion department + due_date, for joint
    deputy_ids and/or departments (two parties at least) + meeting; route — department,
    due_date, method; report-up — reason, to_deputy_id?; extend — days, reason; resolve —
    result, documents?; return-visit — satisfaction, by (deputy | phone), note?; reopen —
    reason; convert — title, description, category?. `method` (督办/盯办/协办/查办) may go with
    any action."""

    note = text(1, 2000, load_default=None, allow_none=True)
    method = one_of(METHODS, load_default=None, allow_none=True)
    tier = one_of(TIERS, load_default=None, allow_none=True)
    department = text(1, 100, load_default=None, allow_none=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    deputy_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        load_default=list,
        validate=_at_most(MAX_PARTIES),
    )
    departments = _names(MAX_PARTIES)
    meeting = fields.Nested(JointMeeting, load_default=None, allow_none=True)
    reason = text(1, 500, load_default=None, allow_none=True)
    to_deputy_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=36)
    )
    days = bounded_int(1, 366, load_default=None, allow_none=True)
    result = text(1, 2000, load_default=None, allow_none=True)
    documents = fields.List(
        fields.Nested(AttachmentIn), load_default=list, validate=_at_most(MAX_ATTACHMENTS)
    )
    satisfaction = one_of(SATISFACTION, load_default=None, allow_none=True)
    by = one_of(("deputy", "phone"), load_default=None, allow_none=True)
    title = text(2, 100, load_default=None, allow_none=True)
    description = text(5, 5000, load_default=None, allow_none=True)
    category = one_of(CATEGORIES, load_default=None, allow_none=True)


class ResidentRating(StrictSchema):
    """The resident's own judgement of a resolution, on the tracking page."""

    satisfaction = one_of(SATISFACTION, required=True)
    comment = text(1, 500, load_default=None, allow_none=True)


class MattersQuery(StrictSchema):
    area_code = area_code(required=True)
    state = one_of(MATTER_STATES, load_default=None, allow_none=True)
    tier = one_of(TIERS, load_default=None, allow_none=True)
    overdue = fields.Boolean(load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


# ---- answers -------------------------------------------------------------------------------
class MatterStep(StrictSchema):
    action = fields.String(required=True)
    action_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    at = fields.AwareDateTime(required=True)
    by = fields.String(allow_none=True, required=True)  # an account id (staff views only)
    method = fields.String(allow_none=True, required=True)
    details = fields.Dict(required=True)


class MatterSummary(StrictSchema):
    id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    channel = one_of(MATTER_CHANNELS, required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    origin_level = one_of(LEVELS, required=True)
    state = one_of(MATTER_STATES, required=True)
    state_name = fields.String(required=True)
    tier = one_of(TIERS, allow_none=True, required=True)
    tier_name = fields.String(allow_none=True, required=True)
    deputy_id = fields.String(allow_none=True, required=True)
    deputy_name = fields.String(allow_none=True, required=True)
    station_id = fields.String(allow_none=True, required=True)
    received_at = fields.AwareDateTime(required=True)
    due = fields.Date(allow_none=True, required=True)  # the running time limit's last day
    overdue = fields.Boolean(required=True)


class MatterPage(StrictSchema):
    items = fields.List(fields.Nested(MatterSummary), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class RoutedDepartment(StrictSchema):
    department = fields.String(required=True)
    due_date = fields.Date(allow_none=True, required=True)
    routed_at = fields.AwareDateTime(required=True)


class ProposalFate(StrictSchema):
    """What became of the matter as a livelihood proposal (collection's answer)."""

    converted_at = fields.AwareDateTime(required=True)
    title = fields.String(required=True)
    proposal_tracking_code = fields.String(allow_none=True, required=True)
    verdict = one_of(SCREENING_VERDICTS, allow_none=True, required=True)
    verdict_name = fields.String(required=True)
    reason = fields.String(allow_none=True, required=True)
    year = fields.Integer(allow_none=True, required=True)


class MatterDetail(MatterSummary):
    """Staff and the deputies handling it: the resident's contact included."""

    text = fields.String(required=True)
    location = fields.Nested(Location, required=True)
    attachments = fields.List(fields.Dict(), required=True)
    resident_name = fields.String(allow_none=True, required=True)
    resident_phone = fields.String(allow_none=True, required=True)
    accept_due = fields.Date(allow_none=True, required=True)
    accepted_at = fields.AwareDateTime(allow_none=True, required=True)
    handle_due = fields.Date(allow_none=True, required=True)
    extended_days = fields.Integer(required=True)
    resolved_at = fields.AwareDateTime(allow_none=True, required=True)
    result = fields.String(allow_none=True, required=True)
    satisfaction = one_of(SATISFACTION, allow_none=True, required=True)
    reopens = fields.Integer(required=True)
    co_deputies = fields.List(fields.String(), required=True)
    departments = fields.List(fields.Nested(RoutedDepartment), required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    steps = fields.List(fields.Nested(MatterStep), required=True)
    proposal = fields.Nested(ProposalFate, allow_none=True, required=True)


class TrackedStep(StrictSchema):
    action = fields.String(required=True)
    action_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    at = fields.AwareDateTime(required=True)


class MatterTracking(StrictSchema):
    """What anyone holding the tracking code may see: never the resident, never notes."""

    tracking_code = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    level_name = fields.String(required=True)
    state = one_of(MATTER_STATES, required=True)
    state_name = fields.String(required=True)
    tier = one_of(TIERS, allow_none=True, required=True)
    tier_name = fields.String(allow_none=True, required=True)
    deputy_name = fields.String(allow_none=True, required=True)
    received_at = fields.AwareDateTime(required=True)
    accept_due = fields.Date(allow_none=True, required=True)
    handle_due = fields.Date(allow_none=True, required=True)
    result = fields.String(allow_none=True, required=True)
    satisfaction = one_of(SATISFACTION, allow_none=True, required=True)
    satisfaction_name = fields.String(allow_none=True, required=True)
    can_rate = fields.Boolean(required=True)
    steps = fields.List(fields.Nested(TrackedStep), required=True)
    proposal = fields.Nested(ProposalFate, allow_none=True, required=True)
