"""Stage 3 (政府办 · 实施): the implementation service's RPC names and schemas.

A project id starts with its level's letter (C/B/T, as session ids do), so the gateway routes a
project's requests — the public page a site sign's QR code opens among them — to its level's
workers without asking anyone. The id is derived from the session and the proposal it came from
(uuid5), so a redelivered or republished result makes the same project, never a second one.

Progress is exact: weights and shares are fractions ("1/3", "0.25"), rendered for people as
percentages with one decimal ("33.3").
"""

import re
import uuid

from marshmallow import fields, validate

# Shared with every service that keeps an override table (re-exported for implementation's use).
from .calendar import CalendarYearIn as CalendarYearIn
from .calendar import CalendarYearOut as CalendarYearOut
from .fields import StrictSchema, Whole, area_code, bounded_int, one_of, text
from .funds import FundsRpc, FundsSummary
from .reference import CATEGORIES, LEVEL_LETTERS, LEVELS, MAX_COST_FEN, level_of_tracking_code

IMPLEMENTATION = "implementation"

PROJECT_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
# Fixed forever: project ids already printed on site signs are derived with it.
PROJECT_NAMESPACE = uuid.UUID("6f1d2c0e-8b1a-4c57-9a55-2f6f3e9a7d10")

# created (立项) → planned (方案已定) → in_progress (实施中) → completed (已验收); a project not
# finished in its year is carried over (跨年结转) and counts as not completed in that year.
PROJECT_STATUSES = ("created", "planned", "in_progress", "completed", "carried_over")
PROJECT_STATUS_NAMES = {
    "created": "已立项",
    "planned": "方案已定",
    "in_progress": "实施中",
    "completed": "已完成",
    "carried_over": "跨年结转",
}
STANDINGS = ("ahead", "on_track", "lagging")
CADENCES = ("weekly", "monthly", "quarterly")
MAX_MILESTONES = 20
MAX_TARGETS = 20
MAX_CO_DEPARTMENTS = 20
WEIGHT_PATTERN = r"(?:\d{1,6}(?:\.\d{1,6})?|\d{1,6}/\d{1,6})"
SHARE_PATTERN = WEIGHT_PATTERN  # a milestone's share done: "1/2", "0.5", "1"
MILESTONE_KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}"
PERIOD_PATTERN = r"\d{4}-(?:W\d{2}|\d{2}|Q[1-4])"


def project_level(project_id: str) -> str | None:
    """The level a project id names (its first letter), or None for a malformed id."""
    if not isinstance(project_id, str) or not re.fullmatch(PROJECT_ID_PATTERN, project_id):
        return None
    return level_of_tracking_code(project_id)


def project_id_for(level: str, session_id: str, proposal_id: str) -> str:
    """The one id a candidate elected by a session becomes."""
    derived = uuid.uuid5(PROJECT_NAMESPACE, f"{session_id}/{proposal_id}")
    return f"{LEVEL_LETTERS[level]}-{derived.hex}"


class ImplementationRpc(FundsRpc):
    """Every RPC method of the implementation service (its money methods: `FundsRpc`)."""

    get_status = "get_status"
    list_projects = "list_projects"
    get_project = "get_project"
    get_public_project = "get_public_project"
    get_public_board = "get_public_board"
    put_plan = "put_plan"
    list_plan_versions = "list_plan_versions"
    create_report = "create_report"
    carry_over_project = "carry_over_project"
    raise_problem = "raise_problem"
    act_on_problem = "act_on_problem"
    list_problems = "list_problems"
    record_meeting = "record_meeting"
    list_meetings = "list_meetings"
    put_calendar_year = "put_calendar_year"
    get_calendar_year = "get_calendar_year"
    run_reminders = "run_reminders"
    put_area_settings = "put_area_settings"
    get_area_settings = "get_area_settings"
    accept_project = "accept_project"
    get_report = "get_report"
    export_report = "export_report"


class ImplementationStatus(StrictSchema):
    service = fields.String(required=True)
    events_processed = fields.Integer(required=True)


# ---- requests ------------------------------------------------------------------------------
WEIGHT = Whole(WEIGHT_PATTERN, error="应为小数或分数，如 0.25、1/3 (a decimal or a fraction)")


class Target(StrictSchema):
    """目标任务: a measurable quantity, e.g. 改造老旧小区 12 个."""

    task = text(1, 100, required=True)
    quantity = bounded_int(0, 100_000_000, required=True)
    unit = text(1, 10, required=True)


