"""12345 work orders for the tests: orders as the hotline sends them, a signed webhook
delivery, and the hotline link a worker gets (the webhook's secret, the findings' endpoint)."""

import json
import time
from typing import Any

from petition.hotline import HotlineLink
from servicekit import push
from servicekit.push import PushSettings

SECRET = "minsheng-hotline-test-secret-0123456789abcdef"
ORDER: dict[str, Any] = {
    "order_no": "GD12345-20261102-0001",
    "received_at": "2026-11-02T09:30:00+08:00",  # a Monday
    "channel": "电话",
    "order_type": "投诉",
    "category": "城乡建设",
    "title": "迎宾路小区路灯不亮",
    "content": "迎宾路小区东门路灯坏了一个多月，晚上出行不安全。",
    "area_code": "150622100",
    "address": "薛家湾镇迎宾路18号（东门）",
    "handling_unit": "住建局",
    "status": "已派单",
    "resident_name": "刘秀英",
    "resident_phone": "13912345678",
}
CSV = (
    "工单编号,受理时间,来源渠道,工单类型,业务分类,标题,诉求内容,地区代码,事发地址,承办单位,状态\n"
    "GD-C-1,2026-11-02 10:00,电话,咨询,社会保障,医保报销,咨询报销比例,150622100,,医保局,已受理\n"
    "GD-C-2,2026-11-03 11:00,网站,建议,交通运输,公交线路,建议增开公交,150622,,交通运输局,办理中\n"
)


def order(**changes: Any) -> dict[str, Any]:
    return {**ORDER, **changes}


def delivery(
    body: dict[str, Any] | str, secret: str = SECRET, at: float | None = None
) -> dict[str, Any]:
    """What the gateway hands the service: the raw body and the two signature headers."""
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    stamp = int(time.time() if at is None else at)
    signature = push.signature(secret.encode(), stamp, raw.encode())
    return {"body": raw, "timestamp": str(stamp), "signature": signature}


def link(url: str | None = None, secret: str = SECRET, **settings: Any) -> HotlineLink:
    found = HotlineLink(PushSettings(url, secret.encode() if url else b"", **settings))
    found.inbound_secret = secret.encode()
    return found
