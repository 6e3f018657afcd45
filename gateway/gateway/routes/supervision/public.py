"""Public supervision's routes (码上监督, 社会监督员): a project's QR code and site sign, what a
public code names, feedback through the code and its moderation, social supervisors and their
observations.

A project's routes go to the level its id's letter names, a public code's to its letter's, and
feedback, supervisors and observations by their ids' letters; area lists by `area_code`. The
public routes need no login and carry the per-client public limit.
"""

from contracts import supervision_public as c
from contracts.implementation import project_level
from contracts.supervision import SUPERVISION, public_code_level
from contracts.supervision import SupervisionRpc as Rpc

from ...table import Area, Letter
from ...table.route import routes_of

route = routes_of(SUPERVISION, "supervision")

# Who may call (the union of what supervision.roles accepts: tests/contract/test_gateway_roles.py)
STAFF = frozenset({"admin", "congress_staff"})  # codes, signs, moderation, supervisors
SUPERVISORS = frozenset({"supervisor"})  # observations on their assigned projects
OBSERVATION_READ = STAFF | SUPERVISORS

PROJECT = "/api/v1/projects/<string:project_id>"
IN_PROJECT = Letter("path", "project_id", project_level, "项目不存在 (unknown project)")
CODE = "<string:project_code>"
IN_CODE = Letter("path", "project_code", public_code_level, "项目码不存在 (unknown project code)")
FEEDBACK = "/api/v1/feedback/<string:feedback_id>"
IN_FEEDBACK = Letter("path", "feedback_id", c.record_level, "反馈不存在 (unknown feedback)")
SUPERVISOR = "/api/v1/social-supervisors/<string:supervisor_id>"
IN_SUPERVISOR = Letter("path", "supervisor_id", c.record_level, "监督员不存在 (unknown supervisor)")
OBSERVATION = "/api/v1/observations/<string:observation_id>"
IN_OBSERVATION = Letter(
    "path", "observation_id", c.record_level, "观察记录不存在 (unknown observation)"
)

CODES = (
    route(
        "get",
        f"{PROJECT}/qr.<any(svg, png):image>",
        Rpc.get_project_qr,
        "项目二维码（SVG 或 PNG，指向项目公开页 /p/<项目码>）(the project's QR code)",
        roles=STAFF,
        where=IN_PROJECT,
        files=("image/svg+xml", "image/png"),
    ),
    route(
        "get",
        f"{PROJECT}/sign.svg",
        Rpc.get_project_sign,
        "项目公示牌（A4，可打印，扫码监督）(the project's printable site sign)",
        roles=STAFF,
        where=IN_PROJECT,
        files=("image/svg+xml",),
    ),
    route(
        "get",
        f"/api/v1/public/project-codes/{CODE}",
        Rpc.get_project_by_code,
        "项目码对应的项目（供 /p/<项目码> 页面按编号读取公开信息）(what a project code names)",
        where=IN_CODE,
        response=c.ProjectByCode,
        public_limit=True,
    ),
)

FEEDBACK_ROUTES = (
    route(
        "post",
        f"/api/v1/public/projects/{CODE}/feedback",
        Rpc.submit_feedback,
        "码上监督：群众反馈（无需账号；姓名电话仅工作人员可见）(feedback through the code)",
        where=IN_CODE,
        body=c.FeedbackIn,
        response=c.FeedbackCreated,
        status=201,
        idempotent=True,
        public_limit=True,
    ),
    route(
        "get",
        f"/api/v1/public/projects/{CODE}/feedback",
        Rpc.list_public_feedback,
        "项目已公开的群众反馈（不含姓名电话）(the published feedback: no personal data)",
        where=IN_CODE,
        response=c.PublicFeedbackPage,
        public_limit=True,
    ),
    route(
        "get",
        "/api/v1/feedback",
        Rpc.list_feedback,
        "本地区群众反馈（含联系方式，供回访）(the area's feedback, with contact)",
        roles=STAFF,
        where=Area.query(),
        query=c.FeedbackQuery,
        response=c.FeedbackPage,
    ),
    route(
        "post",
        f"{FEEDBACK}/moderation",
        Rpc.moderate_feedback,
        "审核群众反馈：publish 公开、hide 屏蔽（须说明理由）(publish or hide a feedback)",
        roles=STAFF,
        where=IN_FEEDBACK,
        body=c.ModerationIn,
        response=c.Feedback,
        refuses=(409,),
    ),
    route(
        "post",
        f"{FEEDBACK}/finding",
        Rpc.feedback_to_finding,
        "据群众反馈登记发现的问题 (raise a finding from a feedback)",
        roles=STAFF,
        where=IN_FEEDBACK,
        body=c.PublicFindingIn,
        body_required=False,
        response=c.PublicFindingMade,
        status=201,
        refuses=(409,),
    ),
)

SOCIAL = (
    route(
        "post",
        "/api/v1/social-supervisors",
        Rpc.register_social_supervisor,
        "登记社会监督员（关联 supervisor 角色账号）(register a social supervisor)",
        roles=STAFF,
        where=Area.body(),
        body=c.SupervisorIn,
        response=c.SocialSupervisor,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/social-supervisors",
        Rpc.list_social_supervisors,
        "本地区社会监督员及其监督项目 (the area's social supervisors)",
        roles=STAFF,
        where=Area.query(),
        query=c.SupervisorsQuery,
        response=c.SupervisorList,
    ),
    route(
        "put",
        f"{SUPERVISOR}/projects",
        Rpc.put_supervisor_projects,
        "设定社会监督员的监督项目 (set a social supervisor's projects)",
        roles=STAFF,
        where=IN_SUPERVISOR,
        body=c.SupervisorProjectsIn,
        response=c.SocialSupervisor,
        refuses=(409, 422),
    ),
    route(
        "post",
        "/api/v1/observations",
        Rpc.record_observation,
        "社会监督员提交观察记录（仅限分配的项目）(a social supervisor's observation)",
        roles=SUPERVISORS,
        where=Letter("body", "project_id", project_level, "项目不存在 (unknown project)"),
        body=c.ObservationIn,
        response=c.Observation,
        status=201,
        idempotent=True,
    ),
    route(
        "get",
        "/api/v1/observations",
        Rpc.list_observations,
        "观察记录（工作人员：本地区；社会监督员：本人）(observations)",
        roles=OBSERVATION_READ,
        where=Area.query(),
        query=c.ObservationsQuery,
        response=c.ObservationList,
    ),
    route(
        "post",
        f"{OBSERVATION}/finding",
        Rpc.observation_to_finding,
        "据观察记录登记发现的问题 (raise a finding from an observation)",
        roles=STAFF,
        where=IN_OBSERVATION,
        body=c.PublicFindingIn,
        body_required=False,
        response=c.PublicFindingMade,
        status=201,
        refuses=(409,),
    ),
)

ROUTES = CODES + FEEDBACK_ROUTES + SOCIAL
