"""Implementation's routes (政府办 · 实施): projects from the vote, task plans, scheduling
reports, carry-over, and the public project page a site sign's QR code opens.

Project-addressed routes go to the level named by the project id's first letter
(contracts.implementation.project_level); area-addressed lists to the level of `area_code`.
The service checks the area scope of every record itself.
"""

from contracts import implementation as c
from contracts import problems as pc
from contracts.implementation import IMPLEMENTATION
from contracts.implementation import ImplementationRpc as Rpc
from contracts.reference import ROLES
from contracts.reports import CONTENT_TYPES

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from . import feed, funds, roles, treasury

route = routes_of(IMPLEMENTATION, "implementation")
PROJECT = "/api/v1/projects/<string:project_id>"
# A malformed id names no project: 404, the same answer as an unknown one, before the body.
IN_PROJECT = Letter("path", "project_id", c.project_level, "项目不存在 (unknown project)")
PROBLEM = "/api/v1/problems/<string:problem_id>"
IN_PROBLEM = Letter("path", "problem_id", pc.problem_level, "问题不存在 (unknown problem)")
ACTION = f"<any({', '.join(pc.PROBLEM_ACTIONS)}):action>"
# The calendar is national: any level's workers answer it (they share the database).
ANY_LEVEL = CallerArea()

