"""Collection's refusals, built from the shared error kinds.

Only servicekit's kinds cross RPC (the gateway rebuilds them by dotted path and maps them to
HTTP), so these are constructors rather than subclasses.
"""

from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed


def collection_closed(reason: str, area_code: str) -> RuleViolation:
    return RuleViolation(reason, {"area_code": area_code})


def proposal_not_found() -> NotFound:
    return NotFound("没有找到该建议 (proposal not found)")


def channel_not_permitted(channel: str) -> Forbidden:
    return Forbidden(
        "当前角色不能代为录入该渠道的建议 (role may not enter this channel)", {"channel": channel}
    )


# ---- draft lists, rounds and candidate lists ----
def draft_list_not_found() -> NotFound:
    return NotFound("没有找到该草拟清单 (draft list not found)")


def version_not_found(number: int) -> NotFound:
    return NotFound(f"没有第 {number} 版清单 (version not found)", {"version": number})


def round_not_found(number: int) -> NotFound:
    return NotFound(f"没有第 {number} 轮征求意见 (round not found)", {"round": number})


def comment_request_not_found() -> NotFound:
    return NotFound("本轮没有该征求意见对象 (comment request not found in this round)")


def not_the_recipient() -> Forbidden:
    return Forbidden(
        "只有被征求意见对象指定的账号可以答复 (only the account named for this recipient answers)"
    )


def candidate_list_not_found() -> NotFound:
    return NotFound("没有找到该候选清单 (candidate list not found)")


def list_conflict(message: str) -> Conflict:
    return Conflict(message)


def list_rule(message: str, details: dict[str, object] | None = None) -> RuleViolation:
    return RuleViolation(message, details)


def items_invalid(problems: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        "清单中有项目不符合要求 (some list items are invalid)", {"items": problems}
    )


def reasons_missing(proposal_ids: list[str]) -> ValidationFailed:
    return ValidationFailed(
        "新增、删除或修改的项目须说明理由 (every added, removed or changed item needs a reason)",
        {"reasons": {pid: ["缺少理由 (reason required)"] for pid in proposal_ids}},
    )


def bad_number(name: str) -> ValidationFailed:
    return ValidationFailed(
        "请求数据有误 (validation failed)", {name: ["应为非负整数 (not a non-negative integer)"]}
    )


# ---- screening, library and outcomes ----
def screening_conflict(reason: str, proposal_id: str) -> Conflict:
    return Conflict(reason, {"proposal_id": proposal_id})


def nothing_published(area_code: str, year: int) -> Conflict:
    return Conflict(
        "该地区该年度尚未公布筛选结果，也没有待补充信息的建议 "
        "(nothing published and nothing needing information for this area and year)",
        {"area_code": area_code, "year": year},
    )


# ---- intake: supporters, attachments, merges ----
def proposal_merged(proposal_id: str, merged_into_id: str | None) -> Conflict:
    return Conflict(
        "该建议已合并，请在合并后的建议上操作 (proposal was merged: use the one it went into)",
        {"proposal_id": proposal_id, "merged_into_id": merged_into_id},
    )


def too_many_attachments(limit: int) -> RuleViolation:
    return RuleViolation(
        f"每条建议最多 {limit} 个附件 (at most {limit} attachments per proposal)",
        {"attachments": limit},
    )


def merge_refused(reason: str, proposal_ids: list[str]) -> RuleViolation:
    return RuleViolation(reason, {"proposal_ids": proposal_ids})


def merge_conflict(proposal_ids: list[str]) -> Conflict:
    return Conflict(
        "合并期间建议状态已变化，请刷新后重试 (proposals changed meanwhile: reload and retry)",
        {"proposal_ids": proposal_ids},
    )
