"""Petition's 12345 hotline work orders (12345 热线工单) under deputies' supervision: RPC names
and schemas (the RPC class is a base of `contracts.petition.PetitionRpc`).

In: the 12345 system's orders, imported by congress staff (JSON `orders` or a CSV file with
Chinese headers, all or nothing, every bad row named) or pushed one at a time to the signed
webhook (HMAC-SHA256 over `<timestamp>.<raw body>` with PETITION_HOTLINE_SECRET, headers
`X-Minsheng-Timestamp` and `X-Minsheng-Signature: sha256=<hex>`, 5 minutes' freshness),
idempotent by order number. An order's fields are text as the hotline writes them:
type 咨询, 求助, 建议, 投诉, 举报 (or consult, help, suggest, complaint, report); status 已受理,
已派单, 办理中, 已退回, 已办结; channel 电话, 网站, 微信, 移动端, 短信, 其他; return visit 满意,
基本满意, 不满意, 未回访; times ISO 8601 (no offset: Beijing time). The caller's name and
phone, if sent, are kept for staff views only.

Out: a deputy's own findings (代表发现的问题) filed to the 12345 system, signed the same way.
"""

from marshmallow import fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .matters import SATISFACTION
from .reports import ExportFile

ORDER_TYPES = ("consult", "help", "suggest", "complaint", "report")  # petition.domain.work_orders
ORDER_STATUSES = ("received", "dispatched", "handling", "returned", "closed")
ORDER_CHANNELS = ("phone", "web", "wechat", "app", "sms", "other")
RETURN_VISITS = ("satisfied", "basically", "dissatisfied", "unreached")
OUTCOMES = ("created", "updated", "unchanged")
FINDING_STATES = ("pending", "delivered", "dead")
EXPORT_FORMATS = ("xlsx", "csv")
MAX_ORDERS = 5000


class WorkOrderRpc:
    """The work-order RPC methods of the petition service."""

    import_work_orders = "import_work_orders"
    receive_work_order = "receive_work_order"
    list_work_orders = "list_work_orders"
    get_work_order = "get_work_order"
    supervise_work_order = "supervise_work_order"
    urge_work_order = "urge_work_order"
    rate_work_order = "rate_work_order"
    open_matter_from_work_order = "open_matter_from_work_order"
    file_hotline_finding = "file_hotline_finding"
    get_hotline_time_limits = "get_hotline_time_limits"
    put_hotline_time_limits = "put_hotline_time_limits"
    get_hotline_report = "get_hotline_report"
    export_hotline_report = "export_hotline_report"


# ---- in ------------------------------------------------------------------------------------
class WorkOrderIn(StrictSchema):
    """One 12345 order as the hotline sends it (every value text; checked by petition, each
    problem named by field)."""

    order_no = text(1, 40, required=True)
    received_at = text(1, 40, required=True)
    channel = text(1, 10, required=True)
    order_type = text(1, 10, required=True)
    category = text(1, 50, required=True)
    title = text(0, 100, load_default=None, allow_none=True)
    content = text(1, 4000, required=True)
    area_code = area_code(required=True)
    address = text(0, 200, load_default=None, allow_none=True)
    handling_unit = text(1, 100, required=True)
    time_limit_days = bounded_int(1, 120, load_default=None, allow_none=True)
    status = text(1, 10, required=True)
    closed_at = text(0, 40, load_default=None, allow_none=True)
    return_visit = text(0, 10, load_default=None, allow_none=True)
    resident_name = text(0, 50, load_default=None, allow_none=True)
    resident_phone = text(0, 24, load_default=None, allow_none=True)


class WorkOrderImport(StrictSchema):
    """`orders` (JSON) or `csv` (Chinese headers 工单编号, 受理时间, 来源渠道, 工单类型,
    业务分类, 诉求内容, 地区代码, 承办单位, 状态; optional 标题, 事发地址, 办理时限, 办结时间,
    回访结果, 来电人, 联系电话), one of the two: every order within `area_code`."""

    area_code = area_code(required=True)
    orders = fields.List(
        fields.Nested(WorkOrderIn), validate=validate.Length(1, MAX_ORDERS), load_default=None
    )
    csv = text(1, 5_000_000, load_default=None, allow_none=True)


