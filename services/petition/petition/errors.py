"""Petition's refusals, built from the shared error kinds (only servicekit's kinds cross RPC)."""

from servicekit.errors import NotFound, Unauthenticated, ValidationFailed
from servicekit.errors import conflict as conflict
from servicekit.errors import invalid as invalid
from servicekit.errors import rule as rule


def deputy_not_found() -> NotFound:
    return NotFound("没有找到该代表 (deputy not found)")


def station_not_found() -> NotFound:
    return NotFound("没有找到该联络站 (station not found)")


def matter_not_found() -> NotFound:
    return NotFound("没有找到该事项 (matter not found)")


def code_not_found() -> NotFound:
    return NotFound("没有这个代表码 (no such code)")


def missing(*names: str) -> ValidationFailed:
    return ValidationFailed(
        "缺少该操作的必填字段 (fields this action needs)",
        {name: ["该操作必填 (required for this action)"] for name in names},
    )


def post_not_found() -> NotFound:
    return NotFound("没有找到该履职动态 (duty post not found)")


def note_not_found() -> NotFound:
    # Also another deputy's note: a diary is private, so its notes are not even said to exist.
    return NotFound("没有找到该民情日记 (diary note not found)")


def open311_service_not_found(code: str) -> NotFound:
    return NotFound("没有这个服务 (no such service_code)", {"service_code": str(code)[:40]})


def open311_token_not_found() -> NotFound:
    return NotFound("没有这个 token (no such token)")


def open311_key_not_found() -> NotFound:
    return NotFound("没有这个 api_key (no such key)")


def work_order_not_found() -> NotFound:
    return NotFound("没有找到该工单 (work order not found)")


def unsigned(reason: str) -> Unauthenticated:
    """A webhook delivery whose signature is missing, stale or wrong (or no secret is set)."""
    return Unauthenticated(
        "签名无效或已过期，拒绝接收 (signature missing, stale or wrong: refused)",
        {"reason": reason},
    )
