"""Voting rules, rosters, sessions and their state transitions."""

from contracts import voting as v
from contracts.rpc import VOTING
from contracts.rpc import VotingRpc as Rpc

from ...table import Area, Letter, Route
from ...table.route import routes_of
from . import roles

route = routes_of(VOTING, "voting")
BASE = "/api/v1/sessions"
SESSION = f"{BASE}/<string:session_id>"
# A malformed id names no session: 404, the same answer as an unknown one, before the body.
IN_SESSION = Letter("path", "session_id", v.session_level, "会议不存在 (unknown session)")
# The area code says which level to ask; the service checks the record's own area (a roster's
# area is not the code given), so the gateway does not judge the scope here.
AREA_BODY, AREA_QUERY = Area.body(scoped=False), Area.query(scoped=False)


def step(
    name: str, rpc: str, summary: str, response: type, refuses: tuple[int, ...] = (409,)
) -> Route:
    """A step of the state machine: draft → deliberation → open → closed → tallied →
    announced → published (a runoff reopens); any other step is refused (409)."""
    return route(
        "post",
        f"{SESSION}/{name}",
        rpc,
        summary,
        roles=roles.RUN,
        where=IN_SESSION,
        body=v.Transition,
        body_required=False,
        response=response,
        refuses=refuses,
    )


ROUTES = (
    route(
        "post",
        "/api/v1/voting-rules",
        Rpc.adopt_rules,
        "通过票决办法（新版本）(adopt voting rules)",
        roles=roles.RUN,
        where=AREA_BODY,
        body=v.VotingRulesCreate,
        response=v.VotingRules,
        status=201,
        refuses=(409,),  # another version adopted at the same moment
    ),
    route(
        "get",
        "/api/v1/voting-rules",
        Rpc.list_rules,
        "本地区票决办法各版本 (voting rules of an area, newest first)",
        roles=roles.RULES_READ,
        where=AREA_QUERY,
        query=v.VotingRulesQuery,
        response=v.VotingRulesList,
    ),
    route(
        "post",
        "/api/v1/rosters/import",
        Rpc.import_roster,
        "导入代表名册 CSV (import a roster of deputies)",
        roles=roles.RUN,
        where=AREA_BODY,
        body=v.RosterImport,
        response=v.Roster,
        status=201,
        refuses=(409, 422),  # any bad row: every row's problems, nothing imported
    ),
    route(
        "get",
        "/api/v1/rosters/<string:roster_id>",
        Rpc.get_roster,
        "代表名册：代表团与人数 (one roster)",
        roles=roles.ROSTER_READ,
        where=AREA_QUERY,  # roster ids are UUIDs: `area_code` says which level to ask
        query=v.VotingRulesQuery,
        args=("roster_id",),
        response=v.Roster,
    ),
    route(
        "post",
        BASE,
        Rpc.create_session,
        "创建票决会议或满意度测评 (create a voting session)",
        roles=roles.RUN,
        where=AREA_BODY,
        body=v.SessionCreate,
        response=v.Session,
        status=201,
        idempotent=True,
        location=f"{BASE}/{{id}}",
        refuses=(422,),  # list not received, of another area or year, below the ratio
    ),
    route(
        "get",
        BASE,
        Rpc.list_sessions,
        "本地区票决会议 (sessions of an area)",
        roles=roles.SESSION_READ,
        where=AREA_QUERY,
        query=v.SessionQuery,
        response=v.SessionList,
    ),
    route(
        "get",
        SESSION,
        Rpc.get_session,
        "票决会议详情 (one session)",
        roles=roles.SESSION_READ,
        where=IN_SESSION,
        response=v.Session,
    ),
    step("deliberation", Rpc.start_deliberation, "开始代表团审议 (start deliberation)", v.Session),
    # Opening needs the quorum: 422 says how many are present and how many are needed.
    step("open", Rpc.open_session, "开始投票 (open the vote)", v.Session, (409, 422)),
    step("close", Rpc.close_session, "结束投票 (close the vote)", v.Session),
    step("tally", Rpc.tally_session, "计票 (tally)", v.SessionResult),
    step("announce", Rpc.announce_session, "当场宣布结果 (announce the result)", v.SessionResult),
    step(
        "publish",
        Rpc.publish_session,
        "公开结果与选票 (publish result and ballots)",
        v.SessionResult,
    ),
    step("runoff", Rpc.open_runoff, "未决项目另行投票 (open a runoff round)", v.Session),
)