class WorkOrderDelivery(StrictSchema):
    """What the gateway hands on from the webhook: the raw body and the two headers."""

    body = text(1, 100_000, required=True)
    timestamp = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 40))
    signature = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 200))


class WorkOrdersQuery(StrictSchema):
    area_code = area_code(required=True)
    status = one_of(ORDER_STATUSES, load_default=None, allow_none=True)
    order_type = one_of(ORDER_TYPES, load_default=None, allow_none=True)
    supervised = fields.Boolean(load_default=None, allow_none=True)  # by anyone
    mine = fields.Boolean(load_default=None, allow_none=True)  # supervised by the caller
    overdue = fields.Boolean(load_default=None, allow_none=True)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class SuperviseIn(StrictSchema):
    note = text(0, 500, load_default=None, allow_none=True)


class UrgeIn(StrictSchema):
    """催办: what the deputy asked of the handling unit."""

    text = text(1, 1000, required=True)


class RateIn(StrictSchema):
    """The deputy's rating of the handling once the order is closed (满意 · 基本满意 · 不满意)."""

    rating = one_of(SATISFACTION, required=True)
    comment = text(0, 1000, load_default=None, allow_none=True)


class OpenMatterIn(StrictSchema):
    """A matter opened by the deputy from an order (the study's "open a matter"): the order's
    content, category and address unless given; the order links to it."""

    category = text(1, 20, load_default=None, allow_none=True)
    location_text = text(1, 200, load_default=None, allow_none=True)
    text = text(1, 4000, load_default=None, allow_none=True)  # last: it shadows the helper


class FindingIn(StrictSchema):
    """A deputy's own finding filed to 12345 (代表发现问题转 12345)."""

    area_code = area_code(required=True)
    title = text(1, 100, required=True)
    content = text(1, 4000, required=True)
    category = text(1, 50, required=True)
    address = text(0, 200, load_default=None, allow_none=True)
    work_order_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 36)
    )


class HotlineTimeLimitsIn(StrictSchema):
    """Working days per order type for the area (and the areas under it without their own)."""

    limits = fields.Dict(
        keys=one_of(ORDER_TYPES), values=bounded_int(1, 120), required=True,
        validate=validate.Length(min=1),
    )  # fmt: skip


class HotlineReportQuery(StrictSchema):
    area_code = area_code(required=True)
    since = fields.Date(load_default=None, allow_none=True)  # received on or after (Beijing)
    until = fields.Date(load_default=None, allow_none=True)  # received on or before


class HotlineExportQuery(HotlineReportQuery):
    format = one_of(EXPORT_FORMATS, load_default="xlsx")


# ---- out -----------------------------------------------------------------------------------
class WorkOrderImportRow(StrictSchema):
    id = fields.String(required=True)
    order_no = fields.String(required=True)
    outcome = one_of(OUTCOMES, required=True)


class WorkOrderImportResult(StrictSchema):
    area_code = fields.String(required=True)
    imported = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    orders = fields.List(fields.Nested(WorkOrderImportRow), required=True)


class WorkOrderReceipt(StrictSchema):
    """The webhook's answer: the same for a redelivery of the same content."""

    id = fields.String(required=True)
    order_no = fields.String(required=True)
    version = fields.Integer(required=True)
    status = one_of(ORDER_STATUSES, required=True)
    due_on = fields.Date(required=True)


