"""Duty posts (履职圈) and the sentiment diary (民情日记).

A post id starts with its deputy's level letter, so a post is routed to its level without
asking anyone, and anyone may read a visible one. The feed is public and goes to the level of
its `area_code`; a token still travels, so staff of the area (and a deputy in their own list)
may ask for hidden posts too. The diary is the deputy's own: deputies only, at their own level.
"""

from contracts import posts as c
from contracts.petition import PETITION
from contracts.petition import PetitionRpc as Rpc

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from . import roles

route = routes_of(PETITION, "petition")
CALLER = CallerArea()
POST = "/api/v1/duty-posts/<string:post_id>"
IN_POST = Letter("path", "post_id", c.post_level, "履职动态不存在 (unknown post)")
MODERATION = f"<any({', '.join(c.POST_ACTIONS)}):post_action>"
NOTE = "/api/v1/diary/<string:note_id>"
TARGET = f"<any({', '.join(c.DIARY_TARGETS)}):diary_target>"
OWN_POSTS = "代表本人（账号已关联代表信息）(the deputy, own posts only)"
OWN_NOTES = "仅代表本人可见，人大工作人员与其他代表均不可见 (the author only: nobody else)"

ROUTES = (
    route(
        "post",
        "/api/v1/duty-posts",
        Rpc.publish_duty_post,
        "发布履职动态：宣讲、走访、接待、调研 (publish a duty post)",
        roles=roles.POST,
        who=OWN_POSTS,
        where=CALLER,
        body=c.DutyPostIn,
        body_note="每条最多 9 张照片、1 个视频；活动日期不晚于今天；每天最多 20 条 (limits: 422)",
        response=c.DutyPost,
        status=201,
        idempotent=True,
        refuses=(422,),
    ),
    route(
        "get",
        "/api/v1/duty-posts",
        Rpc.list_duty_posts,
        "履职圈：本地区（含下级）代表履职动态，最新在前 (the area's duty posts, newest first)",
        who="公开；include_hidden 仅限本地区人大工作人员或代表本人 (public; hidden: staff, author)",
        where=Area.query(scoped=False),
        query=c.DutyPostsQuery,
        response=c.DutyPostPage,
        public_limit=True,
        refuses=(401, 403),
    ),
    route(
        "get",
        POST,
        Rpc.get_duty_post,
        "一条履职动态（被屏蔽的仅作者与人大工作人员可见）(one duty post)",
        where=IN_POST,
        response=c.DutyPost,
        public_limit=True,
    ),
    route(
        "put",
        POST,
        Rpc.put_duty_post,
        "修改本人的履职动态 (change one's own duty post)",
        roles=roles.POST,
        who=OWN_POSTS,
        where=IN_POST,
        body=c.DutyPostIn,
        response=c.DutyPost,
        refuses=(409, 422),
    ),
    route(
        "delete",
        POST,
        Rpc.delete_duty_post,
        "删除本人的履职动态 (delete one's own duty post)",
        roles=roles.POST,
        who=OWN_POSTS,
        where=IN_POST,
        response=c.DutyPostDeleted,
        refuses=(409,),
    ),
    route(
        "post",
        f"{POST}/{MODERATION}",
        Rpc.moderate_duty_post,
        "屏蔽（须说明理由）或恢复显示履职动态 (hide with a reason, or unhide, a duty post)",
        roles=roles.MODERATE,
        who="本地区或上级人大工作人员 (congress staff of the post's area or above)",
        where=IN_POST,
        body=c.PostModerate,
        body_required=False,
        response=c.DutyPost,
        refuses=(409,),
    ),
    route(
        "post",
        "/api/v1/diary",
        Rpc.create_diary_note,
        "记民情日记（仅本人可见）(write a sentiment diary note: yours only)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        body=c.DiaryNoteIn,
        response=c.DiaryNote,
        status=201,
        idempotent=True,
    ),
    route(
        "get",
        "/api/v1/diary",
        Rpc.list_diary_notes,
        "本人的民情日记，可按标签筛选 (your diary notes, by tag)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        query=c.DiaryQuery,
        response=c.DiaryPage,
    ),
    route(
        "get",
        NOTE,
        Rpc.get_diary_note,
        "一篇民情日记 (one diary note)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        response=c.DiaryNote,
    ),
    route(
        "put",
        NOTE,
        Rpc.put_diary_note,
        "修改民情日记 (change a diary note)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        body=c.DiaryNoteIn,
        response=c.DiaryNote,
        refuses=(409,),
    ),
    route(
        "delete",
        NOTE,
        Rpc.delete_diary_note,
        "删除民情日记 (delete a diary note)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        response=c.DiaryNoteDeleted,
        refuses=(409,),
    ),
    route(
        "post",
        f"{NOTE}/{TARGET}",
        Rpc.convert_diary_note,
        "民情日记转为事项（代表录入）或民生实事建议（经事项受理后转交）(a note becomes a matter "
        "or a proposal)",
        roles=roles.DIARY,
        who=OWN_NOTES,
        where=CALLER,
        body=c.DiaryConvert,
        body_note=c.DiaryConvert.__doc__ or "",
        response=c.DiaryConverted,
        refuses=(409, 422),
    ),
)
