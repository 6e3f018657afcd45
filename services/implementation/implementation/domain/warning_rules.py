"""Warning rules as versioned data, and the check of their params per kind; pure.

A rule is stored as JSON: ``{"code", "version", "kind", "params", "title"}``. Everything is
checked when a `Rule` is built, so a typo surfaces when the rule is saved, never as a warning
that silently stops appearing. The kinds and what their params mean: `warnings` module.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from implementation.domain.funds import is_fen

KINDS = ("over_budget", "disbursement_lag", "progress_spend_gap")
SEVERITY_NAMES = {"red": "红色预警", "yellow": "黄色预警"}
DEFAULT_SEVERITY = {
    "over_budget": "red",
    "disbursement_lag": "yellow",
    "progress_spend_gap": "yellow",
}
BASES = ("disbursed", "paid")  # what the spend ratio counts
RULE_KEYS = frozenset({"code", "version", "kind", "params", "title"})


class RuleError(ValueError):
    """A refused rule: Chinese-first `message`; `code` for the API's 422 like FundsError."""

    code = "invalid_rule"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _int_within(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: is_fen(value) and low <= value <= high


def _ratio_text(value: object) -> bool:
    """A ratio written as text ("2/5", "0.4"), above 0 and at most 1: JSON keeps it exact."""
    if not isinstance(value, str):
        return False
    try:
        ratio = Fraction(value)
    except (ValueError, ZeroDivisionError):
        return False
    return 0 < ratio <= 1


Check = tuple[bool, Callable[[object], bool], str]  # (required, valid, what a valid value is)
SEVERITY: Check = (False, lambda v: isinstance(v, str) and v in SEVERITY_NAMES, '"red" 或 "yellow"')
PARAMS: dict[str, dict[str, Check]] = {
    "over_budget": {"severity": SEVERITY},
    "disbursement_lag": {
        "month": (True, _int_within(1, 12), "1 至 12 的整数"),
        "day": (True, _int_within(1, 31), "1 至 31 的整数"),
        "min_ratio": (True, _ratio_text, '大于 0、不超过 1 的比例文本，如 "2/5"'),
        "severity": SEVERITY,
    },
    "progress_spend_gap": {
        "tolerance_points": (True, _int_within(0, 99), "0 至 99 的整数（百分点）"),
        "basis": (False, lambda v: v in BASES, '"disbursed" 或 "paid"'),
        "severity": SEVERITY,
    },
}


def check_params(kind: str, params: Mapping[str, Any]) -> None:
    spec = PARAMS[kind]
    unknown = sorted(str(k) for k in params.keys() - spec.keys())
    if unknown:
        raise RuleError(f"{kind} 规则不认识参数 {unknown} (unknown params for {kind}: {unknown})")
    for name, (required, valid, wanted) in spec.items():
        if name not in params:
            if required:
                raise RuleError(f"{kind} 规则缺少参数 {name} (missing param {name})")
        elif not valid(params[name]):
            raise RuleError(
                f"{kind} 规则参数 {name} 须为{wanted}，收到 {params[name]!r} "
                f"(invalid param {name}: {params[name]!r})"
            )
    if kind == "disbursement_lag":
        try:  # a day every year has: 2-29 is refused, 3-1 or 2-28 says what is meant
            date(2001, params["month"], params["day"])
        except ValueError:
            raise RuleError(
                f"日期 {params['month']}月{params['day']}日 不是每年都有的日期 "
                "(month/day must exist in every year)"
            ) from None


@dataclass(frozen=True)
class Rule:
    """One version of a warning rule; its params are checked for the kind when it is built."""

    code: str
    version: int
    kind: str
    params: Mapping[str, Any]
    title: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise RuleError("预警规则编码须为非空字符串 (code: a non-empty string)")
        if not is_fen(self.version) or self.version < 1:
            raise RuleError("预警规则版本须为正整数 (version: an int ≥ 1)")
        if not isinstance(self.title, str) or not self.title:
            raise RuleError("预警规则须有标题 (title: a non-empty string)")
        if self.kind not in KINDS:
            raise RuleError(
                f"未知的预警类型 {self.kind!r} (kind must be one of {', '.join(KINDS)})"
            )
        if not isinstance(self.params, Mapping):
            raise RuleError("预警规则参数须为字典 (params: a mapping)")
        check_params(self.kind, self.params)
        # A read-only copy: the rule is what a warning's version refers to.
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def severity(self) -> str:
        return str(self.params.get("severity", DEFAULT_SEVERITY[self.kind]))

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, what `parse_rule` reads back."""
        return {
            "code": self.code,
            "version": self.version,
            "kind": self.kind,
            "params": dict(self.params),
            "title": self.title,
        }


def parse_rule(raw: Mapping[str, Any]) -> Rule:
    """A rule from stored or submitted data; unknown or missing keys are refused."""
    if not isinstance(raw, Mapping):
        raise RuleError("预警规则须为字典 (a rule is a mapping)")
    unknown = sorted(str(k) for k in raw.keys() - RULE_KEYS)
    missing = sorted(RULE_KEYS - {"params"} - raw.keys())
    if unknown or missing:
        raise RuleError(
            f"预警规则字段有误：缺少 {missing}，多余 {unknown} "
            f"(rule fields: missing {missing}, unknown {unknown})"
        )
    return Rule(raw["code"], raw["version"], raw["kind"], raw.get("params", {}), raw["title"])


DEFAULT_RULES = (
    Rule("over_budget", 1, "over_budget", {}, "超预算拨付"),
    Rule(
        "disbursement_lag",
        1,
        "disbursement_lag",
        {"month": 7, "day": 31, "min_ratio": "2/5"},
        "拨付进度滞后（7月底不低于40%）",
    ),
    Rule(
        "progress_spend_gap",
        1,
        "progress_spend_gap",
        {"tolerance_points": 20},
        "形象进度与资金支付偏离",
    ),
)