class WorkOrderSummary(StrictSchema):
    id = fields.String(required=True)
    order_no = fields.String(required=True)
    order_type = one_of(ORDER_TYPES, required=True)
    order_type_name = fields.String(required=True)
    category = fields.String(required=True)
    title = fields.String(allow_none=True, required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    handling_unit = fields.String(required=True)
    status = one_of(ORDER_STATUSES, required=True)
    status_name = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    due_on = fields.Date(required=True)
    time_limit_days = fields.Integer(required=True)
    overdue = fields.Boolean(required=True)
    supervisors = fields.Integer(required=True)
    supervised_by_me = fields.Boolean(required=True)
    matter_id = fields.String(allow_none=True, required=True)


class WorkOrderPage(StrictSchema):
    items = fields.List(fields.Nested(WorkOrderSummary), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class WorkOrderResident(StrictSchema):
    name = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)


class WorkOrderChange(StrictSchema):
    version = fields.Integer(required=True)
    source = fields.String(required=True)  # import / webhook
    changed = fields.List(fields.String(), required=True)
    status_from = fields.String(allow_none=True, required=True)
    status_to = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class WorkOrderSupervisor(StrictSchema):
    deputy_id = fields.String(required=True)
    deputy_name = fields.String(required=True)
    note = fields.String(allow_none=True, required=True)
    since = fields.AwareDateTime(required=True)
    rating = one_of(SATISFACTION, allow_none=True, required=True)
    rating_comment = fields.String(allow_none=True, required=True)
    rated_at = fields.AwareDateTime(allow_none=True, required=True)


class WorkOrderUrge(StrictSchema):
    deputy_id = fields.String(required=True)
    deputy_name = fields.String(required=True)
    text = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class WorkOrderDetail(WorkOrderSummary):
    channel = one_of(ORDER_CHANNELS, required=True)
    content = fields.String(required=True)
    address = fields.String(allow_none=True, required=True)
    limit_source = one_of(("order", "area", "default"), required=True)
    closed_at = fields.AwareDateTime(allow_none=True, required=True)
    return_visit = one_of(RETURN_VISITS, allow_none=True, required=True)
    version = fields.Integer(required=True)
    resident = fields.Nested(WorkOrderResident, required=True)  # staff views only
    history = fields.List(fields.Nested(WorkOrderChange), required=True)
    supervision = fields.List(fields.Nested(WorkOrderSupervisor), required=True)
    urges = fields.List(fields.Nested(WorkOrderUrge), required=True)


class Finding(StrictSchema):
    id = fields.String(required=True)
    area_code = fields.String(required=True)
    title = fields.String(required=True)
    work_order_id = fields.String(allow_none=True, required=True)
    state = one_of(FINDING_STATES, required=True)
    attempts = fields.Integer(required=True)
    push_enabled = fields.Boolean(required=True)  # False: PETITION_HOTLINE_URL unset, kept
    created_at = fields.AwareDateTime(required=True)


class HotlineTimeLimits(StrictSchema):
    area_code = fields.String(required=True)
    limits = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    sources = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class StudyCount(StrictSchema):
    month = fields.String()
    category = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    count = fields.Integer(required=True)


class RepeatGroup(StrictSchema):
    kind = one_of(("place", "subject"), required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    text = fields.String(required=True)
    count = fields.Integer(required=True)
    open = fields.Integer(required=True)
    first_received_at = fields.AwareDateTime(required=True)
    last_received_at = fields.AwareDateTime(required=True)
    order_ids = fields.List(fields.String(), required=True)
    order_nos = fields.List(fields.String(), required=True)


class SlowUnit(StrictSchema):
    handling_unit = fields.String(required=True)
    orders = fields.Integer(required=True)
    closed = fields.Integer(required=True)
    mean_days = fields.Float(allow_none=True, required=True)
    max_days = fields.Float(allow_none=True, required=True)
    overdue = fields.Integer(required=True)


class HotlineReport(StrictSchema):
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    since = fields.Date(allow_none=True, required=True)
    until = fields.Date(allow_none=True, required=True)
    orders = fields.Integer(required=True)
    by_month = fields.List(fields.Nested(StudyCount), required=True)
    by_category = fields.List(fields.Nested(StudyCount), required=True)
    by_area = fields.List(fields.Nested(StudyCount), required=True)
    rows = fields.List(fields.Nested(StudyCount), required=True)
    repeats = fields.List(fields.Nested(RepeatGroup), required=True)
    repeat_rule = fields.String(required=True)
    slowest_units = fields.List(fields.Nested(SlowUnit), required=True)


HotlineExport = ExportFile
