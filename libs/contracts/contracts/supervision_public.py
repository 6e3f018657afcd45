"""Supervision · public supervision: project codes, QR codes and site signs, public feedback
(码上监督), social supervisors (社会监督员): its RPC names and schemas.

A site sign's QR code opens `PUBLIC_BASE_URL/p/<public code>`; that page asks for the code's
project here, then implementation's public page by the project id. Anyone may send feedback
through the code; it is shown only once congress staff publish it, and never with the sender's
name or phone (kept for the staff's call back). Feedback, social supervisors and observations
have ids that start with their level's letter, so the gateway routes them without a lookup.
"""

import re

from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import LoadedData, StrictSchema, area_code, bounded_int, one_of, text
from .proposals import PHONE, AttachmentIn
from .reference import LEVELS, MAX_ATTACHMENTS, level_of_tracking_code

# 进度 · 质量 · 安全 · 资金 · 其他: what a feedback or an observation is about.
CATEGORIES = ("progress", "quality", "safety", "funds", "other")
CATEGORY_NAMES = {
    "progress": "进度",
    "quality": "质量",
    "safety": "安全",
    "funds": "资金",
    "other": "其他",
}
FEEDBACK_STATES = ("pending", "published", "hidden")
MODERATION_ACTIONS = ("publish", "hide")
RECORD_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"  # feedback, social supervisors, observations
MAX_PROJECTS = 200  # a supervisor's assigned projects


def record_level(record_id: str) -> str | None:
    """The level a feedback, supervisor or observation id names, or None for a malformed id."""
    if not isinstance(record_id, str) or not re.fullmatch(RECORD_ID_PATTERN, record_id):
        return None
    return level_of_tracking_code(record_id)


def _photos() -> fields.List:
    return fields.List(
        fields.Nested(AttachmentIn),
        load_default=list,
        validate=validate.Length(
            max=MAX_ATTACHMENTS, error=f"最多 {MAX_ATTACHMENTS} 张照片 (at most 10 photos)"
        ),
    )


class PublicRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""

    get_project_qr = "get_project_qr"
    get_project_sign = "get_project_sign"
    get_project_by_code = "get_project_by_code"
    submit_feedback = "submit_feedback"
    list_public_feedback = "list_public_feedback"
    list_feedback = "list_feedback"
    moderate_feedback = "moderate_feedback"
    feedback_to_finding = "feedback_to_finding"
    register_social_supervisor = "register_social_supervisor"
    list_social_supervisors = "list_social_supervisors"
    put_supervisor_projects = "put_supervisor_projects"
    record_observation = "record_observation"
    list_observations = "list_observations"
    observation_to_finding = "observation_to_finding"


