"""The satisfaction vote (满意度测评), pure: standard library only, no I/O.

A ballot maps project id → one of 满意 / 基本满意 / 不满意, or is None (unreadable paper). A
project left out of an otherwise valid ballot is an abstention for that project (`abstain`). A
ballot naming an unknown project or carrying another choice is invalid and counts for nothing.

The satisfaction rate of a project is (满意 + 基本满意) / valid ballots — abstentions count
against it — given exactly as the unreduced fraction "n/d" and in per-mille rounded half up; no
float ever enters what is hashed. More ballots returned than issued voids the round: the counts
stay on record and no rate is given.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import countOf
from typing import Any

from voting.domain.ballots import count_pairs, readable_passing
from voting.domain.rules import PERMILLE, require_count

SATISFIED, BASICALLY, DISSATISFIED = "满意", "基本满意", "不满意"
SATISFACTION_CHOICES = (SATISFIED, BASICALLY, DISSATISFIED)


def _check_projects(projects: Sequence[str]) -> None:
    if not projects or any(not isinstance(p, str) or not p for p in projects):
        raise ValueError("测评项目须为非空字符串列表 (projects: a non-empty list of ids)")
    if len(set(projects)) != len(projects):
        raise ValueError("测评项目名单有重复 (the project list has duplicates)")


def satisfaction_problem(projects: Sequence[str], ballot: Mapping[str, str] | None) -> str | None:
    """Why a satisfaction ballot is invalid (None = valid)."""
    if ballot is None or not isinstance(ballot, Mapping):
        return "无法辨认的测评票 (unreadable ballot)"
    known = set(projects)
    unknown = sorted(repr(k) for k in ballot if k not in known)
    if unknown:
        return f"测评票含不在名单上的项目 {unknown[0]} (unknown project {unknown[0]})"
    for project in projects:
        if project in ballot and not any(ballot[project] == c for c in SATISFACTION_CHOICES):
            choice = ballot[project]
            return (
                f"项目 {project} 的测评意见 {choice!r} 无效 (unknown choice {choice!r} for "
                f"{project}; allowed: {', '.join(SATISFACTION_CHOICES)})"
            )
    return None


def rate_permille(numerator: int, denominator: int) -> int:
    """numerator / denominator in per-mille, rounded half up, in integers."""
    return (2 * PERMILLE * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class ProjectSatisfaction:
    project_id: str
    satisfied: int
    basically: int
    dissatisfied: int
    abstain: int
    rate: str | None  # "(满意 + 基本满意)/valid", unreduced; None without valid ballots or if void
    rate_permille: int | None

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "project_id": self.project_id,
            "satisfied": self.satisfied,
            "basically": self.basically,
            "dissatisfied": self.dissatisfied,
            "abstain": self.abstain,
            "rate": self.rate,
            "rate_permille": self.rate_permille,
        }


@dataclass(frozen=True)
class SatisfactionTally:
    results: tuple[ProjectSatisfaction, ...]  # in the given project order
    issued: int | None
    returned: int | None
    ballots: int
    valid: int
    invalid: int
    void: bool

    def as_dict(self) -> dict[str, Any]:
        """Canonical and JSON-able, for the verifier and the digest."""
        return {
            "issued": self.issued,
            "returned": self.returned,
            "ballots": self.ballots,
            "valid": self.valid,
            "invalid": self.invalid,
            "void": self.void,
            "results": [r.as_dict() for r in self.results],
        }


def satisfaction_tally(
    projects: Sequence[str],
    ballots: Iterable[Mapping[str, str] | None],
    issued: int | None = None,
    returned: int | None = None,
) -> SatisfactionTally:
    """Count a satisfaction vote. Deterministic and independent of ballot order."""
    projects = tuple(projects)
    _check_projects(projects)
    for name, value in (("issued", issued), ("returned", returned)):
        if value is not None:
            require_count(name, value)
    known = frozenset(projects)

    # known projects, one of the three answers each
    def well_formed(ballot: Mapping[str, str]) -> bool:
        values = ballot.values()
        answered = countOf(values, SATISFIED) + countOf(values, BASICALLY)
        return ballot.keys() <= known and answered + countOf(values, DISSATISFIED) == len(ballot)

    valid, total, invalid = readable_passing(ballots, well_formed)
    pairs = count_pairs(valid)
    n_valid = len(valid)
    void = issued is not None and returned is not None and returned > issued
    results = []
    for p in projects:
        s, b, d = (pairs[(p, c)] for c in SATISFACTION_CHOICES)
        rated = n_valid > 0 and not void
        results.append(
            ProjectSatisfaction(
                project_id=p,
                satisfied=s,
                basically=b,
                dissatisfied=d,
                abstain=n_valid - s - b - d,
                rate=f"{s + b}/{n_valid}" if rated else None,
                rate_permille=rate_permille(s + b, n_valid) if rated else None,
            )
        )
    return SatisfactionTally(
        results=tuple(results),
        issued=issued,
        returned=returned,
        ballots=total,
        valid=n_valid,
        invalid=invalid,
        void=void,
    )
