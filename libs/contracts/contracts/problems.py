"""Stage 3 (政府办): problem lists (问题清单) and scheduling meetings (调度会) — the implementation
service's schemas for them (method names in `contracts.implementation.ImplementationRpc`).

A problem id starts with its level's letter, as a project id does, so a transition is routed to
the right level's workers without a lookup.
"""

import re

from marshmallow import fields, validate

from .fields import StrictSchema, Whole, area_code, bounded_int, one_of, text
from .reference import LEVELS, level_of_tracking_code

PROBLEM_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
PROBLEM_STATES = ("open", "in_progress", "resolved", "closed")
PROBLEM_ACTIONS = ("start", "resolve", "close", "reopen")
PROBLEM_SOURCES = ("report", "meeting", "rectification", "public_feedback", "staff")
MEETING_CADENCES = ("weekly", "monthly", "quarterly")  # 周调度会 · 月调度会 · 季调度会
REMINDER_STEPS = ("friendly_reminder", "deadline_order", "special_report")
SHARE = r"(?:0(?:\.\d{1,4})?|1(?:\.0{1,4})?|\d{1,4}/\d{1,4})"


def problem_level(problem_id: str) -> str | None:
    if not isinstance(problem_id, str) or not re.fullmatch(PROBLEM_ID_PATTERN, problem_id):
        return None
    return level_of_tracking_code(problem_id)


class ProblemIn(StrictSchema):
    description = text(1, 2000, required=True)
    responsible_unit = text(1, 100, required=True)  # 责任单位
    responsible_person = text(1, 50, required=True)  # 责任人 (a staff name, never public)
    measure = text(1, 2000, required=True)  # 整改措施
    due_date = fields.Date(required=True)
    source = one_of(("report", "staff", "public_feedback"), load_default="staff")


class ProblemAction(StrictSchema):
    note = text(1, 2000, required=True)  # what was done, or why it is reopened
    # 销号 where an area closes only at a satisfaction threshold: the measured share, "9/10".
    satisfaction = fields.String(
        load_default=None,
        allow_none=True,
        validate=Whole(SHARE, error="满意度应为 0 到 1，如 9/10 (a share)"),
    )


class ProblemsQuery(StrictSchema):
    area_code = area_code(required=True)
    state = one_of(PROBLEM_STATES, load_default=None, allow_none=True)
    overdue = fields.Boolean(load_default=None, allow_none=True)
    project_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=34))
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class ProblemHistory(StrictSchema):
    action = fields.String(required=True)
    state = one_of(PROBLEM_STATES, required=True)
    note = fields.String(required=True)
    by = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class Problem(StrictSchema):
    id = fields.String(required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    description = fields.String(required=True)
    responsible_unit = fields.String(required=True)
    responsible_person = fields.String(required=True)
    measure = fields.String(required=True)
    due_date = fields.Date(required=True)
    source = one_of(PROBLEM_SOURCES, required=True)
    source_ref = fields.String(allow_none=True, required=True)  # the rectification request id
    state = one_of(PROBLEM_STATES, required=True)
    state_name = fields.String(required=True)
    overdue = fields.Boolean(required=True)
    reminders = fields.List(fields.Dict(), required=True)  # [{"step", "step_name", "sent_at"}]
    history = fields.List(fields.Nested(ProblemHistory), required=True)
    created_at = fields.AwareDateTime(required=True)


class ProblemPage(StrictSchema):
    items = fields.List(fields.Nested(Problem), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class AssignedProblem(ProblemIn):
    project_id = fields.String(required=True, validate=validate.Length(max=34))


class MeetingIn(StrictSchema):
    """调度会: who met, about which projects, what they decided and which problems they assigned."""

    area_code = area_code(required=True)
    cadence = one_of(MEETING_CADENCES, required=True)
    held_on = fields.Date(required=True)
    chair = text(1, 50, required=True)
    attendees = fields.List(text(1, 50), required=True, validate=validate.Length(min=1, max=200))
    project_ids = fields.List(
        fields.String(validate=validate.Length(max=34)),
        required=True,
        validate=validate.Length(min=1, max=500),
    )
    decisions = fields.List(text(1, 2000), required=True, validate=validate.Length(max=100))
    problems = fields.List(
        fields.Nested(AssignedProblem), load_default=list, validate=validate.Length(max=100)
    )


class Meeting(StrictSchema):
    id = fields.String(required=True)
    area_code = area_code(required=True)
    cadence = one_of(MEETING_CADENCES, required=True)
    cadence_name = fields.String(required=True)
    held_on = fields.Date(required=True)
    chair = fields.String(required=True)
    attendees = fields.List(fields.String(), required=True)
    project_ids = fields.List(fields.String(), required=True)
    decisions = fields.List(fields.String(), required=True)
    problem_ids = fields.List(fields.String(), required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class MeetingsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)


class MeetingList(StrictSchema):
    items = fields.List(fields.Nested(Meeting), required=True)
