"""12345 hotline work orders (12345 热线工单): the import and the signed webhook in, the lists
and the detail, a deputy's supervision (督办, 催办, 评价), a matter opened from an order, a
deputy's findings out to 12345, the hotline's time limits per area, and the sentiment study's
report and export.

The webhook is the one route authenticated by its signature instead of a login: the gateway
hands the service the raw body exactly as received, with `X-Minsheng-Timestamp` and
`X-Minsheng-Signature`, and the service checks them against PETITION_HOTLINE_SECRET (401 when
missing, stale or wrong). The body must still be one JSON order (400 otherwise) naming a known
area (its level answers).
"""

from contracts import work_orders as c
from contracts.matters import MatterCreated
from contracts.petition import PETITION
from contracts.reports import CONTENT_TYPES
from contracts.work_orders import WorkOrderRpc as Rpc
from servicekit.push import SIGNATURE_HEADER, TIMESTAMP_HEADER
from servicekit.routing import level_of_area
from werkzeug.wrappers import Response

from ... import web
from ...table import Area, CallerArea
from ...table.handle import Exchange
from ...table.route import routes_of
from . import roles

route = routes_of(PETITION, "petition")
CALLER = CallerArea()
ORDER = "/api/v1/work-orders/<string:order_id>"
LIMITS = "/api/v1/hotline/time-limits/<string:area_code>"
WEBHOOK_WHO = (
    "12345 系统调用，无需登录：以 PETITION_HOTLINE_SECRET 对“时间戳.原始请求体”做 HMAC-SHA256，"
    "放在 X-Minsheng-Signature（sha256=…）与 X-Minsheng-Timestamp（Unix 秒，5 分钟内有效）；"
    "同一工单编号内容相同则原样应答，内容变化则更新并留存历史 (called by the 12345 system, no "
    "login: signed over '<timestamp>.<raw body>'; idempotent by order number)"
)


def receive_work_order(exchange: Exchange) -> Response:
    body = exchange.body or {}
    level = level_of_area(str(body.get("area_code", "")))
    delivery = {
        "body": exchange.request.get_data(cache=True).decode("utf-8"),  # json_body decoded it
        "timestamp": exchange.request.headers.get(TIMESTAMP_HEADER),
        "signature": exchange.request.headers.get(SIGNATURE_HEADER),
    }
    result = exchange.gateway.rpc.call(PETITION, level, Rpc.receive_work_order, delivery)
    return web.ok(result)


ROUTES = (
    route(
        "post",
        "/api/v1/work-orders/import",
        Rpc.import_work_orders,
        "导入 12345 工单（JSON 或 CSV，全部成功或全部不导入，逐行报错）(import 12345 work orders)",
        roles=roles.KEEP,
        where=Area.body(),
        body=c.WorkOrderImport,
        response=c.WorkOrderImportResult,
        status=201,
        idempotent=True,
        refuses=(422,),
    ),
    route(
        "post",
        "/api/v1/work-orders/webhook",
        None,
        "12345 工单推送（签名校验，按工单编号幂等）(the 12345 system's signed webhook)",
        name="receive_work_order",
        handler=receive_work_order,
        who=WEBHOOK_WHO,
        body=c.WorkOrderIn,
        body_note="来电人姓名、电话仅工作人员可见，不公开、不记日志 (caller: staff only)",
        response=c.WorkOrderReceipt,
        refuses=(401, 422, 503),
    ),
    route(
        "get",
        "/api/v1/work-orders",
        Rpc.list_work_orders,
        "12345 工单列表（本地区及下级；可筛选督办中、本人督办、逾期）(work orders within scope)",
        roles=roles.HOTLINE_READ,
        where=Area.query(),
        query=c.WorkOrdersQuery,
        response=c.WorkOrderPage,
    ),
    route(
        "get",
        ORDER,
        Rpc.get_work_order,
        "工单详情（含来电人联系方式、变更历史、督办与催办）(one order and its history)",
        roles=roles.HOTLINE_READ,
        where=CALLER,
        response=c.WorkOrderDetail,
    ),
    route(
        "post",
        f"{ORDER}/supervise",
        Rpc.supervise_work_order,
        "代表督办疑难工单 (a deputy takes the order under supervision)",
        roles=roles.DEPUTY,
        who="本人所在地区（含下级）的工单 (orders of the deputy's own area and below)",
        where=CALLER,
        body=c.SuperviseIn,
        body_required=False,
        response=c.WorkOrderDetail,
    ),
    route(
        "post",
        f"{ORDER}/urge",
        Rpc.urge_work_order,
        "代表催办（记录催办人、时间、内容）(urge the handling unit; recorded)",
        roles=roles.DEPUTY,
        who="督办该工单的代表 (a deputy supervising the order)",
        where=CALLER,
        body=c.UrgeIn,
        response=c.WorkOrderDetail,
        refuses=(409,),
    ),
    route(
        "post",
        f"{ORDER}/rate",
        Rpc.rate_work_order,
        "办结后代表评价办理情况：满意、基本满意、不满意 (rate the handling once closed)",
        roles=roles.DEPUTY,
        who="督办该工单的代表，每人一次 (a supervising deputy, once)",
        where=CALLER,
        body=c.RateIn,
        response=c.WorkOrderDetail,
        refuses=(409,),
    ),
    route(
        "post",
        f"{ORDER}/matter",
        Rpc.open_matter_from_work_order,
        "由工单转为代表代办事项（可再转为民生实事建议）(open a matter from the order)",
        roles=roles.DEPUTY,
        where=CALLER,
        body=c.OpenMatterIn,
        body_required=False,
        response=MatterCreated,
        status=201,
        refuses=(409,),
    ),
    route(
        "post",
        "/api/v1/work-orders/findings",
        Rpc.file_hotline_finding,
        "代表发现的问题报送 12345（签名推送，失败重试）(file a deputy's finding to 12345)",
        roles=roles.DEPUTY,
        who="本人所在地区（含下级）(the deputy's own area and below)",
        where=Area.body(),
        body=c.FindingIn,
        response=c.Finding,
        status=201,
        idempotent=True,
        refuses=(404,),  # the work order it names
    ),
    route(
        "get",
        LIMITS,
        Rpc.get_hotline_time_limits,
        "本地区 12345 工单办理时限（工作日，按类型）(the area's hotline time limits)",
        roles=roles.HOTLINE_READ,
        where=Area.path("area_code"),
        response=c.HotlineTimeLimits,
    ),
    route(
        "put",
        LIMITS,
        Rpc.put_hotline_time_limits,
        "设定本地区 12345 工单办理时限（下级地区沿用）(set the area's hotline time limits)",
        roles=roles.KEEP,
        where=Area.path("area_code"),
        body=c.HotlineTimeLimitsIn,
        response=c.HotlineTimeLimits,
    ),
    route(
        "get",
        "/api/v1/reports/hotline",
        Rpc.get_hotline_report,
        "12345 热线社情民意：分类、地区、月份统计，重复投诉，办理最慢的承办单位 (the study)",
        roles=roles.HOTLINE_READ,
        where=Area.query(),
        query=c.HotlineReportQuery,
        response=c.HotlineReport,
    ),
    route(
        "get",
        "/api/v1/reports/hotline/export",
        Rpc.export_hotline_report,
        "导出 12345 热线社情民意（Excel 或 CSV）(export the study)",
        roles=roles.HOTLINE_READ,
        where=Area.query(),
        query=c.HotlineExportQuery,
        files=tuple(CONTENT_TYPES.values()),
    ),
)
