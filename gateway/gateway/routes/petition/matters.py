"""Matters (事项): submitted through a code (public) or by deputies and stations, listed within
the caller's scope, moved on by actions, tracked by the resident; time limits, the petition
calendar, reminders and figures."""

from contracts import matters as c
from contracts import time_limits as tl
from contracts.calendar import CalendarYearIn, CalendarYearOut
from contracts.petition import PETITION, public_code_level
from contracts.petition import PetitionRpc as Rpc
from contracts.reference import tracking_code_level

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from . import roles

route = routes_of(PETITION, "petition")
CALLER = CallerArea()
MATTER = "/api/v1/matters/<string:matter_id>"
# Quoted: werkzeug's converter arguments are Python literals, and `report-up` is no name.
ACTION = f"<any({', '.join(repr(a) for a in c.MATTER_ACTIONS)}):matter_action>"
TRACK = "/api/v1/matters/track/<string:tracking_code>"
IN_TRACKED = Letter("path", "tracking_code", tracking_code_level, "查询码不存在 (unknown code)")
SUBMIT_WHO = (
    "群众扫码提交（qr）无需账号；代表走访、庭院会、板凳会、代表赶大集（visit, courtyard, bench, "
    "market）由代表本人或人大工作人员录入，联络站接待（station）由人大工作人员或该站代表录入 "
    "(qr: no account; the other channels: the deputy or congress staff, logged in)"
)

ROUTES = (
    route(
        "post",
        "/api/v1/matters",
        Rpc.submit_matter,
        "通过代表码反映事项（群众）或录入事项（代表、联络站）(submit a matter through a code)",
        who=SUBMIT_WHO,
        where=Letter("body", "code", public_code_level, "代表码不存在 (unknown code)"),
        body=c.MatterSubmit,
        body_note="姓名、电话仅代表及工作人员可见，不公开、不记录日志 (name, phone: never public)",
        response=c.MatterCreated,
        status=201,
        idempotent=True,
        public_limit=True,
        refuses=(401, 403, 422),  # a staff channel without login or not one's code; a revoked code
        location="/api/v1/matters/track/{tracking_code}",
    ),
    route(
        "get",
        "/api/v1/matters",
        Rpc.list_matters,
        "事项列表：代表看本人代办，部门看本部门承办，人大政府看本地区 (matters within your scope)",
        roles=roles.MATTER_READ,
        where=Area.query(),
        query=c.MattersQuery,
        response=c.MatterPage,
    ),
    route(
        "get",
        MATTER,
        Rpc.get_matter,
        "事项详情（含群众联系方式与办理过程）(one matter, its history and the resident's contact)",
        roles=roles.MATTER_READ,
        where=CALLER,
        response=c.MatterDetail,
    ),
    route(
        "post",
        f"{MATTER}/{ACTION}",
        Rpc.act_on_matter,
        "办理：受理、确定代办方式、分流、上报、延期、办结、回访、重新办理、转为建议 (act on it)",
        roles=roles.ACT,
        who="事项上的代表（当前层级）、当前办理地区的人大工作人员；部门工作人员仅可办结分流给本部门的事项",
        where=CALLER,
        body=c.MatterActionIn,
        body_note=c.MatterActionIn.__doc__ or "",
        response=c.MatterDetail,
        refuses=(409, 422),
    ),
    route(
        "get",
        TRACK,
        Rpc.track_matter,
        "凭查询码查看事项进度（不含个人信息）(track a matter by its code: no personal data)",
        where=IN_TRACKED,
        response=c.MatterTracking,
        public_limit=True,
    ),
    route(
        "post",
        f"{TRACK}/satisfaction",
        Rpc.rate_matter,
        "群众评价办理结果：满意、基本满意、不满意 (the resident rates the resolution)",
        where=IN_TRACKED,
        body=c.ResidentRating,
        response=c.MatterTracking,
        public_limit=True,
        refuses=(409, 422),  # rated already, or not resolved; 422 shared with the staff actions
    ),
    route(
        "get",
        "/api/v1/time-limits/<string:area_code>",
        Rpc.get_time_limits,
        "本地区适用的办理时限规则 (the time-limit rules of an area)",
        roles=roles.READ,
        where=Area.path("area_code"),
        response=tl.TimeLimits,
    ),
    route(
        "put",
        "/api/v1/time-limits/<string:area_code>",
        Rpc.put_time_limits,
        "设定本地区办理时限规则（新版本，下级地区沿用）(a new version of the area's rules)",
        roles=roles.KEEP,
        where=Area.path("area_code"),
        body=tl.TimeLimitsIn,
        response=tl.TimeLimits,
        refuses=(409, 422),
    ),
    route(
        "put",
        "/api/v1/petition/work-calendar/<int:year>",
        Rpc.put_petition_calendar_year,
        "录入某年节假日安排（信访时限用）(enter a year's holiday schedule, for time limits)",
        roles=roles.CALENDAR,
        where=CALLER,
        body=CalendarYearIn,
        response=CalendarYearOut,
        refuses=(409,),
    ),
    route(
        "get",
        "/api/v1/petition/work-calendar/<int:year>",
        Rpc.get_petition_calendar_year,
        "某年工作日安排及来源（信访时限用）(a year's working days, for time limits)",
        roles=roles.CALENDAR_READ,
        where=CALLER,
        response=CalendarYearOut,
    ),
    route(
        "post",
        "/api/v1/petition/reminders/run",
        Rpc.run_matter_reminders,
        "立即执行本地区催办、通报（每小时自动执行）(run the area's reminders now; hourly anyway)",
        roles=roles.KEEP,
        where=Area.body(),
        body=tl.MatterRemindersRun,
        response=tl.MatterRemindersResult,
    ),
    route(
        "get",
        "/api/v1/reports/petition",
        Rpc.get_petition_report,
        "信访代办统计：分级、状态、按时办结率、就地化解率、满意率、逾期 (the area's figures)",
        roles=roles.REPORT,
        where=Area.query(),
        query=tl.PetitionReportQuery,
        response=tl.PetitionReport,
    ),
)
