"""Supervision · inspections (集中督查 and the standing committee's other forms), findings,
rectification requests (交办问题) and look-backs (回头看): its RPC names and schemas.

Ids of inspections, findings and rectification requests start with the level letter of their
area (`T-<32 hex>`), so the gateway routes a request by id to its level, as for projects. A
rectification request's rounds each carry their own request id (`<id>.<round>`): implementation
makes one problem per request id, so a reopened round is a new problem with the new due date.
"""

import re
from typing import Unpack

from marshmallow import fields, validate

from .events import LOOKBACK_OUTCOMES
from .fields import FieldOptions, StrictSchema, area_code, bounded_int, one_of, text
from .implementation import AttachmentMeta
from .reference import LEVELS, level_of_tracking_code

RECORD_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"

# 集中督查 / 专项审议 / 专题询问 / 现场观摩会 (their names: supervision.domain.inspections)
INSPECTION_KINDS = ("inspection", "special_review", "special_inquiry", "onsite_review")
CADENCES = ("monthly", "quarterly")  # 集中督查: 月度 / 季度
METHODS = (
    "briefing",
    "documents",
    "site_visit",
    "video",
)  # 听取汇报 / 查阅资料 / 实地查看 / 视频在线
PARTICIPANT_KINDS = ("official", "deputy")  # no residents: their names stay out of the record
FINDING_STATES = ("open", "requested", "closed", "escalated")
FINDING_STATE_NAMES = {
    "open": "待交办",
    "requested": "已交办",
    "closed": "已销号",
    "escalated": "提交主任会议",
}
RECTIFICATION_STATES = ("requested", "reported", "closed", "escalated")
RECTIFICATION_STATE_NAMES = {
    "requested": "已交办",
    "reported": "已报告整改",
    "closed": "已销号",
    "escalated": "提交主任会议",
}
MAX_PROJECTS = 100  # an on-site review meeting visits many; a page of them, not a city
MAX_FINDINGS = 100


def record_level(record_id: str) -> str | None:
    """The level an inspection, finding or rectification id names, or None if malformed."""
    if not isinstance(record_id, str) or not re.fullmatch(RECORD_ID_PATTERN, record_id):
        return None
    return level_of_tracking_code(record_id)


class InspectionsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""

    record_inspection = "record_inspection"
    list_inspections = "list_inspections"
    get_inspection = "get_inspection"
    raise_project_finding = "raise_project_finding"
    list_findings = "list_findings"
    get_finding = "get_finding"
    request_rectification = "request_rectification"
    list_rectifications = "list_rectifications"
    get_rectification = "get_rectification"
    record_lookback = "record_lookback"
    set_rectification_rounds = "set_rectification_rounds"


def _project_id(**kwargs: Unpack[FieldOptions]) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=34), **kwargs)


def _listed(inner: fields.Field, most: int, **kwargs: Unpack[FieldOptions]) -> fields.List:
    return fields.List(inner, validate=validate.Length(max=most), **kwargs)


class Participant(StrictSchema):
    name = text(1, 50, required=True)
    kind = one_of(PARTICIPANT_KINDS, required=True)  # official 官员 / deputy 代表
    title = text(1, 100, load_default=None, allow_none=True)  # 职务


class InquiryQuestion(StrictSchema):
    """专题询问: one question to a named official and the official's answer."""

    official = text(1, 50, required=True)
    title = text(1, 100, required=True)
    question = text(1, 2000, required=True)
    answer = text(1, 4000, required=True)


class InspectionFindingIn(StrictSchema):
    project_id = _project_id(required=True)
    text = text(1, 2000, required=True)
    photos = _listed(fields.Nested(AttachmentMeta), 10, load_default=list)


class InspectionIn(StrictSchema):
    """An inspection or one of the standing committee's forms, as recorded afterwards."""

    area_code = area_code(required=True)
    kind = one_of(INSPECTION_KINDS, required=True)
    cadence = one_of(CADENCES, load_default=None, allow_none=True)  # inspections only
    held_on = fields.Date(required=True)
    group_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))
    title = text(1, 200, required=True)
    project_ids = fields.List(
        _project_id(), required=True, validate=validate.Length(min=1, max=MAX_PROJECTS)
    )
    methods = fields.List(
        one_of(METHODS), required=True, validate=validate.Length(min=1, max=len(METHODS))
    )
    participants = _listed(fields.Nested(Participant), 200, load_default=list)
    questions = _listed(fields.Nested(InquiryQuestion), 100, load_default=list)
    findings = _listed(fields.Nested(InspectionFindingIn), MAX_FINDINGS, load_default=list)
    summary = text(1, 4000, load_default=None, allow_none=True)


class InspectionsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    kind = one_of(INSPECTION_KINDS, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class SupervisionFinding(StrictSchema):
    id = fields.String(required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    group_id = fields.String(allow_none=True, required=True)
    source = fields.String(required=True)
    source_ref = fields.String(allow_none=True, required=True)
    text = fields.String(required=True)
    photos = fields.List(fields.Nested(AttachmentMeta), required=True)
    state = one_of(FINDING_STATES, required=True)
    state_name = fields.String(required=True)
    raised_at = fields.AwareDateTime(required=True)


class Inspection(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    kind = one_of(INSPECTION_KINDS, required=True)
    kind_name = fields.String(required=True)
    cadence = fields.String(allow_none=True, required=True)
    held_on = fields.Date(required=True)
    group_id = fields.String(allow_none=True, required=True)
    title = fields.String(required=True)
    project_ids = fields.List(fields.String(), required=True)
    methods = fields.List(fields.String(), required=True)
    participants = fields.List(fields.Nested(Participant), required=True)
    questions = fields.List(fields.Nested(InquiryQuestion), required=True)
    findings = fields.List(fields.Nested(SupervisionFinding), required=True)
    summary = fields.String(allow_none=True, required=True)
    recorded_at = fields.AwareDateTime(required=True)


class InspectionPage(StrictSchema):
    items = fields.List(fields.Nested(Inspection), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class DirectFindingIn(StrictSchema):
    """A finding raised directly on a project by a group member or congress staff."""

    project_id = _project_id(required=True)
    group_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))
    text = text(1, 2000, required=True)
    photos = _listed(fields.Nested(AttachmentMeta), 10, load_default=list)


class FindingsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    state = one_of(FINDING_STATES, load_default=None, allow_none=True)
    project_id = _project_id(load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class SupervisionFindingPage(StrictSchema):
    items = fields.List(fields.Nested(SupervisionFinding), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class RectificationIn(StrictSchema):
    """交办: the group hands the finding to the government with a due date; the look-back date
    (回头看) defaults to the due date and is never before it."""

    group_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    due_date = fields.Date(required=True)
    lookback_on = fields.Date(load_default=None, allow_none=True)


class LookbackIn(StrictSchema):
    outcome = one_of(LOOKBACK_OUTCOMES, required=True)  # 已整改 / 部分整改 / 未整改
    note = text(1, 2000, required=True)
    new_due_date = fields.Date(load_default=None, allow_none=True)  # required unless rectified
    new_lookback_on = fields.Date(load_default=None, allow_none=True)


class RectificationRound(StrictSchema):
    round = fields.Integer(required=True)
    request_id = fields.String(required=True)  # what implementation's problem refers to
    due_date = fields.Date(required=True)
    lookback_on = fields.Date(required=True)
    requested_at = fields.AwareDateTime(required=True)
    problem_id = fields.String(allow_none=True, required=True)
    reported_at = fields.AwareDateTime(allow_none=True, required=True)
    measure = fields.String(allow_none=True, required=True)
    report_note = fields.String(allow_none=True, required=True)
    outcome = fields.String(allow_none=True, required=True)
    lookback_note = fields.String(allow_none=True, required=True)
    looked_back_at = fields.AwareDateTime(allow_none=True, required=True)
    next = fields.String(allow_none=True, required=True)


class Rectification(StrictSchema):
    id = fields.String(required=True)
    finding_id = fields.String(required=True)
    project_id = fields.String(required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    group_id = fields.String(required=True)
    group_name = fields.String(required=True)
    finding = fields.String(required=True)
    state = one_of(RECTIFICATION_STATES, required=True)
    state_name = fields.String(required=True)
    round = fields.Integer(required=True)
    max_rounds = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    lookback_on = fields.Date(required=True)
    rounds = fields.List(fields.Nested(RectificationRound), required=True)
    requested_at = fields.AwareDateTime(required=True)


class RectificationsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    state = one_of(RECTIFICATION_STATES, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class RectificationPage(StrictSchema):
    items = fields.List(fields.Nested(Rectification), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class RectificationRoundsIn(StrictSchema):
    """An area's limit of rectification rounds before escalation (default 3); the nearest
    area up the tree with a setting decides."""

    area_code = area_code(required=True)
    max_rounds = bounded_int(1, 10, required=True)


class RectificationRounds(StrictSchema):
    area_code = fields.String(required=True)
    max_rounds = fields.Integer(required=True)
