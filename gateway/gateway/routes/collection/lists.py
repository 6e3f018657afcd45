"""Draft lists: an area's collection settings, draft lists, rounds (三上三下), versions and
diffs, freezing, candidate lists."""

from contracts import lists as c
from contracts.rpc import COLLECTION
from contracts.rpc import CollectionRpc as Rpc

from ...table import Area, CallerArea
from ...table.route import routes_of
from . import roles

route = routes_of(COLLECTION, "draft-lists")
CALLER = CallerArea()
SETTINGS = "/api/v1/areas/<string:code>/collection-settings"
BASE = "/api/v1/draft-lists"
LIST = f"{BASE}/<string:draft_list_id>"

ROUTES = (
    route(
        "get",
        SETTINGS,
        Rpc.get_area_settings,
        "本地区征集设置：轮次与差额比例 (collection settings of an area)",
        roles=roles.LIST_READ,
        where=Area.path("code"),
        response=c.AreaSettings,
    ),
    route(
        "put",
        SETTINGS,
        Rpc.update_area_settings,
        "修改本地区征集设置 (update collection settings)",
        roles=roles.SETTINGS,
        where=Area.path("code"),
        body=c.AreaSettingsUpdate,
        response=c.AreaSettings,
        refuses=(409,),  # changed by someone else at the same moment
    ),
    route(
        "post",
        BASE,
        Rpc.create_draft_list,
        "由项目库生成草拟清单（第 0 版）(create a draft list from the library)",
        roles=roles.BUILD,
        where=Area.body(),
        body=c.DraftListCreate,
        response=c.DraftList,
        status=201,
        idempotent=True,
        location=f"{BASE}/{{id}}",
        refuses=(422,),  # nothing in the library, or items not of that area and year
    ),
    route(
        "get",
        BASE,
        Rpc.list_draft_lists,
        "草拟清单列表 (draft lists of an area)",
        roles=roles.LIST_READ,
        where=Area.query(),
        query=c.DraftListQuery,
        response=c.DraftListPage,
    ),
    route(
        "get",
        LIST,
        Rpc.get_draft_list,
        "草拟清单详情 (one draft list)",
        roles=roles.LIST_READ,
        where=CALLER,
        response=c.DraftList,
    ),
    route(
        "post",
        f"{LIST}/rounds",
        Rpc.open_round,
        "开启一轮征求意见（下）(open a round: send down for comment)",
        roles=roles.BUILD,
        where=CALLER,
        body=c.RoundOpen,
        response=c.Round,
        status=201,
        refuses=(409, 422),  # a round open or the list frozen; the planned rounds done
    ),
    route(
        "post",
        f"{LIST}/rounds/<int:n>/comments",
        Rpc.record_comment,
        "登记反馈意见，追加不覆盖 (append an answer to a comment request)",
        roles=roles.COMMENT,
        who="只有征求意见时指定的账号可以答复 (only the account the request names answers)",
        where=CALLER,
        body=c.CommentRecord,
        response=c.CommentRequest,
        refuses=(409, 422),  # the round is closed
    ),
    route(
        "post",
        f"{LIST}/rounds/<int:n>/close",
        Rpc.close_round,
        "结束本轮，提交修订清单（上）(close a round with the revised list)",
        roles=roles.BUILD,
        where=CALLER,
        body=c.RoundClose,
        response=c.Version,
        status=201,
        refuses=(409, 422),
    ),
    route(
        "get",
        f"{LIST}/versions/<int:n>",
        Rpc.get_version,
        "清单某一版本 (one version)",
        roles=roles.LIST_READ,
        where=CALLER,
        response=c.Version,
    ),
    route(
        "get",
        f"{LIST}/diff",
        Rpc.diff_versions,
        "两个版本之间的差异及理由 (diff of two versions with reasons)",
        roles=roles.LIST_READ,
        where=CALLER,
        query=c.DiffQuery,
        response=c.VersionDiff,
    ),
    route(
        "post",
        f"{LIST}/freeze",
        Rpc.freeze_list,
        "冻结候选清单 (freeze the candidate list)",
        roles=roles.BUILD,
        where=CALLER,
        body=c.Freeze,
        response=c.CandidateList,
        status=201,
        location="/api/v1/candidate-lists/{id}",
        refuses=(409, 422),  # frozen already; rounds to do or too few candidates
    ),
    route(
        "get",
        "/api/v1/candidate-lists/<string:candidate_list_id>",
        Rpc.get_candidate_list,
        "候选清单（票决顺序）(a frozen candidate list)",
        roles=roles.LIST_READ,
        where=CALLER,
        response=c.CandidateList,
    ),
)
