"""Fund warnings (资金预警), pure: standard library only.

The rules are versioned data (`warning_rules.Rule`), evaluated on every change and nightly for
the whole city. Three kinds:

- ``over_budget``: disbursed beyond the adjusted budget, for the project's total and for each
  source. A disbursement is refused beyond its budget (`funds.check_disbursement`), so this
  fires when a budget is adjusted down below what was already disbursed.
- ``disbursement_lag``: from ``month``-``day`` of the project's year on (that day included, and
  every later day, later years too: still lagging is still lagging), disbursed / budget below
  ``min_ratio`` — the published "7月底拨付不低于40%".
- ``progress_spend_gap``: physical progress (形象进度) and the spend ratio more than
  ``tolerance_points`` percentage points apart, either way: money ahead of the work
  (``money_ahead``, 资金超前于进度, the classic warning) or work ahead of the money
  (``work_ahead``, 进度超前于资金).

The spend ratio is disbursed / budget (``"basis": "paid"`` counts payments instead); with a
budget of 0 there is no ratio and no ratio warning. A threshold reached is not a warning: a
ratio exactly at ``min_ratio`` and a gap of exactly ``tolerance_points`` pass.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache

from implementation.domain.funds import FUND_SOURCES, is_fen, source_name, wan_yuan
from implementation.domain.warning_rules import DEFAULT_RULES, KINDS, Rule, RuleError, parse_rule

__all__ = [
    "DEFAULT_RULES",
    "DIRECTION_NAMES",
    "KINDS",
    "FundWarning",
    "ProjectFacts",
    "Rule",
    "RuleError",
    "evaluate",
    "evaluate_city",
    "parse_rule",
]

MONEY_AHEAD, WORK_AHEAD = "money_ahead", "work_ahead"
DIRECTION_NAMES = {MONEY_AHEAD: "资金超前于进度", WORK_AHEAD: "进度超前于资金"}
SOURCE_ORDER = {s: i for i, s in enumerate(FUND_SOURCES)}


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules look at for one project: fen, and physical progress in [0, 1].

    The totals are what the total and ratio checks use; the per-source maps only feed the
    per-source over-budget check, so a project without them still gets the others.
    """

    project_id: str
    year: int
    budget_fen: int
    disbursed_fen: int
    paid_fen: int
    physical_progress: Fraction
    budget_by_source: Mapping[str, int] = field(default_factory=dict)
    disbursed_by_source: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("budget_fen", "disbursed_fen", "paid_fen"):
            if not is_fen(getattr(self, name)) or getattr(self, name) < 0:
                raise ValueError(f"{name} 须为非负整数（分） ({name}: an int ≥ 0, in fen)")
        progress = self.physical_progress
        # exact numbers only: a float 0.3 is not 3/10, and the edges are tested exactly
        if not isinstance(progress, Fraction | int) or isinstance(progress, bool):
            raise ValueError("形象进度须为 Fraction (physical_progress: a Fraction)")
        if not 0 <= progress <= 1:
            raise ValueError(
                f"形象进度须在 0 至 1 之间，收到 {progress} (physical_progress within [0, 1])"
            )
        object.__setattr__(self, "physical_progress", Fraction(progress))


@dataclass(frozen=True)
class FundWarning:
    project_id: str
    rule_code: str
    rule_version: int
    kind: str
    severity: str
    message: str
    figures: Mapping[str, str | int]  # fen as ints, ratios as exact "p/q" strings

    @property
    def key(self) -> tuple[str, str, str]:
        """What stays the same while a warning persists: project, rule, scope (source/direction)."""
        return self.project_id, self.rule_code, str(self.figures.get("scope", ""))