# ---- codes ---------------------------------------------------------------------------------
class ProjectByCode(StrictSchema):
    """What a public code names: enough for the /p/<code> page to load the project by id."""

    public_code = fields.String(required=True)
    project_id = fields.String(required=True)
    title = fields.String(required=True)
    area_code = area_code(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    public_url = fields.String(required=True)


# ---- feedback ------------------------------------------------------------------------------
class FeedbackIn(StrictSchema):
    """码上监督: anyone, through the project's code. Name and phone are asked for only when the
    sender is not anonymous; they are never shown publicly, logged, or sent in events."""

    anonymous = fields.Boolean(required=True)
    name = text(1, 50, load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    text = text(5, 2000, required=True)
    category = one_of(CATEGORIES, required=True)
    photos = _photos()

    @validates_schema
    def _contact_unless_anonymous(self, data: LoadedData, **kwargs: object) -> None:
        if data["anonymous"]:
            if data.get("name") or data.get("phone"):
                message = "匿名反馈不填写姓名和电话 (anonymous feedback carries no contact)"
                raise ValidationError(message, "anonymous")
            return
        if not data.get("phone"):
            raise ValidationError("实名反馈请填写联系电话 (a phone, unless anonymous)", "phone")


class FeedbackCreated(StrictSchema):
    feedback_id = fields.String(required=True)
    state = one_of(FEEDBACK_STATES, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class PublicFeedback(StrictSchema):
    """One published feedback as anyone sees it: no name, no phone, not even whether given."""

    id = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    category_name = fields.String(required=True)
    text = fields.String(required=True)
    photos = fields.List(fields.Dict(), required=True)
    submitted_at = fields.AwareDateTime(required=True)
    published_at = fields.AwareDateTime(required=True)


class PublicFeedbackPage(StrictSchema):
    public_code = fields.String(required=True)
    items = fields.List(fields.Nested(PublicFeedback), required=True)


class FeedbackQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    state = one_of(FEEDBACK_STATES, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class Feedback(PublicFeedback):
    """The staff view: with the sender's contact (to call back) and the moderation."""

    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    anonymous = fields.Boolean(required=True)
    name = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    state = one_of(FEEDBACK_STATES, required=True)
    published_at = fields.AwareDateTime(allow_none=True, required=True)
    hidden_reason = fields.String(allow_none=True, required=True)
    moderated_by = fields.String(allow_none=True, required=True)
    finding_id = fields.String(allow_none=True, required=True)


class FeedbackPage(StrictSchema):
    items = fields.List(fields.Nested(Feedback), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class ModerationIn(StrictSchema):
    action = one_of(MODERATION_ACTIONS, required=True)
    reason = text(1, 500, load_default=None, allow_none=True)

    @validates_schema
    def _reason_to_hide(self, data: LoadedData, **kwargs: object) -> None:
        if data["action"] == "hide" and not data.get("reason"):
            raise ValidationError("屏蔽须说明理由 (a reason to hide)", "reason")


class PublicFindingIn(StrictSchema):
    """The finding's text; the feedback's or the observation's own text when absent."""

    text = text(1, 2000, load_default=None, allow_none=True)


class PublicFindingMade(StrictSchema):
    finding_id = fields.String(required=True)
    project_id = fields.String(required=True)
    source = fields.String(required=True)
    source_ref = fields.String(required=True)
    state = fields.String(required=True)


# ---- social supervisors (社会监督员) and their observations ----------------------------------
def _project_ids(**kwargs: object) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=34)),
        validate=validate.Length(max=MAX_PROJECTS, error=f"最多 {MAX_PROJECTS} 个项目"),
        **kwargs,
    )


class SupervisorIn(StrictSchema):
    """Register a social supervisor: the login account (its user id, `sub`) of role
    `supervisor`, made with the gateway's create-account; the phone is for staff only."""

    area_code = area_code(required=True)
    subject = text(1, 64, required=True)
    name = text(1, 50, required=True)
    phone = fields.String(required=True, validate=PHONE)
    project_ids = _project_ids(load_default=list)


class SupervisorProjectsIn(StrictSchema):
    project_ids = _project_ids(required=True)


class SupervisorsQuery(StrictSchema):
    area_code = area_code(required=True)


class SocialSupervisor(StrictSchema):
    id = fields.String(required=True)
    area_code = area_code(required=True)
    subject = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True)
    project_ids = fields.List(fields.String(), required=True)
    registered_at = fields.AwareDateTime(required=True)


class SupervisorList(StrictSchema):
    items = fields.List(fields.Nested(SocialSupervisor), required=True)


class ObservationIn(StrictSchema):
    project_id = text(1, 34, required=True)
    category = one_of(CATEGORIES, required=True)
    text = text(5, 2000, required=True)
    photos = _photos()
    observed_on = fields.Date(required=True)


class ObservationsQuery(StrictSchema):
    area_code = area_code(required=True)
    project_id = text(1, 34, load_default=None, allow_none=True)


class Observation(StrictSchema):
    id = fields.String(required=True)
    supervisor_id = fields.String(required=True)
    supervisor_name = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = area_code(required=True)
    category = one_of(CATEGORIES, required=True)
    text = fields.String(required=True)
    photos = fields.List(fields.Dict(), required=True)
    observed_on = fields.Date(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    finding_id = fields.String(allow_none=True, required=True)


class ObservationList(StrictSchema):
    items = fields.List(fields.Nested(Observation), required=True)
