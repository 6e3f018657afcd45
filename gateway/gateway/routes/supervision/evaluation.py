"""Supervision · evaluation's routes: indicator frameworks, evaluations (绩效评价 · 预评估), the
deputies' satisfaction vote (满意度测评), the year-end evaluation report (Word, Excel, JSON).

Id-addressed routes go to the level named by the id's first letter (`T-<hex>`); a new
evaluation to its framework's level; area-addressed routes to the area's level. The role sets
equal supervision.roles (tests/contract/test_gateway_roles.py); the service checks the area of
every record itself."""

from contracts import supervision_evaluation as c
from contracts.supervision import SUPERVISION
from contracts.supervision import SupervisionRpc as Rpc

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of

STAFF = frozenset({"admin", "congress_staff"})
EVALUATORS = frozenset({"evaluator"})
MEMBERS = frozenset({"congress_staff", "deputy"})
FRAMEWORK_WRITE = STAFF
FRAMEWORK_READ = STAFF | EVALUATORS
EVALUATION_WRITE = EVALUATORS
EVALUATION_READ = STAFF | EVALUATORS
SATISFACTION_WRITE = STAFF
SATISFACTION_READ = STAFF | MEMBERS
YEAR_END_READ = STAFF | MEMBERS

route = routes_of(SUPERVISION, "supervision")
FRAMEWORK = "/api/v1/evaluation-frameworks/<string:framework_id>"
IN_FRAMEWORK = Letter("path", "framework_id", c.record_level, "指标体系不存在 (unknown framework)")
EVALUATION = "/api/v1/evaluations/<string:evaluation_id>"
IN_EVALUATION = Letter(
    "path", "evaluation_id", c.record_level, "评价记录不存在 (unknown evaluation)"
)
VOTE = "/api/v1/satisfaction-votes/<string:vote_id>"
IN_VOTE = Letter("path", "vote_id", c.record_level, "满意度测评不存在 (unknown satisfaction vote)")
BY_FRAMEWORK = Letter("body", "framework_id", c.record_level, "指标体系不存在 (unknown framework)")
YEAR_END = "/api/v1/supervision/year-end-report"

FRAMEWORK_ROUTES = (
    route(
        "get",
        "/api/v1/evaluation-frameworks/template",
        Rpc.get_framework_template,
        "默认绩效评价指标体系模板：可编辑的默认值，不是官方数值 (the default template: an "
        "editable default, not the official figures)",
        roles=FRAMEWORK_READ,
        where=CallerArea(),
        response=c.FrameworkTemplate,
    ),
    route(
        "post",
        "/api/v1/evaluation-frameworks",
        Rpc.create_framework,
        "制定本地区绩效评价指标体系（第 1 版）(adopt an area's indicator framework)",
        roles=FRAMEWORK_WRITE,
        where=Area.body(),
        body=c.FrameworkIn,
        response=c.Framework,
        status=201,
        idempotent=True,
        refuses=(422,),
    ),
    route(
        "put",
        FRAMEWORK,
        Rpc.revise_framework,
        "修订指标体系：新版本并说明理由，旧版本保留可查 (revise: a new version with its reason)",
        roles=FRAMEWORK_WRITE,
        where=IN_FRAMEWORK,
        body=c.FrameworkRevision,
        response=c.Framework,
        refuses=(422,),
    ),
    route(
        "get",
        "/api/v1/evaluation-frameworks",
        Rpc.list_frameworks,
        "本地区的指标体系 (the area's frameworks, each at its latest version)",
        roles=FRAMEWORK_READ,
        where=Area.query(),
        query=c.FrameworksQuery,
        response=c.FrameworkList,
    ),
    route(
        "get",
        FRAMEWORK,
        Rpc.get_framework,
        "指标体系及其版本（?version= 查看旧版本）(a framework, any version)",
        roles=FRAMEWORK_READ,
        where=IN_FRAMEWORK,
        query=c.FrameworkQuery,
        response=c.Framework,
    ),
)

EVALUATION_ROUTES = (
    route(
        "post",
        "/api/v1/evaluations",
        Rpc.record_evaluation,
        "第三方记录绩效评价或预评估：逐项得分、加权总分、等级 (record an evaluation)",
        roles=EVALUATION_WRITE,
        where=BY_FRAMEWORK,
        body=c.EvaluationIn,
        response=c.Evaluation,
        status=201,
        idempotent=True,
        refuses=(404, 422),
    ),
    route(
        "get",
        "/api/v1/evaluations",
        Rpc.list_evaluations,
        "本地区（含下级）的绩效评价与预评估 (the area's evaluations, sub-areas included)",
        roles=EVALUATION_READ,
        where=Area.query(),
        query=c.EvaluationsQuery,
        response=c.EvaluationList,
    ),
    route(
        "get",
        EVALUATION,
        Rpc.get_evaluation,
        "绩效评价详情 (an evaluation)",
        roles=EVALUATION_READ,
        where=IN_EVALUATION,
        response=c.Evaluation,
    ),
    route(
        "get",
        f"{EVALUATION}/report.docx",
        Rpc.evaluation_report,
        "绩效评价报告（Word）(the evaluation report as a Word document)",
        roles=EVALUATION_READ,
        where=IN_EVALUATION,
        files=(c.DOCX,),
    ),
)

VOTE_ROUTES = (
    route(
        "post",
        "/api/v1/satisfaction-votes",
        Rpc.request_satisfaction_vote,
        "准备满意度测评：项目清单及预评估，请票决系统建立测评会议 (ask voting for a "
        "satisfaction vote on the year's projects)",
        roles=SATISFACTION_WRITE,
        where=Area.body(),
        body=c.SatisfactionVoteIn,
        response=c.SatisfactionVote,
        status=201,
        idempotent=True,
        refuses=(422,),
    ),
    route(
        "get",
        "/api/v1/satisfaction-votes",
        Rpc.list_satisfaction_votes,
        "本地区的满意度测评 (the area's satisfaction votes)",
        roles=SATISFACTION_READ,
        where=Area.query(),
        query=c.SatisfactionVotesQuery,
        response=c.SatisfactionVoteList,
    ),
    route(
        "get",
        VOTE,
        Rpc.get_satisfaction_vote,
        "满意度测评：会议、状态、各项目票数与等级 (a satisfaction vote and its results)",
        roles=SATISFACTION_READ,
        where=IN_VOTE,
        response=c.SatisfactionVote,
    ),
    route(
        "get",
        YEAR_END,
        Rpc.get_year_end_report,
        "年度监督评价报告数据 (the area's year-end evaluation report, as JSON)",
        roles=YEAR_END_READ,
        where=Area.query(),
        query=c.YearEndQuery,
        response=c.YearEndReport,
    ),
    route(
        "get",
        f"{YEAR_END}.<any(docx, xlsx):report_format>",
        Rpc.export_year_end_report,
        "年度监督评价报告（Word 或 Excel）(the year-end report as Word or Excel)",
        roles=YEAR_END_READ,
        where=Area.query(),
        query=c.YearEndQuery,
        files=(c.DOCX, c.XLSX),
    ),
)

ROUTES = FRAMEWORK_ROUTES + EVALUATION_ROUTES + VOTE_ROUTES
