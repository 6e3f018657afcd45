"""Voting rules (票决办法) as data, and the arithmetic they imply, pure: standard library only.

- **Quorum** (more than two thirds of all deputies by default). `quorum_permille` is read as the
  per-mille spelling of the simplest fraction that rounds to it (667 → 2/3, 500 → 1/2,
  750 → 3/4), and the quorum is met when ``present × q > total × p`` — so 667 means "more than
  two thirds" exactly (``present * 3 > total * 2``), not "at least 66.7%".
- **Threshold**: approvals from more than half of all deputies (or of those present):
  ``base // 2 + 1``; exactly half is not enough.
- **Differential ratio** (差额比例): at least ceil(K × (1000 + permille) / 1000) candidates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

FORMS = ("approve_oppose_abstain", "mark")
THRESHOLD_BASES = ("all", "present")
PERMILLE = 1000


def require_count(name: str, value: object, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} 须为不小于 {minimum} 的整数 ({name} must be an int ≥ {minimum})")


@dataclass(frozen=True)
class Rules:
    """票决办法 as used by one round; every field is data a session records with its version."""

    seats: int
    deputies_total: int
    form: str = "approve_oppose_abstain"
    threshold_base: str = "all"
    differential_ratio_permille: int = 200
    quorum_permille: int = 667

    def __post_init__(self) -> None:
        require_count("seats", self.seats, 1)
        require_count("deputies_total", self.deputies_total, 1)
        require_count("differential_ratio_permille", self.differential_ratio_permille)
        require_count("quorum_permille", self.quorum_permille)
        if self.form not in FORMS:
            raise ValueError(f"未知的选票形式 {self.form!r} (form must be one of {FORMS})")
        if self.threshold_base not in THRESHOLD_BASES:
            raise ValueError(
                f"未知的当选票数基数 {self.threshold_base!r} "
                f"(threshold_base must be one of {THRESHOLD_BASES})"
            )
        if self.quorum_permille >= PERMILLE:
            raise ValueError(
                "法定人数比例须小于 1000‰，否则永远无法达到 "
                "(quorum_permille must be below 1000: 'more than all' can never be met)"
            )

    def as_dict(self) -> dict[str, int | str]:
        return {
            "seats": self.seats,
            "deputies_total": self.deputies_total,
            "form": self.form,
            "threshold_base": self.threshold_base,
            "differential_ratio_permille": self.differential_ratio_permille,
            "quorum_permille": self.quorum_permille,
        }


@lru_cache(maxsize=64)
def quorum_fraction(permille: int) -> tuple[int, int]:
    """The fraction p/q with the smallest q that rounds (half up) to `permille`: 667 → (2, 3)."""
    for q in range(1, PERMILLE + 1):
        p = -(-q * (2 * permille - 1) // (2 * PERMILLE))  # ceil(q × (permille − ½) / 1000)
        if 2 * PERMILLE * p < q * (2 * permille + 1):
            return max(p, 0), q
    raise AssertionError("unreachable: q = 1000 always fits")


def quorum_needed(rules: Rules) -> int:
    """The fewest deputies present that meet the quorum (more than p/q of all deputies)."""
    p, q = quorum_fraction(rules.quorum_permille)
    return rules.deputies_total * p // q + 1


def quorum_met(rules: Rules, present: int) -> bool:
    p, q = quorum_fraction(rules.quorum_permille)
    return present * q > rules.deputies_total * p


def minimum_candidates(seats: int, permille: int) -> int:
    """ceil(seats × (1000 + permille) / 1000) in integers (the differential ratio, 差额比例)."""
    return -(-seats * (PERMILLE + permille) // PERMILLE)


def threshold(rules: Rules, present: int) -> int:
    """Approvals needed to be elected: more than half of all deputies, or of those present."""
    base = rules.deputies_total if rules.threshold_base == "all" else present
    return base // 2 + 1


def candidates_problem(rules: Rules, candidates: Sequence[str]) -> str | None:
    """Why a candidate list cannot go to a first-round vote under `rules` (None = it can)."""
    if not candidates:
        return "候选项目名单为空 (the candidate list is empty)"
    if any(not isinstance(c, str) or not c for c in candidates):
        return "候选项目编号须为非空字符串 (candidate ids must be non-empty strings)"
    if len(set(candidates)) != len(candidates):
        return "候选项目名单有重复 (the candidate list has duplicates)"
    needed = minimum_candidates(rules.seats, rules.differential_ratio_permille)
    if len(candidates) < needed:
        return (
            f"差额比例不足：应选 {rules.seats} 个，候选项目至少 {needed} 个，"
            f"现有 {len(candidates)} 个 "
            f"(differential ratio: {rules.seats} seats need at least {needed} candidates, "
            f"got {len(candidates)})"
        )
    return None