class MilestoneIn(StrictSchema):
    key = fields.String(
        required=True,
        validate=Whole(MILESTONE_KEY_PATTERN, error="字母、数字、-、_，不超过 20 个 (a short key)"),
    )
    title = text(1, 100, required=True)
    weight = fields.String(required=True, validate=WEIGHT)
    start = fields.Date(required=True)
    due = fields.Date(required=True)


class PlanIn(StrictSchema):
    """任务分解方案: every PUT is a new version, kept with who and why."""

    lead_leader = text(1, 50, required=True)  # 牵头领导
    lead_department = text(1, 100, required=True)  # 牵头部门
    co_departments = fields.List(
        text(1, 100), load_default=list, validate=validate.Length(max=MAX_CO_DEPARTMENTS)
    )
    targets = fields.List(
        fields.Nested(Target), required=True, validate=validate.Length(min=1, max=MAX_TARGETS)
    )
    start = fields.Date(required=True)
    deadline = fields.Date(required=True)  # 完成时限
    milestones = fields.List(
        fields.Nested(MilestoneIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_MILESTONES),
    )
    reason = text(1, 500, required=True)  # why this version (the first: 初始方案)


class MilestoneShare(StrictSchema):
    key = fields.String(required=True, validate=Whole(MILESTONE_KEY_PATTERN, error="里程碑编号"))
    done = fields.String(
        required=True,
        validate=Whole(SHARE_PATTERN, error="应为 0 到 1 的小数或分数 (a share from 0 to 1)"),
    )


