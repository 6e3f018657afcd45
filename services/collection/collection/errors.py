"""Collection's refusals, built from the shared error kinds.

Only servicekit's kinds cross RPC (the gateway rebuilds them by dotted path and maps them to
HTTP), so these are constructors rather than subclasses.
"""

from servicekit.errors import Forbidden, NotFound, RuleViolation, ValidationFailed


def collection_closed(reason: str, area_code: str) -> RuleViolation:
    return RuleViolation(reason, {"area_code": area_code})


def unknown_area(area_code: str) -> ValidationFailed:
    return ValidationFailed(
        "未知的行政区划代码 (unknown area code)",
        {"area_code": [f"未知地区 (unknown area) {area_code}"]},
    )


def proposal_not_found() -> NotFound:
    return NotFound("没有找到该建议 (proposal not found)")


def channel_not_permitted(channel: str) -> Forbidden:
    return Forbidden(
        "当前角色不能代为录入该渠道的建议 (role may not enter this channel)", {"channel": channel}
    )
