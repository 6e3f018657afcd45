"""Project money (资金), pure: standard library only.

Money is integer fen (分) everywhere, ratios are `Fraction`s: no float ever touches an amount.
Budgets are per fund source and are the *adjusted* budget (调整后预算); adjustments are new
versions, and `diff_budget` gives the line the version history records. Disbursements (拨付)
stay within the budget of their source, payments (支付) within what was disbursed, and draws on
a special fund pool (专项资金) within what the pool has left. A refusal is a `FundsError` whose
`details` carry the figures (fen as ints), so the API can answer 422 with them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeGuard

FUND_SOURCES = (
    "own_fiscal",
    "higher_project",
    "city_township_subsidy",
    "banner_special",
    "bundled_higher",
    "enterprise",
    "social",
)
FUND_SOURCE_NAMES = {
    "own_fiscal": "本级财政",
    "higher_project": "上级项目资金",
    "city_township_subsidy": "市级专项奖补",
    "banner_special": "旗区专项",
    "bundled_higher": "捆绑上级项目资金",
    "enterprise": "企业投资",
    "social": "社会赞助",
}
# The city's and the banner's special fund pools (专项资金), ≈ 35% of the total in practice.
SPECIAL_SOURCES = frozenset({"city_township_subsidy", "banner_special"})
# 50 亿元 per source: far above any one livelihood project, low enough to catch a typo in yuan.
MAX_SOURCE_FEN = 5_000_000_000_00
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分


class FundsError(ValueError):
    """A refused money operation: Chinese-first `message`, a stable `code`, JSON-able figures."""

    def __init__(self, message: str, code: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details: dict[str, Any] = dict(details or {})


def yuan(fen: int) -> str:
    """Fen as yuan with exactly two decimals: 123456 → "1234.56", -5 → "-0.05"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def wan_yuan(fen: int) -> str:
    """Fen as 万元 with two decimals, half up (away from zero): 123_456_789 → "123.46 万元"."""
    sign = "-" if fen < 0 else ""
    hundredths = (abs(fen) + FEN_PER_WAN // 200) // (FEN_PER_WAN // 100)
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d} 万元"


def source_name(source: str) -> str:
    return FUND_SOURCE_NAMES.get(source, source)


def is_fen(value: object) -> TypeGuard[int]:
    # bool is an int subclass: True must not pass for 1 fen.
    return isinstance(value, int) and not isinstance(value, bool)


def require_source(source: object) -> None:
    if source not in FUND_SOURCE_NAMES:
        raise FundsError(
            f"未知的资金来源 {source!r} (unknown fund source; one of {', '.join(FUND_SOURCES)})",
            "unknown_source",
            {"source": str(source)},
        )


def require_amount(name: str, amount: object, minimum: int = 1) -> None:
    if not is_fen(amount) or not minimum <= amount <= MAX_SOURCE_FEN:
        raise FundsError(
            f"{name} 须为 {minimum} 至 {MAX_SOURCE_FEN} 分之间的整数 "
            f"({name} must be an integer number of fen in [{minimum}, {MAX_SOURCE_FEN}])",
            "invalid_amount",
            {"field": name, "value": amount if is_fen(amount) else repr(amount)},
        )


@dataclass(frozen=True)
class Budget:
    """The adjusted budget of one project, fen per fund source; a missing source is 0."""

    amounts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A read-only copy: a caller's dict changing later must not change a recorded budget.
        object.__setattr__(self, "amounts", MappingProxyType(dict(self.amounts)))

    @property
    def total(self) -> int:
        return sum(self.amounts.values())

    def of(self, source: str) -> int:
        return self.amounts.get(source, 0)


def check_budget(amounts: Mapping[str, int]) -> None:
    """Known sources only, each 0 ≤ fen ≤ MAX_SOURCE_FEN, and at least one above zero."""
    if not isinstance(amounts, Mapping):
        raise FundsError(
            "预算须按资金来源给出金额 (budget: a mapping source → fen)", "invalid_budget"
        )
    for source, amount in amounts.items():
        require_source(source)
        require_amount(f"预算[{source}]", amount, minimum=0)
    if not any(amounts.values()):
        raise FundsError(
            "预算不能全部为零 (the budget needs at least one source above zero)", "empty_budget"
        )


