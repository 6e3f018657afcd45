"""Supervision · groups and assignments, group suggestions, the project file (监督档案):
its RPC names and schemas.

A group's id carries its level like a project's (`T-<32 hex>`), so the gateway sends a group's
requests to the workers of the level that formed it (`group_level`).
"""

import re
import uuid

from marshmallow import fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .reference import CATEGORIES, LEVEL_LETTERS, LEVELS, level_of_tracking_code

GROUP_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
# 组长 (a standing-committee leader), 委员会办公室工作人员, 人大代表
MEMBER_ROLES = ("leader", "office", "deputy")
LEADER = "leader"
MAX_MEMBERS = 60
MAX_PROJECTS = 500
# What a line of a project's file records (file_entries.kind): government facts first, then
# each part's acts (a part appends the kinds it writes).
FILE_KINDS = (
    "project_created",
    "plan_adopted",
    "progress_reported",
    "project_flagged",
    "problem_overdue",
    "funds_disbursed",
    "project_completed",
    "rectification_reported",
    "group_assigned",
    "group_unassigned",
    "public_feedback",  # public supervision
    "public_feedback_hidden",
    "observation",
    "finding_raised",
    "checkpoint_report",  # checkpoints: a group's report at 年初 · 年中 · 年底
    "inspection",  # inspections and the standing committee's other forms
    "rectification_requested",
    "lookback",
    "evaluation_recorded",  # evaluation: a third-party evaluation or pre-evaluation
    "satisfaction_graded",  # the deputies' satisfaction vote graded the project
)
FILE_SIDES = ("government", "supervision", "public")


def new_group_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def group_level(group_id: str) -> str | None:
    """The level a group id names, or None for a malformed id (the gateway's 404)."""
    if not isinstance(group_id, str) or not re.fullmatch(GROUP_ID_PATTERN, group_id):
        return None
    return level_of_tracking_code(group_id)


class GroupsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""

    create_group = "create_group"
    list_groups = "list_groups"
    get_group = "get_group"
    put_group_projects = "put_group_projects"
    put_group_members = "put_group_members"
    suggest_groups = "suggest_groups"
    list_supervision_projects = "list_supervision_projects"
    get_project_file = "get_project_file"


MEMBER_COUNT = validate.Length(min=1, max=MAX_MEMBERS)
PROJECT_COUNT = validate.Length(max=MAX_PROJECTS)


# ---- requests ------------------------------------------------------------------------------
class MemberIn(StrictSchema):
    subject = text(1, 64, required=True)  # the account's user id (the gateway principal's)
    name = text(1, 50, required=True)
    role = one_of(MEMBER_ROLES, required=True)
    specialty = text(1, 50, load_default=None, allow_none=True)  # 专业/职业


class GroupIn(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, required=True)
    name = text(1, 100, required=True)
    members = fields.List(fields.Nested(MemberIn), validate=MEMBER_COUNT, required=True)
    project_ids = fields.List(text(1, 34), validate=PROJECT_COUNT, load_default=list)


class GroupsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class GroupProjectsIn(StrictSchema):
    project_ids = fields.List(text(1, 34), validate=PROJECT_COUNT, required=True)


class GroupMembersIn(StrictSchema):
    members = fields.List(fields.Nested(MemberIn), validate=MEMBER_COUNT, required=True)


class Deputy(StrictSchema):
    subject = text(1, 64, required=True)
    name = text(1, 50, required=True)
    specialty = text(1, 50, load_default=None, allow_none=True)


class Leader(StrictSchema):
    subject = text(1, 64, required=True)
    name = text(1, 50, required=True)


class SuggestionIn(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, required=True)
    deputies = fields.List(
        fields.Nested(Deputy), validate=validate.Length(max=500), load_default=list
    )
    leaders = fields.List(
        fields.Nested(Leader), validate=validate.Length(min=1, max=50), required=True
    )
    group_count = bounded_int(1, 50, load_default=None, allow_none=True)


class SupervisionProjectsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    unassigned = fields.Boolean(load_default=False)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


# ---- answers -------------------------------------------------------------------------------
class Member(StrictSchema):
    subject = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    specialty = fields.String(allow_none=True, required=True)


class GroupProject(StrictSchema):
    project_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    area_code = fields.String(required=True)


class Group(StrictSchema):
    group_id = fields.String(required=True)
    area_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    name = fields.String(required=True)
    members = fields.List(fields.Nested(Member), required=True)
    projects = fields.List(fields.Nested(GroupProject), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class GroupPage(StrictSchema):
    items = fields.List(fields.Nested(Group), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class SuggestedAssignment(StrictSchema):
    project_id = fields.String(required=True)
    title = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    score = fields.Integer(required=True)
    why = fields.String(required=True)  # the score explained, in Chinese


class SuggestedGroup(StrictSchema):
    name = fields.String(required=True)
    members = fields.List(fields.Nested(Member), required=True)
    projects = fields.List(fields.Nested(SuggestedAssignment), required=True)


class Suggestion(StrictSchema):
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    groups = fields.List(fields.Nested(SuggestedGroup), required=True)
    unmatched_deputies = fields.List(fields.String(), required=True)  # subjects, none fitted
    notes = fields.List(fields.String(), required=True)


class SupervisedProject(StrictSchema):
    project_id = fields.String(required=True)
    public_code = fields.String(required=True)
    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    status = fields.String(required=True)
    actual_percent = fields.String(allow_none=True, required=True)
    planned_percent = fields.String(allow_none=True, required=True)
    standing = fields.String(allow_none=True, required=True)
    as_of = fields.Date(allow_none=True, required=True)
    flagged = fields.Boolean(required=True)
    budget_fen = fields.Integer(required=True)
    disbursed_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)
    group_count = fields.Integer(required=True)
    open_findings = fields.Integer(required=True)
    unassigned = fields.Boolean(required=True)  # no group yet: every project needs one


class SupervisedProjectPage(StrictSchema):
    items = fields.List(fields.Nested(SupervisedProject), required=True)
    total = fields.Integer(required=True)
    unassigned_total = fields.Integer(required=True)  # in the area and year, whatever the page
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class FileProject(SupervisedProject):
    level = fields.String(required=True)
    lead_department = fields.String(allow_none=True, required=True)
    lead_leader = fields.String(allow_none=True, required=True)
    plan_version = fields.Integer(required=True)
    deadline = fields.Date(allow_none=True, required=True)
    overdue_problems = fields.Integer(required=True)
    completed_on = fields.Date(allow_none=True, required=True)
    same_year = fields.Boolean(allow_none=True, required=True)


class FileGroup(StrictSchema):
    group_id = fields.String(required=True)
    name = fields.String(required=True)
    leader = fields.String(allow_none=True, required=True)  # the leader's display name


class OpenFinding(StrictSchema):
    finding_id = fields.String(required=True)
    source = fields.String(required=True)
    text = fields.String(required=True)
    state = fields.String(required=True)
    group_id = fields.String(allow_none=True, required=True)
    raised_at = fields.AwareDateTime(required=True)


class FileLine(StrictSchema):
    at = fields.AwareDateTime(required=True)
    side = fields.String(required=True)
    kind = fields.String(required=True)
    summary = fields.String(required=True)
    actor = fields.String(allow_none=True, required=True)
    ref = fields.String(allow_none=True, required=True)


class ProjectFile(StrictSchema):
    project = fields.Nested(FileProject, required=True)
    groups = fields.List(fields.Nested(FileGroup), required=True)
    open_findings = fields.List(fields.Nested(OpenFinding), required=True)
    timeline = fields.List(fields.Nested(FileLine), required=True)