PROJECT_ROUTES = (
    route(
        "get",
        "/api/v1/implementation/status",
        Rpc.get_status,
        "政府办 · 实施服务状态 (implementation status)",
        name="get_implementation_status",  # entrypoint names are unique across services
        roles=frozenset(ROLES),
        where=CallerArea(),
        response=c.ImplementationStatus,
    ),
    route(
        "get",
        "/api/v1/projects",
        Rpc.list_projects,
        "本地区（含下级）的民生实事项目 (the area's projects, its sub-areas included)",
        roles=roles.READ,
        where=Area.query(),
        query=c.ProjectsQuery,
        response=c.ProjectPage,
    ),
    route(
        "get",
        PROJECT,
        Rpc.get_project,
        "项目详情：方案、里程碑、序时进度、近期调度 (a project, its plan and its progress)",
        roles=roles.READ,
        where=IN_PROJECT,
        response=c.ProjectDetail,
    ),
    route(
        "put",
        f"{PROJECT}/plan",
        Rpc.put_plan,
        "制定或修改任务分解方案（每次修改留存版本）(put the task plan: every change is a version)",
        roles=roles.WRITE,
        where=IN_PROJECT,
        body=c.PlanIn,
        response=c.PlanVersion,
        refuses=(409, 422),
    ),
    route(
        "get",
        f"{PROJECT}/plan/versions",
        Rpc.list_plan_versions,
        "方案版本历史 (the plan's version history)",
        roles=roles.READ,
        where=IN_PROJECT,
        response=c.PlanVersions,
    ),
    route(
        "post",
        f"{PROJECT}/reports",
        Rpc.create_report,
        "报送调度进度（周调度、月调度、季调度）(report progress for a period)",
        roles=roles.WRITE,
        where=IN_PROJECT,
        body=c.ReportIn,
        response=c.ReportOut,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "post",
        f"{PROJECT}/carry-over",
        Rpc.carry_over_project,
        "跨年结转（当年计为未完成）(carry the project over to next year)",
        roles=roles.WRITE,
        where=IN_PROJECT,
        body=c.CarryOverIn,
        response=c.ProjectDetail,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/public/projects/<string:project_id>",
        Rpc.get_public_project,
        "项目公开信息：进度、里程碑（不含个人信息）(a project's public page: no personal data)",
        where=IN_PROJECT,
        response=c.PublicProject,
        public_limit=True,
    ),
    route(
        "get",
        "/api/v1/public/board",
        Rpc.get_public_board,
        "进度公示：本地区（含下级）当年项目进度与完成率（不含个人信息）(the public progress "
        "board of an area and its sub-areas for a year: no personal data)",
        where=Area.query(scoped=False),
        query=c.ImplementationReportQuery,
        response=c.PublicBoard,
        public_limit=True,
    ),
    route(
        "post",
        f"{PROJECT}/problems",
        Rpc.raise_problem,
        "登记项目问题（问题清单）(put a problem on the project's list)",
        roles=roles.WRITE,
        where=IN_PROJECT,
        body=pc.ProblemIn,
        response=pc.Problem,
        status=201,
        idempotent=True,
    ),
    route(
        "post",
        f"{PROBLEM}/{ACTION}",
        Rpc.act_on_problem,
        "问题处置：start 开始整改、resolve 整改完成、close 销号、reopen 重新整改 (move it on)",
        roles=roles.WRITE,
        where=IN_PROBLEM,
        body=pc.ProblemAction,
        response=pc.Problem,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/problems",
        Rpc.list_problems,
        "本地区问题清单，按期限排序 (the area's problems, soonest due first)",
        roles=roles.READ,
        where=Area.query(),
        query=pc.ProblemsQuery,
        response=pc.ProblemPage,
    ),
    route(
        "post",
        "/api/v1/meetings",
        Rpc.record_meeting,
        "记录调度会（周调度、月调度、季调度）(record a scheduling meeting)",
        roles=roles.WRITE,
        where=Area.body(),
        body=pc.MeetingIn,
        response=pc.Meeting,
        status=201,
        idempotent=True,
    ),
    route(
        "get",
        "/api/v1/meetings",
        Rpc.list_meetings,
        "本地区调度会记录 (the area's scheduling meetings)",
        roles=roles.READ,
        where=Area.query(),
        query=pc.MeetingsQuery,
        response=pc.MeetingList,
    ),
    route(
        "post",
        "/api/v1/reminders/run",
        Rpc.run_reminders,
        "立即执行本地区催办（每小时自动执行）(run the area's reminders now; hourly anyway)",
        roles=roles.WRITE,
        where=Area.body(),
        body=c.RemindersRun,
        response=c.RemindersResult,
    ),
    route(
        "put",
        "/api/v1/work-calendar/<int:year>",
        Rpc.put_calendar_year,
        "录入某年节假日安排（调休）(enter a year's holiday schedule)",
        roles=roles.CALENDAR,
        where=ANY_LEVEL,
        body=c.CalendarYearIn,
        response=c.CalendarYearOut,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/work-calendar/<int:year>",
        Rpc.get_calendar_year,
        "某年工作日安排及来源 (a year's working days and where they come from)",
        roles=roles.READ,
        where=ANY_LEVEL,
        response=c.CalendarYearOut,
    ),
    route(
        "put",
        "/api/v1/implementation/settings/<string:area_code>",
        Rpc.put_area_settings,
        "本地区序时进度容差、挂牌条件、报送期限与催办步骤 (the area's parameters of judgement)",
        name="put_implementation_settings",
        roles=roles.SETTINGS,
        where=Area.path("area_code"),
        body=c.AreaSettingsIn,
        response=c.AreaSettingsOut,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/implementation/settings/<string:area_code>",
        Rpc.get_area_settings,
        "本地区实施参数（含继承自上级的）(the area's parameters, inherited ones too)",
        name="get_implementation_settings",
        roles=roles.READ,
        where=Area.path("area_code"),
        response=c.AreaSettingsOut,
    ),
    route(
        "post",
        f"{PROJECT}/acceptance",
        Rpc.accept_project,
        "项目验收（合格即完成）(record the project's acceptance: passing completes it)",
        roles=roles.WRITE,
        where=IN_PROJECT,
        body=c.AcceptanceIn,
        response=c.Acceptance,
        status=201,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/reports/implementation",
        Rpc.get_report,
        "当年完成率、预测、慢序时与结转项目 (same-year completion, forecast, lagging list)",
        name="get_implementation_report",
        roles=roles.READ,
        where=Area.query(),
        query=c.ImplementationReportQuery,
        response=c.ImplementationReport,
    ),
    route(
        "get",
        "/api/v1/reports/implementation/export",
        Rpc.export_report,
        "导出项目、调度进度、问题清单（Excel 或 CSV）(export projects, reports, problems)",
        name="export_implementation_report",
        roles=roles.READ,
        where=Area.query(),
        query=c.ImplementationExportQuery,
        files=tuple(CONTENT_TYPES.values()),
    ),
)
ROUTES = PROJECT_ROUTES + funds.ROUTES + treasury.ROUTES + feed.ROUTES