def two_decimals(value: Fraction) -> str:
    """A non-negative number with two decimals, half up: 61/2 → "30.50"."""
    hundredths = int(value * 100 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def percent(ratio: Fraction) -> str:
    return f"{two_decimals(ratio * 100)}%"


@lru_cache(maxsize=256)
def as_fraction(text: str) -> Fraction:
    return Fraction(text)


def _warn(rule: Rule, facts: ProjectFacts, text: str, figures: dict[str, str | int]) -> FundWarning:
    message = f"{rule.title}：{text}"
    return FundWarning(
        facts.project_id, rule.code, rule.version, rule.kind, rule.severity, message, figures
    )


def _over(rule: Rule, facts: ProjectFacts, scope: str, budget: int, disbursed: int) -> FundWarning:
    label = "合计" if scope == "total" else source_name(scope)
    over = disbursed - budget
    return _warn(
        rule,
        facts,
        f"{label} 调整后预算 {wan_yuan(budget)}，已拨付 {wan_yuan(disbursed)}，"
        f"超出 {wan_yuan(over)} (disbursed beyond the adjusted budget: {scope})",
        {"scope": scope, "budget_fen": budget, "disbursed_fen": disbursed, "over_fen": over},
    )


def over_budget(rule: Rule, facts: ProjectFacts, today: date) -> list[FundWarning]:
    """The total first, then each source over its own budget, in FUND_SOURCES order."""
    found = []
    if facts.disbursed_fen > facts.budget_fen:
        found.append(_over(rule, facts, "total", facts.budget_fen, facts.disbursed_fen))
    by_source = facts.disbursed_by_source
    for source in sorted(by_source, key=lambda s: (SOURCE_ORDER.get(s, len(SOURCE_ORDER)), s)):
        budget = facts.budget_by_source.get(source, 0)
        if by_source[source] > budget:
            found.append(_over(rule, facts, source, budget, by_source[source]))
    return found


def disbursement_lag(rule: Rule, facts: ProjectFacts, today: date) -> list[FundWarning]:
    due = date(facts.year, rule.params["month"], rule.params["day"])
    if today < due or facts.budget_fen == 0:
        return []
    ratio = Fraction(facts.disbursed_fen, facts.budget_fen)
    least = as_fraction(rule.params["min_ratio"])
    if ratio >= least:
        return []
    needed = -(-facts.budget_fen * least.numerator // least.denominator)  # ⌈least × budget⌉
    shortfall = needed - facts.disbursed_fen
    text = (
        f"截至 {due.month}月{due.day}日 应拨付不低于 {percent(least)}，实际 {percent(ratio)}"
        f"（已拨付 {wan_yuan(facts.disbursed_fen)} / 预算 {wan_yuan(facts.budget_fen)}），"
        f"尚差 {wan_yuan(shortfall)} (disbursed {percent(ratio)} by {due.isoformat()}, "
        f"at least {percent(least)} expected)"
    )
    figures: dict[str, str | int] = {
        "scope": "total",
        "due_on": due.isoformat(),
        "budget_fen": facts.budget_fen,
        "disbursed_fen": facts.disbursed_fen,
        "spend_ratio": str(ratio),
        "min_ratio": str(least),
        "shortfall_fen": shortfall,
    }
    return [_warn(rule, facts, text, figures)]


def progress_spend_gap(rule: Rule, facts: ProjectFacts, today: date) -> list[FundWarning]:
    if facts.budget_fen == 0:
        return []
    basis = rule.params.get("basis", "disbursed")
    spent = facts.paid_fen if basis == "paid" else facts.disbursed_fen
    ratio = Fraction(spent, facts.budget_fen)
    gap = (ratio - facts.physical_progress) * 100  # percentage points; > 0: money ahead
    tolerance = rule.params["tolerance_points"]
    if abs(gap) <= tolerance:
        return []
    direction = MONEY_AHEAD if gap > 0 else WORK_AHEAD
    spending = "支付" if basis == "paid" else "拨付"
    points = two_decimals(abs(gap))
    text = (
        f"形象进度 {percent(facts.physical_progress)}，资金{spending} {percent(ratio)}，"
        f"相差 {points} 个百分点，超过 {tolerance} 个百分点（{DIRECTION_NAMES[direction]}） "
        f"(progress and spend {points} points apart, over {tolerance}: {direction})"
    )
    figures: dict[str, str | int] = {
        "scope": direction,
        "direction": direction,
        "basis": basis,
        "budget_fen": facts.budget_fen,
        "spent_fen": spent,
        "physical_progress": str(facts.physical_progress),
        "spend_ratio": str(ratio),
        "gap_points": str(abs(gap)),
        "tolerance_points": tolerance,
    }
    return [_warn(rule, facts, text, figures)]


CHECKS: dict[str, Callable[[Rule, ProjectFacts, date], list[FundWarning]]] = {
    "over_budget": over_budget,
    "disbursement_lag": disbursement_lag,
    "progress_spend_gap": progress_spend_gap,
}


def evaluate(rules: Sequence[Rule], facts: ProjectFacts, today: date) -> list[FundWarning]:
    """Every warning the rules give for one project, in rule order (then scope order)."""
    return [w for rule in rules for w in CHECKS[rule.kind](rule, facts, today)]


def evaluate_city(
    rules: Sequence[Rule], facts: Iterable[ProjectFacts], today: date
) -> list[FundWarning]:
    """Every project's warnings, by project id, then as `evaluate` orders them."""
    rules = tuple(rules)
    ordered = sorted(facts, key=lambda f: f.project_id)
    return [w for f in ordered for w in evaluate(rules, f, today)]
