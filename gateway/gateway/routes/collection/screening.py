"""Screening: scores and verdicts on a proposal, the project library (民生实事项目库),
publishing outcomes and answering submitters."""

from contracts import screening as s
from contracts.rpc import COLLECTION
from contracts.rpc import CollectionRpc as Rpc

from ...table import Area, CallerArea
from ...table.route import routes_of
from . import roles

route = routes_of(COLLECTION, "screening")
CALLER = CallerArea()
P = "/api/v1/proposals/<string:proposal_id>"

ROUTES = (
    route(
        "post",
        f"{P}/screenings",
        Rpc.screen_proposal,
        "按四项原则评分并给出筛选结论 (screen a proposal)",
        roles=roles.SCREEN,
        where=CALLER,
        body=s.ScreeningCreate,
        response=s.ScreeningRecorded,
        status=201,
        idempotent=True,
        refuses=(409,),  # merged, voted on, published, or on a draft list
    ),
    route(
        "get",
        f"{P}/screenings",
        Rpc.list_screenings,
        "筛选记录及评分均值、离散度 (screenings with mean and spread)",
        roles=roles.SCREENING_READ,
        where=CALLER,
        response=s.ScreeningList,
    ),
    route(
        "get",
        "/api/v1/library",
        Rpc.list_library,
        "民生实事项目库 (the project library, searchable)",
        roles=roles.LIBRARY_READ,
        where=Area.query(),
        query=s.LibraryQuery,
        response=s.LibraryPage,
    ),
    route(
        "put",
        "/api/v1/library/<string:proposal_id>",
        Rpc.update_library_item,
        "修改项目库信息 (edit a library item)",
        roles=roles.LIBRARY_EDIT,
        where=CALLER,
        body=s.LibraryItemUpdate,
        response=s.LibraryItem,
        refuses=(409,),  # not in the library
    ),
    route(
        "post",
        "/api/v1/outcomes/publish",
        Rpc.publish_outcomes,
        "公布某地区某年度的筛选结果 (publish outcomes of an area and year)",
        roles=roles.PUBLISH,
        where=Area.body(),
        body=s.OutcomeScope,
        response=s.OutcomesPublished,
    ),
    route(
        "post",
        "/api/v1/outcomes/answer",
        Rpc.answer_submitters,
        "答复建议人（发出 proposal_screened_v1）(answer the submitters)",
        roles=roles.PUBLISH,
        where=Area.body(),
        body=s.OutcomeScope,
        response=s.SubmittersAnswered,
        refuses=(409,),  # nothing published and nothing needing information
    ),
)
