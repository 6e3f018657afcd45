"""Performance evaluation (绩效评价) rules: an indicator tree's weights, a weighted total and
its grade. Pure and exact: weights and scores are Fractions, never floats.

Weights. A framework's `weight_unit` is "points" (the level-1 weights sum to 100) or "fraction"
(they sum to 1); at every node the children's weights sum to the parent's weight exactly. Only
the leaves (nodes without children, at level 1, 2 or 3) are scored, each within [0, its weight].

Total. The weighted total is on the 0–100 scale: Σ leaf scores / Σ leaf weights × 100. For a
points framework that is the plain sum of the scores; for a fraction one, the sum × 100.

Grades. Bands are `(grade, min)` with min inclusive, strictly decreasing, the last at 0: with
优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 ≥ 0 a total of exactly 90 is 优 and 89.99 is 良.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

UNIT_TOTALS = {"points": Fraction(100), "fraction": Fraction(1)}
MAX_LEVEL = 3
HUNDRED = Fraction(100)


class FrameworkRefused(ValueError):
    """A framework that cannot be used: `message` (中文 (English)) and where (`path`)."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class ScoresRefused(ValueError):
    def __init__(self, message: str, keys: Sequence[str]) -> None:
        super().__init__(message)
        self.message = message
        self.keys = list(keys)


@dataclass(frozen=True)
class Leaf:
    key: str
    name: str
    weight: Fraction


def exact(value: Any) -> Fraction:
    """A weight, score or band edge as a Fraction (Decimal, int or decimal text)."""
    return Fraction(Decimal(str(value)))


def check_framework(indicators: Sequence[Mapping[str, Any]], unit: str) -> list[Leaf]:
    """The leaves of a valid tree, or FrameworkRefused naming the wrong node."""
    if unit not in UNIT_TOTALS:
        raise FrameworkRefused("权重单位无效 (unknown weight unit)", "weight_unit")
    total = sum((exact(node["weight"]) for node in indicators), Fraction(0))
    if total != UNIT_TOTALS[unit]:
        raise FrameworkRefused(
            f"一级指标权重之和为 {show_number(total)}，应为 {show_number(UNIT_TOTALS[unit])} "
            f"(level-1 weights sum to {show_number(total)}, not {show_number(UNIT_TOTALS[unit])})",
            "indicators",
        )
    seen: set[str] = set()
    leaves: list[Leaf] = []
    for node in indicators:
        leaves.extend(_walk(node, 1, seen))
    return leaves


def _walk(node: Mapping[str, Any], level: int, seen: set[str]) -> Iterator[Leaf]:
    key, weight, children = node["key"], exact(node["weight"]), node.get("children") or []
    if key in seen:
        raise FrameworkRefused(f"指标编号 {key} 重复 (indicator key {key} repeated)", key)
    seen.add(key)
    if weight <= 0:
        raise FrameworkRefused(f"指标 {key} 的权重应大于 0 (weight of {key} must be > 0)", key)
    if children and level >= MAX_LEVEL:
        raise FrameworkRefused(f"指标 {key} 超过三级 (indicator {key}: at most three levels)", key)
    if not children:
        yield Leaf(key, node["name"], weight)
        return
    total = sum((exact(child["weight"]) for child in children), Fraction(0))
    if total != weight:
        raise FrameworkRefused(
            f"指标 {key} 的下级权重之和为 {show_number(total)}，应等于其权重 {show_number(weight)} "
            f"(children of {key} sum to {show_number(total)}, not {show_number(weight)})",
            key,
        )
    for child in children:
        yield from _walk(child, level + 1, seen)


def check_bands(bands: Sequence[Mapping[str, Any]]) -> list[tuple[str, Fraction]]:
    """(grade, min) from the highest band down; FrameworkRefused if not a partition of 0–100."""
    found = [(str(b["grade"]), exact(b["min"])) for b in bands]
    found.sort(key=lambda band: band[1], reverse=True)
    grades = [grade for grade, _ in found]
    if len(set(grades)) != len(grades):
        raise FrameworkRefused("等级名称重复 (a grade is repeated)", "grade_bands")
    edges = [edge for _, edge in found]
    if len(set(edges)) != len(edges):
        raise FrameworkRefused("两个等级的下限相同 (two bands start at one score)", "grade_bands")
    if edges[0] > HUNDRED or edges[-1] != 0:
        raise FrameworkRefused(
            "等级下限应在 0 到 100 之间，且最低一档从 0 开始 (band minimums within 0–100, the "
            "lowest at 0)",
            "grade_bands",
        )
    return found


def weighted_total(leaves: Sequence[Leaf], scores: Mapping[str, Any]) -> Fraction:
    """The total on the 0–100 scale; ScoresRefused naming the leaves missing, unknown or out
    of [0, weight]."""
    known = {leaf.key: leaf for leaf in leaves}
    unknown = sorted(set(scores) - set(known))
    if unknown:
        raise ScoresRefused(
            "评分针对的指标不存在或不是末级指标 (unknown or non-leaf indicators)", unknown
        )
    missing = [leaf.key for leaf in leaves if leaf.key not in scores]
    if missing:
        raise ScoresRefused("末级指标未全部评分 (every leaf indicator must be scored)", missing)
    given = {key: exact(value) for key, value in scores.items()}
    wrong = [leaf.key for leaf in leaves if not 0 <= given[leaf.key] <= leaf.weight]
    if wrong:
        raise ScoresRefused(
            "得分应在 0 到该指标权重之间 (a score must be within [0, weight])", wrong
        )
    weights = sum((leaf.weight for leaf in leaves), Fraction(0))
    return sum((given[leaf.key] for leaf in leaves), Fraction(0)) / weights * HUNDRED


def grade_of(total: Fraction, bands: Sequence[tuple[str, Fraction]]) -> str:
    """The first band (highest first) whose min the total reaches: a total on an edge takes
    the higher band."""
    for grade, edge in sorted(bands, key=lambda band: band[1], reverse=True):
        if total >= edge:
            return grade
    return sorted(bands, key=lambda band: band[1])[0][0]


def one_decimal(value: Fraction) -> str:
    """Shown with one decimal, half up (87.45 → "87.5"); values here are never negative."""
    tenths = (value * 10 + Fraction(1, 2)).__floor__()
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{tenth}"


def exact_text(value: Fraction) -> str:
    """The exact value as text: a decimal when it terminates ("87.5"), else "p/q"."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return show_number(value)


def show_number(value: Fraction) -> str:
    """A terminating fraction as plain decimal text, trailing zeros dropped ("12.5", "100")."""
    places = 0
    while (value * 10**places).denominator != 1 and places < 12:
        places += 1
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):.{places}f}"
    return text


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
