"""Intake: collection notices and proposals — public submission and tracking, staff lists and
views, supporters, attachments, duplicates and merging.

Id-addressed routes go to the caller's own level (every collection level shares one database);
the service checks the proposal's area.
"""

from collections.abc import Mapping
from typing import Any

from contracts import rpc as c
from contracts.reference import PUBLIC_CHANNEL, tracking_code_level
from contracts.rpc import COLLECTION
from contracts.rpc import CollectionRpc as Rpc

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from ...table.who import describe
from . import roles

route = routes_of(COLLECTION, "collection")
CALLER = CallerArea()
P = "/api/v1/proposals/<string:proposal_id>"
# What a channel adds to the required fields (contracts.rpc.ProposalSubmit's channel rules;
# tests/contract/test_openapi.py loads the schema to keep this true).
REQUIRED_BY_CHANNEL = {
    "deputy": ("deputy_name", "liaison_station"),
    "department": ("department_name",),
}
CHANNEL_FIELDS = (
    "渠道决定必填字段 (required fields by channel)："
    + "；".join(f"{ch}：{'、'.join(names)}" for ch, names in REQUIRED_BY_CHANNEL.items())
    + "；online 不能附带 supporters (no supporters online)；petition 只能由信访事项转入，"
    "不能提交 (petition proposals come only from petition matters)。"
)
CHANNEL_WHO = (
    "online 渠道无需账号；代为录入其他渠道须登录，且在本地区范围内，角色按渠道 "
    "(online needs no account; other channels: logged-in staff in scope, by channel)："
    + "；".join(f"{ch}：{describe(r)}" for ch, r in roles.CHANNEL.items() if r)
)


def entered_by_staff(body: Mapping[str, Any]) -> bool:
    """Any channel but online is entered on someone's behalf: login and area scope first."""
    return body["channel"] != PUBLIC_CHANNEL


ROUTES = (
    route(
        "post",
        "/api/v1/notices",
        Rpc.create_notice,
        "发布征集公告 (create a collection notice)",
        roles=roles.NOTICE,
        where=Area.body(),
        body=c.NoticeCreate,
        response=c.Notice,
        status=201,
        idempotent=True,
        location="/api/v1/notices/{id}",
    ),
    route(
        "get",
        "/api/v1/notices",
        Rpc.list_notices,
        "征集公告列表 (notices of an area)",
        where=Area.query(scoped=False),
        query=c.NoticeQuery,
        response=c.NoticeList,
    ),
    route(
        "post",
        "/api/v1/proposals",
        Rpc.submit_proposal,
        "提交民生实事建议 (submit a proposal)",
        who=CHANNEL_WHO,
        where=Area.body(scoped=entered_by_staff),
        body=c.ProposalSubmit,
        body_note=CHANNEL_FIELDS,
        response=c.ProposalCreated,
        status=201,
        idempotent=True,
        public_limit=True,
        refuses=(422,),  # collection closed, or not yet open (the message says when)
        location="/api/v1/proposals/track/{tracking_code}",
    ),
    route(
        "get",
        "/api/v1/proposals/track/<string:tracking_code>",
        Rpc.track_proposal,
        "凭查询码查看进度 (track by code)",
        where=Letter(
            "path", "tracking_code", tracking_code_level, "查询码不存在 (unknown tracking code)"
        ),
        response=c.ProposalTracking,
        public_limit=True,
    ),
    route(
        "get",
        "/api/v1/proposals",
        Rpc.list_proposals,
        "建议列表（工作人员）(list proposals, staff)",
        roles=roles.STAFF,
        where=Area.query(),
        query=c.ProposalQuery,
        response=c.ProposalPage,
    ),
    route(
        "get",
        P,
        Rpc.get_proposal,
        "建议详情：附议人、附件、全部渠道、合并来源（工作人员）(one proposal, staff)",
        roles=roles.STAFF,
        where=CALLER,
        response=c.ProposalDetail,
    ),
    route(
        "post",
        f"{P}/supporters",
        Rpc.add_supporter,
        "添加附议人（工作人员、代表）(add a supporter)",
        roles=roles.SUPPORTER,
        who="按所给渠道（默认为建议的渠道）的录入角色 (the roles of the channel given)",
        where=CALLER,
        body=c.SupporterAdd,
        response=c.Supporter,
        status=201,
        idempotent=True,
        refuses=(409,),  # the proposal was merged: add to the one it went into
    ),
    route(
        "post",
        f"{P}/attachments",
        Rpc.add_attachment,
        "登记附件元数据（类型白名单，≤20 MiB）(add attachment metadata)",
        roles=roles.ATTACHMENT,
        where=CALLER,
        body=c.AttachmentIn,
        response=c.Attachment,
        status=201,
        idempotent=True,
        refuses=(409, 422),  # merged; more than 10 per proposal
    ),
    route(
        "get",
        f"{P}/duplicates",
        Rpc.suggest_duplicates,
        "疑似重复建议（同地区，最多 10 条）(possible duplicates)",
        roles=roles.STAFF,
        where=CALLER,
        response=c.DuplicateList,
    ),
    route(
        "post",
        "/api/v1/proposals/merge",
        Rpc.merge_proposals,
        "合并重复建议（政府工作人员）(merge duplicates into a target)",
        roles=roles.MERGE,
        where=CALLER,
        body=c.MergeRequest,
        response=c.ProposalDetail,
        refuses=(404, 409, 422),  # unknown proposals; merged or voted on; in the library
    ),
)
