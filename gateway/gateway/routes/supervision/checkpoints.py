"""Checkpoints' routes (年初问选题 · 年中问进度 · 年底问效果, the groups' reports, the
chairpersons' meeting documents). A checkpoint id starts with its level letter."""

from contracts import supervision_checkpoints as c
from contracts.calendar import CalendarYearIn, CalendarYearOut
from contracts.supervision import SUPERVISION
from contracts.supervision import SupervisionRpc as Rpc

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of

route = routes_of(SUPERVISION, "supervision")

# The service's sets (supervision.roles, use_cases.checkpoint_*): tests/contract checks them.
STAFF = frozenset({"admin", "congress_staff"})
READ = frozenset(
    {
        "admin",
        "congress_staff",
        "deputy",
        "evaluator",
        "supervisor",
        "government_staff",
        "department_staff",
    }
)
MEMBERS = frozenset({"admin", "congress_staff", "deputy"})  # a group's members, and staff
CALENDAR = frozenset({"admin"})

CHECKPOINT = "/api/v1/checkpoints/<string:checkpoint_id>"
# A malformed id names no checkpoint: 404, the same answer as an unknown one, before the body.
IN_CHECKPOINT = Letter(
    "path", "checkpoint_id", c.checkpoint_level, "检查节点不存在 (unknown checkpoint)"
)

ROUTES = (
    route(
        "post",
        "/api/v1/checkpoints",
        Rpc.set_checkpoint,
        "设定检查节点：年初问选题、年中问进度、年底问效果（可重复设定）(set a checkpoint)",
        roles=STAFF,
        where=Area.body(),
        body=c.CheckpointIn,
        response=c.Checkpoint,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/checkpoints",
        Rpc.list_checkpoints,
        "本地区本年度的检查节点 (the area's checkpoints of a year)",
        roles=READ,
        where=Area.query(),
        query=c.CheckpointsQuery,
        response=c.CheckpointList,
    ),
    route(
        "get",
        CHECKPOINT,
        Rpc.get_checkpoint,
        "检查节点：应报、已报、逾期未报与催办 (expected, filed, missing reports)",
        roles=READ,
        where=IN_CHECKPOINT,
        response=c.CheckpointDetail,
    ),
    route(
        "post",
        f"{CHECKPOINT}/reports",
        Rpc.file_checkpoint_report,
        "监督组提交项目检查报告：逐题回答、评价、发现问题 (a group's report on a project)",
        roles=MEMBERS,
        who="该监督组成员或本地区人大工作人员 (a member of the group, or the area's staff)",
        where=IN_CHECKPOINT,
        body=c.CheckpointReportIn,
        response=c.CheckpointReport,
        status=201,
        idempotent=True,
    ),
    route(
        "post",
        "/api/v1/checkpoints/reminders",
        Rpc.run_checkpoint_reminders,
        "立即催办逾期未报的检查报告（定时任务每小时执行）(run the reminders now)",
        roles=STAFF,
        where=Area.body(),
        body=c.CheckpointRemindersRun,
        response=c.CheckpointRemindersResult,
        refuses=(409,),  # another run at the same moment
    ),
    route(
        "get",
        f"{CHECKPOINT}/report.<any(docx, xlsx):document_format>",
        Rpc.get_checkpoint_document,
        "主任会议材料：监督情况报告 Word 或 Excel，可按监督组 (meeting document, docx|xlsx)",
        roles=MEMBERS,
        who="按监督组时须为该组成员 (per group: its members, or staff)",
        where=IN_CHECKPOINT,
        query=c.CheckpointDocumentQuery,
        files=tuple(c.CONTENT_TYPES.values()),
    ),
    route(
        "put",
        "/api/v1/supervision/work-calendar/<int:year>",
        Rpc.put_supervision_calendar_year,
        "录入某年节假日安排（检查报告催办用）(enter a year's holiday schedule, for reminders)",
        roles=CALENDAR,
        where=CallerArea(),  # one database for every level: the caller's level answers
        body=CalendarYearIn,
        response=CalendarYearOut,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/supervision/work-calendar/<int:year>",
        Rpc.get_supervision_calendar_year,
        "某年工作日安排及来源（检查报告催办用）(a year's working days, for reminders)",
        roles=READ,
        where=CallerArea(),
        response=CalendarYearOut,
    ),
)