class AttachmentMeta(StrictSchema):
    """Photos and documents as metadata: the bytes live behind the storage interface."""

    file_name = text(1, 200, required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(
        required=True, validate=Whole(r"[0-9a-f]{64}", error="应为 64 位十六进制 (sha256 hex)")
    )


class ReportIn(StrictSchema):
    """A scheduling report (调度报告) for one period of one cadence."""

    cadence = one_of(CADENCES, required=True)
    period = fields.String(
        required=True, validate=Whole(PERIOD_PATTERN, error="如 2026-W14、2026-04、2026-Q2")
    )
    as_of = fields.Date(required=True)  # the day the progress is reported at
    milestones = fields.List(
        fields.Nested(MilestoneShare), required=True, validate=validate.Length(max=MAX_MILESTONES)
    )
    narrative = text(1, 2000, required=True)
    problems_met = fields.List(text(1, 500), load_default=list, validate=validate.Length(max=20))
    attachments = fields.List(
        fields.Nested(AttachmentMeta), load_default=list, validate=validate.Length(max=10)
    )


class CarryOverIn(StrictSchema):
    reason = text(1, 500, required=True)
    new_deadline = fields.Date(required=True)


class ProjectsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)
    status = one_of(PROJECT_STATUSES, load_default=None, allow_none=True)
    standing = one_of(STANDINGS, load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


# ---- answers -------------------------------------------------------------------------------
class Milestone(StrictSchema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    weight = fields.String(required=True)
    start = fields.Date(required=True)
    due = fields.Date(required=True)
    done = fields.String(required=True)  # the latest reported share ("0" before any report)
    done_percent = fields.String(required=True)
    planned_percent = fields.String(required=True)


class Plan(StrictSchema):
    version = fields.Integer(required=True)
    lead_leader = fields.String(required=True)
    lead_department = fields.String(required=True)
    co_departments = fields.List(fields.String(), required=True)
    targets = fields.List(fields.Nested(Target), required=True)
    start = fields.Date(required=True)
    deadline = fields.Date(required=True)
    reason = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class Progress(StrictSchema):
    actual = fields.String(required=True)  # exact fraction of 1
    actual_percent = fields.String(required=True)
    planned = fields.String(required=True)
    planned_percent = fields.String(required=True)
    as_of = fields.Date(required=True)
    standing = one_of(STANDINGS, required=True)
    standing_name = fields.String(required=True)
    tolerance_points = fields.Integer(required=True)
    lagging_streak = fields.Integer(required=True)
    flagged = fields.Boolean(required=True)  # 挂牌督办


class ProjectSummary(StrictSchema):
    id = fields.String(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, required=True)
    lead_department = fields.String(allow_none=True, required=True)
    status = one_of(PROJECT_STATUSES, required=True)
    status_name = fields.String(required=True)
    standing = one_of(STANDINGS, allow_none=True, required=True)
    actual_percent = fields.String(required=True)
    flagged = fields.Boolean(required=True)
    deadline = fields.Date(allow_none=True, required=True)


class ProjectPage(StrictSchema):
    items = fields.List(fields.Nested(ProjectSummary), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class Origin(StrictSchema):
    """Where the project came from: the vote that elected it."""

    proposal_id = fields.String(required=True)
    session_id = fields.String(required=True)
    candidate_list_id = fields.String(required=True)
    results_digest = fields.String(required=True)
    announced_at = fields.AwareDateTime(required=True)
    approve = fields.Integer(required=True)


class ReportOut(StrictSchema):
    id = fields.String(required=True)
    project_id = fields.String(required=True)
    cadence = one_of(CADENCES, required=True)
    period = fields.String(required=True)
    as_of = fields.Date(required=True)
    actual_percent = fields.String(required=True)
    planned_percent = fields.String(required=True)
    standing = one_of(STANDINGS, required=True)
    narrative = fields.String(required=True)
    problems_met = fields.List(fields.String(), required=True)
    attachments = fields.List(fields.Nested(AttachmentMeta), required=True)
    reported_by = fields.String(required=True)
    reported_at = fields.AwareDateTime(required=True)
    flagged_now = fields.Boolean(required=True)  # this report put the project under 挂牌督办


class ProblemBrief(StrictSchema):
    id = fields.String(required=True)
    description = fields.String(required=True)
    responsible_unit = fields.String(required=True)
    due_date = fields.Date(required=True)
    state = fields.String(required=True)
    state_name = fields.String(required=True)
    overdue = fields.Boolean(required=True)


class ProjectDetail(ProjectSummary):
    origin = fields.Nested(Origin, required=True)
    plan = fields.Nested(Plan, allow_none=True, required=True)
    milestones = fields.List(fields.Nested(Milestone), required=True)
    progress = fields.Nested(Progress, allow_none=True, required=True)
    recent_reports = fields.List(fields.Nested(ReportOut), required=True)
    carried_over = fields.Dict(allow_none=True, required=True)
    funds = fields.Nested(FundsSummary, required=True)
    problems = fields.List(fields.Nested(ProblemBrief), required=True)  # not yet resolved
    created_at = fields.AwareDateTime(required=True)


class PublicMilestone(StrictSchema):
    title = fields.String(required=True)
    due = fields.Date(required=True)
    done_percent = fields.String(required=True)


class PublicProject(StrictSchema):
    """What a site sign's QR code shows anyone: no personal data, no staff names."""

    id = fields.String(required=True)
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    status = one_of(PROJECT_STATUSES, required=True)
    status_name = fields.String(required=True)
    lead_department = fields.String(allow_none=True, required=True)
    deadline = fields.Date(allow_none=True, required=True)
    actual_percent = fields.String(required=True)
    planned_percent = fields.String(allow_none=True, required=True)
    standing_name = fields.String(allow_none=True, required=True)
    milestones = fields.List(fields.Nested(PublicMilestone), required=True)
    last_reported_on = fields.Date(allow_none=True, required=True)
    budget_fen = fields.Integer(required=True)  # funds totals, all sources
    disbursed_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)


class PlanVersion(StrictSchema):
    version = fields.Integer(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True)
    changes = fields.List(fields.String(), required=True)  # what differs from the version before
    plan = fields.Dict(required=True)


class PlanVersions(StrictSchema):
    project_id = fields.String(required=True)
    versions = fields.List(fields.Nested(PlanVersion), required=True)


class RemindersRun(StrictSchema):
    area_code = area_code(required=True)
    on = fields.Date(load_default=None, allow_none=True)  # default: today in Beijing


class RemindersResult(StrictSchema):
    area_code = fields.String(required=True)
    on = fields.Date(required=True)
    sent = fields.List(fields.Dict(), required=True)  # [{"kind", "target", "step", "step_name"}]
    skipped_unknown_years = fields.List(fields.Integer(), required=True)


class AreaSettingsIn(StrictSchema):
    tolerance_points = bounded_int(0, 50, load_default=10)
    flag_after_lagging = bounded_int(1, 12, load_default=3)
    close_threshold = fields.String(
        load_default=None, allow_none=True, validate=Whole(WEIGHT_PATTERN, error="如 9/10 或 0.9")
    )
    due_working_days = fields.Dict(
        keys=one_of(CADENCES), values=bounded_int(0, 30), load_default=None, allow_none=True
    )
    reminder_steps = fields.List(
        fields.Tuple((fields.String(), bounded_int(0, 60))),
        load_default=None,
        allow_none=True,
        validate=validate.Length(equal=3),
    )


class AreaSettingsOut(StrictSchema):
    area_code = fields.String(required=True)
    tolerance_points = fields.Integer(required=True)
    flag_after_lagging = fields.Integer(required=True)
    close_threshold = fields.String(allow_none=True, required=True)
    due_working_days = fields.Dict(required=True)
    reminder_steps = fields.List(fields.List(fields.Raw()), required=True)
    inherited_from = fields.String(allow_none=True, required=True)


ACCEPTANCE_RESULTS = ("passed", "passed_with_rectification", "failed")
ACCEPTANCE_RESULT_NAMES = {
    "passed": "验收合格",
    "passed_with_rectification": "整改后合格",
    "failed": "验收不合格",
}


class AcceptanceIn(StrictSchema):
    """验收: who accepted the project, when, with what result and documents."""

    accepted_on = fields.Date(required=True)
    accepting_body = text(1, 200, required=True)  # e.g. 镇人大主席团、住建局、第三方机构
    result = one_of(ACCEPTANCE_RESULTS, required=True)
    note = text(1, 2000, required=True)
    documents = fields.List(
        fields.Nested(AttachmentMeta), load_default=list, validate=validate.Length(max=20)
    )


class Acceptance(StrictSchema):
    project_id = fields.String(required=True)
    accepted_on = fields.Date(required=True)
    accepting_body = fields.String(required=True)
    result = one_of(ACCEPTANCE_RESULTS, required=True)
    result_name = fields.String(required=True)
    note = fields.String(required=True)
    documents = fields.List(fields.Nested(AttachmentMeta), required=True)
    same_year = fields.Boolean(required=True)  # completed by 31 December of its year
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


EXPORT_TABLES = ("projects", "reports", "problems", "funds", "warnings")
EXPORT_TABLE_TITLES = {
    "projects": "项目",
    "reports": "调度进度",
    "problems": "问题清单",
    "funds": "项目资金",
    "warnings": "资金预警",
}


class ImplementationReportQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class ImplementationExportQuery(ImplementationReportQuery):
    format = one_of(("xlsx", "csv"), load_default="xlsx")
    table = one_of(EXPORT_TABLES, load_default="projects")


class AreaCompletion(StrictSchema):
    area_code = fields.String(required=True)
    name = fields.String(required=True)
    projects = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    rate_percent = fields.String(allow_none=True, required=True)


class ListedProject(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    title = fields.String(required=True)
    actual_percent = fields.String(required=True)
    planned_percent = fields.String(allow_none=True, required=True)
    lead_department = fields.String(allow_none=True, required=True)
    flagged = fields.Boolean(required=True)
    carried_to = fields.Integer(allow_none=True, required=True)
    reason = fields.String(allow_none=True, required=True)


class ImplementationReport(StrictSchema):
    """当年完成率 and what stands in its way: the lagging list (慢序时), the carried-over ones."""

    area_code = fields.String(required=True)
    year = fields.Integer(required=True)
    projects = fields.Integer(required=True)
    completed = fields.Integer(required=True)  # accepted by 31 December of the year
    completion_rate = fields.String(allow_none=True, required=True)  # exact, "9/10"
    completion_percent = fields.String(allow_none=True, required=True)  # "90.0"
    target_percent = fields.String(required=True)  # "95.0"
    meets_target = fields.Boolean(allow_none=True, required=True)
    forecast_percent = fields.String(allow_none=True, required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_standing = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    overdue_problems = fields.Integer(required=True)
    lagging = fields.List(fields.Nested(ListedProject), required=True)
    carried_over = fields.List(fields.Nested(ListedProject), required=True)
    areas = fields.List(fields.Nested(AreaCompletion), required=True)
    generated_at = fields.AwareDateTime(required=True)


class BoardProject(StrictSchema):
    """One project on the public board: what its site sign shows, no staff names."""

    id = fields.String(required=True)
    area_code = fields.String(required=True)
    title = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    status = one_of(PROJECT_STATUSES, required=True)
    status_name = fields.String(required=True)
    standing = one_of(STANDINGS, allow_none=True, required=True)
    actual_percent = fields.String(required=True)
    planned_percent = fields.String(allow_none=True, required=True)
    lead_department = fields.String(allow_none=True, required=True)
    deadline = fields.Date(allow_none=True, required=True)
    flagged = fields.Boolean(required=True)  # 挂牌督办


class PublicBoard(StrictSchema):
    """The public progress board (进度公示) of an area and everything under it for a year: the
    completion figures of the staff's report, and every project with its progress against plan."""

    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    year = fields.Integer(required=True)
    projects = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    completion_percent = fields.String(allow_none=True, required=True)
    target_percent = fields.String(required=True)
    by_standing = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    areas = fields.List(fields.Nested(AreaCompletion), required=True)
    items = fields.List(fields.Nested(BoardProject), required=True)  # by area, then title
