"""Voting's refusals, built from the shared error kinds (only servicekit's kinds cross RPC)."""

from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from servicekit.errors import conflict as conflict
from servicekit.errors import rule as rule


def session_not_found() -> NotFound:
    return NotFound("没有找到该会议 (session not found)")


def roster_not_found() -> NotFound:
    return NotFound("没有找到该代表名册 (roster not found)")


def no_rules(area_code: str, version: int | None = None) -> RuleViolation:
    which = f"第 {version} 版" if version else "任何"
    return RuleViolation(
        f"本地区尚未通过{which}票决办法 (no voting rules adopted for this area)",
        {"area_code": area_code, "rules_version": version},
    )


def no_roster(area_code: str) -> RuleViolation:
    return RuleViolation(
        "本地区尚未导入代表名册 (no roster imported for this area)", {"area_code": area_code}
    )


def candidate_list_unknown(candidate_list_id: str) -> RuleViolation:
    return RuleViolation(
        "尚未收到该候选项目名单，请确认名单已冻结 "
        "(candidate list not received: freeze it in collection first)",
        {"candidate_list_id": candidate_list_id},
    )


def state_conflict(message: str) -> Conflict:
    return Conflict(message)


def forbidden_for_deputy() -> Forbidden:
    return Forbidden(
        "代表只能为本人签到或领取选票 (a deputy may act only for themselves)",
    )


def resolver_entered_the_sheet() -> Forbidden:
    return Forbidden(
        "录入过该张选票的人不能裁定该张选票，请由另一名监票人裁定 "
        "(who entered a reading of this sheet cannot resolve it: another supervisor decides)"
    )


def already_issued(number: str, round_number: int) -> Conflict:
    return Conflict(
        f"该代表本轮已领取选票，每人只发一张 (deputy {number} already received a ballot in "
        f"round {round_number})",
        {"deputy": number, "round": round_number},
    )


def not_found_token() -> NotFound:
    return NotFound("选票凭证无效 (unknown ballot token)")


def validation(message: str, details: dict) -> ValidationFailed:
    return ValidationFailed(message, details)


def not_found_format(fmt: str) -> NotFound:
    return NotFound(f"没有 {fmt} 格式的导出 (no such export format)", {"format": fmt})
