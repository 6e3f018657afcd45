"""Supervision · groups: forming groups (members, projects), suggestions, the supervised
projects' list and a project's supervision file (监督档案).

A group's routes go to the level named by its id's first letter
(contracts.supervision_groups.group_level); area-addressed ones to the level of `area_code`;
a project's file to its id's level. The service checks each record's area itself.
"""

from contracts import supervision_groups as c
from contracts.implementation import project_level
from contracts.supervision import SUPERVISION
from contracts.supervision import SupervisionRpc as Rpc

from ...table import Area, Letter
from ...table.route import routes_of

route = routes_of(SUPERVISION, "supervision")

# Congress staff of the area (and admins) form and change groups (supervision.roles.STAFF).
STAFF = frozenset({"admin", "congress_staff"})
# Every reader of supervision's records (supervision.roles.READ).
READ = STAFF | frozenset(
    {"deputy", "evaluator", "supervisor", "government_staff", "department_staff"}
)

GROUPS = "/api/v1/supervision-groups"
GROUP = f"{GROUPS}/<string:group_id>"
IN_GROUP = Letter("path", "group_id", c.group_level, "监督小组不存在 (unknown group)")
IN_PROJECT = Letter("path", "project_id", project_level, "项目不存在 (unknown project)")

ROUTES = (
    route(
        "post",
        GROUPS,
        Rpc.create_group,
        "组建监督小组（组长、委员会办公室工作人员、人大代表；分配项目）(form a supervision group)",
        roles=STAFF,
        where=Area.body(),
        body=c.GroupIn,
        response=c.Group,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "get",
        GROUPS,
        Rpc.list_groups,
        "本地区（含下级）的监督小组 (the area's supervision groups, sub-areas included)",
        roles=READ,
        where=Area.query(),
        query=c.GroupsQuery,
        response=c.GroupPage,
    ),
    route(
        "post",
        f"{GROUPS}/suggestions",
        Rpc.suggest_groups,
        "按代表专业与项目类别建议分组（说明每项得分）(suggest groups, each score explained)",
        roles=STAFF,
        where=Area.body(),
        body=c.SuggestionIn,
        response=c.Suggestion,
    ),
    route(
        "get",
        GROUP,
        Rpc.get_group,
        "监督小组详情：成员与项目 (a group, its members and projects)",
        roles=READ,
        where=IN_GROUP,
        response=c.Group,
    ),
    route(
        "put",
        f"{GROUP}/projects",
        Rpc.put_group_projects,
        "调整监督小组负责的项目（整体替换，记入各项目监督档案）(replace the group's projects)",
        roles=STAFF,
        where=IN_GROUP,
        body=c.GroupProjectsIn,
        response=c.Group,
        refuses=(409, 422),
    ),
    route(
        "put",
        f"{GROUP}/members",
        Rpc.put_group_members,
        "调整监督小组成员（有且仅有一名组长）(replace the group's members: exactly one leader)",
        roles=STAFF,
        where=IN_GROUP,
        body=c.GroupMembersIn,
        response=c.Group,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/supervision/projects",
        Rpc.list_supervision_projects,
        "监督中的项目：进度、资金、小组数、未整改问题数；可筛选未分组 (supervised projects)",
        roles=READ,
        where=Area.query(),
        query=c.SupervisionProjectsQuery,
        response=c.SupervisedProjectPage,
    ),
    route(
        "get",
        "/api/v1/projects/<string:project_id>/supervision",
        Rpc.get_project_file,
        "项目监督档案：项目、监督小组、未整改问题、时间线 (a project's supervision file)",
        roles=READ,
        where=IN_PROJECT,
        response=c.ProjectFile,
    ),
)
