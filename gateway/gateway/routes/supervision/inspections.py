"""Supervision · inspections, findings, rectification requests (交办问题) and look-backs
(回头看). Records are addressed by ids that start with their level letter (`T-…`)."""

from contracts import supervision_inspections as c
from contracts.implementation import project_level
from contracts.supervision import SUPERVISION
from contracts.supervision import SupervisionRpc as Rpc

from ...table import Area, Letter
from ...table.route import routes_of

route = routes_of(SUPERVISION, "supervision")

# The sets supervision.roles accepts (tests/contract/test_gateway_roles.py keeps them equal).
STAFF = frozenset({"admin", "congress_staff"})
INSPECT = STAFF | frozenset({"deputy"})  # group members and congress staff
FINDINGS_READ = INSPECT | frozenset({"government_staff", "department_staff"})

INSPECTION = "/api/v1/inspections/<string:inspection_id>"
FINDING = "/api/v1/findings/<string:finding_id>"
RECTIFICATION = "/api/v1/rectifications/<string:rectification_id>"
MEMBERS_ONLY = "监督组成员或本地区人大工作人员 (members of the group, or congress staff)"


def _by_id(name: str, what: str) -> Letter:
    return Letter("path", name, c.record_level, f"{what}不存在 (unknown {name[:-3]})")


ROUTES = (
    route(
        "post",
        "/api/v1/inspections",
        Rpc.record_inspection,
        "记录集中督查、专项审议、专题询问或现场观摩会 (record an inspection or a review)",
        roles=INSPECT,
        who=MEMBERS_ONLY,
        where=Area.body(),
        body=c.InspectionIn,
        response=c.Inspection,
        status=201,
        idempotent=True,
        refuses=(404, 422),
    ),
    route(
        "get",
        "/api/v1/inspections",
        Rpc.list_inspections,
        "本地区督查记录 (the area's inspections, latest first)",
        roles=INSPECT,
        where=Area.query(),
        query=c.InspectionsQuery,
        response=c.InspectionPage,
    ),
    route(
        "get",
        INSPECTION,
        Rpc.get_inspection,
        "督查记录详情 (an inspection with its questions and findings)",
        roles=INSPECT,
        where=_by_id("inspection_id", "督查记录"),
        response=c.Inspection,
    ),
    route(
        "post",
        "/api/v1/findings",
        Rpc.raise_project_finding,
        "登记项目上发现的问题 (raise a finding on a project)",
        roles=INSPECT,
        who=MEMBERS_ONLY,
        where=Letter("body", "project_id", project_level, "项目不存在 (unknown project)"),
        body=c.DirectFindingIn,
        response=c.SupervisionFinding,
        status=201,
        idempotent=True,
        refuses=(404, 422),
    ),
    route(
        "get",
        "/api/v1/findings",
        Rpc.list_findings,
        "本地区发现的问题；政府部门只见交办给其的问题 (the area's findings)",
        roles=FINDINGS_READ,
        where=Area.query(),
        query=c.FindingsQuery,
        response=c.SupervisionFindingPage,
    ),
    route(
        "get",
        FINDING,
        Rpc.get_finding,
        "问题详情 (a finding)",
        roles=FINDINGS_READ,
        where=_by_id("finding_id", "问题"),
        response=c.SupervisionFinding,
    ),
    route(
        "post",
        f"{FINDING}/rectification",
        Rpc.request_rectification,
        "交办问题：限期整改并定回头看日期 (hand the finding to the government to rectify)",
        roles=INSPECT,
        who=MEMBERS_ONLY,
        where=_by_id("finding_id", "问题"),
        body=c.RectificationIn,
        response=c.Rectification,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/rectifications",
        Rpc.list_rectifications,
        "本地区交办问题及各轮整改 (the area's rectification requests)",
        roles=FINDINGS_READ,
        where=Area.query(),
        query=c.RectificationsQuery,
        response=c.RectificationPage,
    ),
    route(
        "get",
        RECTIFICATION,
        Rpc.get_rectification,
        "交办问题详情，含各轮 (a rectification request with all its rounds)",
        roles=FINDINGS_READ,
        where=_by_id("rectification_id", "交办问题"),
        response=c.Rectification,
    ),
    route(
        "post",
        f"{RECTIFICATION}/lookbacks",
        Rpc.record_lookback,
        "回头看：已整改销号，未整改重新交办，超过轮次提交主任会议 (look back)",
        roles=INSPECT,
        who=MEMBERS_ONLY,
        where=_by_id("rectification_id", "交办问题"),
        body=c.LookbackIn,
        response=c.Rectification,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "put",
        "/api/v1/supervision/rectification-rounds",
        Rpc.set_rectification_rounds,
        "设置本地区整改轮次上限（默认 3）(an area's limit of rounds before escalation)",
        roles=STAFF,
        where=Area.body(),
        body=c.RectificationRoundsIn,
        response=c.RectificationRounds,
        refuses=(409,),
    ),
)
