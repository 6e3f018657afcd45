"""The petition figures per area and level (ARCHITECTURE §9), pure: counts in, rates out.

A rate is exact ("7/8") with its permille for dashboards, and None when nothing is counted yet
(no resolved matter has no on-time rate, not a rate of 0)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from petition.domain.matters import BASICALLY, SATISFIED, resolved_locally


@dataclass(frozen=True)
class Resolved:
    """A resolved matter as the figures see it."""

    origin_level: str
    level: str
    resolved_on: date
    due: date | None
    satisfaction: str | None


def rate(part: int, whole: int) -> dict[str, object]:
    if whole == 0:
        return {"part": part, "whole": whole, "rate": None, "permille": None}
    exact = Fraction(part, whole)
    return {
        "part": part,
        "whole": whole,
        "rate": f"{exact.numerator}/{exact.denominator}",
        "permille": round(exact * 1000),
    }


def on_time_rate(matters: Iterable[Resolved]) -> dict[str, object]:
    """Resolved by their due day (extension included), of those with a due day."""
    timed = [m for m in matters if m.due is not None]
    return rate(sum(m.resolved_on <= m.due for m in timed if m.due is not None), len(timed))


def locally_resolved_rate(matters: Iterable[Resolved]) -> dict[str, object]:
    """就地化解率: resolved without being passed up beyond the banner, of all resolved."""
    matters = list(matters)
    return rate(sum(resolved_locally(m.origin_level, m.level) for m in matters), len(matters))


def satisfaction_rate(matters: Iterable[Resolved]) -> dict[str, object]:
    """(满意 + 基本满意) / rated: matters not rated yet are not counted."""
    rated = [m for m in matters if m.satisfaction is not None]
    return rate(sum(m.satisfaction in (SATISFIED, BASICALLY) for m in rated), len(rated))