def check_disbursement(
    budget: Budget, disbursed_by_source: Mapping[str, int], source: str, amount: int
) -> None:
    """Refuse a disbursement (拨付) that would take `source` past its adjusted budget.

    Exactly the remaining budget passes; one fen more is refused with the figures.
    """
    require_source(source)
    require_amount("拨付金额", amount)
    allowed, disbursed = budget.of(source), disbursed_by_source.get(source, 0)
    remaining = allowed - disbursed
    if amount <= remaining:
        return
    name = source_name(source)
    raise FundsError(
        f"拨付后将超出调整后预算：{name} 预算 {wan_yuan(allowed)}，已拨付 {wan_yuan(disbursed)}，"
        f"本次 {wan_yuan(amount)}，剩余 {wan_yuan(remaining)} "
        f"(disbursement would exceed the adjusted budget of {source})",
        "over_budget",
        {
            "source": source,
            "budget_fen": allowed,
            "disbursed_fen": disbursed,
            "amount_fen": amount,
            "remaining_fen": remaining,
        },
    )


def check_payment(
    disbursed_total_of_source: int,
    paid_total_of_source: int,
    amount: int,
    source: str | None = None,
) -> None:
    """Refuse a payment (支付) beyond what was disbursed to the source; `source` names it."""
    require_amount("支付金额", amount)
    remaining = disbursed_total_of_source - paid_total_of_source
    if amount <= remaining:
        return
    label = f"{source_name(source)} " if source else ""
    raise FundsError(
        f"支付金额超出已拨付资金：{label}已拨付 {wan_yuan(disbursed_total_of_source)}，"
        f"已支付 {wan_yuan(paid_total_of_source)}，本次 {wan_yuan(amount)}，"
        f"可支付 {wan_yuan(remaining)} (payment would exceed the disbursed funds)",
        "over_disbursed",
        {
            "source": source,
            "disbursed_fen": disbursed_total_of_source,
            "paid_fen": paid_total_of_source,
            "amount_fen": amount,
            "remaining_fen": remaining,
        },
    )


@dataclass(frozen=True)
class Pool:
    """A special fund pool (专项资金池): what it was given and what projects already hold."""

    pool_id: str
    allocated: int
    committed: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed


def check_draw(pool: Pool, amount: int) -> None:
    """Refuse a draw on a special fund pool beyond what it has left (the edge passes)."""
    require_amount("申请金额", amount)
    if amount <= pool.remaining:
        return
    raise FundsError(
        f"专项资金池 {pool.pool_id} 余额不足：总额 {wan_yuan(pool.allocated)}，"
        f"已安排 {wan_yuan(pool.committed)}，本次 {wan_yuan(amount)}，"
        f"剩余 {wan_yuan(pool.remaining)} (special fund pool {pool.pool_id} is exhausted)",
        "pool_exhausted",
        {
            "pool_id": pool.pool_id,
            "allocated_fen": pool.allocated,
            "committed_fen": pool.committed,
            "amount_fen": amount,
            "remaining_fen": pool.remaining,
        },
    )


def special_share(totals_by_source: Mapping[str, int]) -> Fraction | None:
    """The special sources' share of all money (None when there is none to share)."""
    total = sum(totals_by_source.values())
    if total == 0:
        return None
    special = sum(v for s, v in totals_by_source.items() if s in SPECIAL_SOURCES)
    return Fraction(special, total)


def diff_budget(old: Mapping[str, int], new: Mapping[str, int]) -> dict[str, int]:
    """Changed sources → new − old (a source absent on one side is 0), in FUND_SOURCES order."""
    order = {s: i for i, s in enumerate(FUND_SOURCES)}
    sources = sorted(old.keys() | new.keys(), key=lambda s: (order.get(s, len(order)), s))
    deltas = {s: new.get(s, 0) - old.get(s, 0) for s in sources}
    return {s: d for s, d in deltas.items() if d}


def describe_budget_change(delta: Mapping[str, int]) -> str:
    """The version history line: "旗区专项 +100.00 万元；本级财政 -50.00 万元"."""
    if not delta:
        return "预算未变化 (no change)"
    return "；".join(
        f"{source_name(s)} {'+' if d > 0 else ''}{wan_yuan(d)}" for s, d in delta.items()
    )
