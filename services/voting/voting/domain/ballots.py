"""The ballot engine (代表定), pure: standard library only, no I/O.

What is decided here, and how exactly:

- **Rules, quorum, threshold, differential ratio**: `voting.domain.rules` (re-exported here).
- **Ballots**: a mapping candidate id → choice, or None for an unreadable paper ballot. In the
  "approve_oppose_abstain" form a candidate missing from the ballot counts as abstain, and an
  empty mapping is a valid ballot that abstains on everyone. In the "mark" form the only value is
  APPROVE; unmarked candidates are absent and are reported under ``abstain`` (read: "not
  marked"), so ``oppose`` is always 0 and approve + oppose + abstain == valid in both forms.
  A ballot is invalid when unreadable, when it names an unknown candidate, carries an unknown
  choice, or has more than K approvals; an invalid ballot counts for no candidate.
- **Result**: candidates reaching the threshold are ranked by approvals; the top K are elected;
  when candidates tie across the K-th place none of the tied is elected and they go to a runoff
  for the seats left (`runoff_rules`). Ranks cover every candidate (competition ranking: ties
  share a rank, the next rank skips). More ballots returned than issued voids the round: nobody is
  elected and no rank is given.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import countOf, methodcaller
from typing import Any, TypeVar

from voting.domain.rules import (
    FORMS,
    PERMILLE,
    THRESHOLD_BASES,
    Rules,
    candidates_problem,
    minimum_candidates,
    quorum_fraction,
    quorum_met,
    quorum_needed,
    require_count,
    threshold,
)

__all__ = [
    "ABSTAIN",
    "APPROVE",
    "CHOICES",
    "FORMS",
    "OPPOSE",
    "OUTCOMES",
    "PERMILLE",
    "THRESHOLD_BASES",
    "Ballot",
    "CandidateResult",
    "Rules",
    "Tally",
    "ballot_problem",
    "candidates_problem",
    "minimum_candidates",
    "note_for",
    "quorum_fraction",
    "quorum_met",
    "quorum_needed",
    "runoff_round",
    "runoff_rules",
    "split_valid",
    "tally",
    "threshold",
]

APPROVE, OPPOSE, ABSTAIN = "approve", "oppose", "abstain"
CHOICES = (APPROVE, OPPOSE, ABSTAIN)
OUTCOMES = ("decided", "runoff", "void")

Ballot = Mapping[str, str] | None
_B = TypeVar("_B", bound=Ballot)  # split_valid gives back the invalid ones as it got them


def _check_candidates(candidates: Sequence[str]) -> None:
    if not candidates or any(not isinstance(c, str) or not c for c in candidates):
        raise ValueError("候选项目须为非空字符串列表 (candidates: a non-empty list of ids)")
    if len(set(candidates)) != len(candidates):
        raise ValueError("候选项目名单有重复 (the candidate list has duplicates)")


def ballot_problem(rules: Rules, candidates: Sequence[str], ballot: Ballot) -> str | None:
    """Why a ballot is invalid (None = valid). Checked in this order, each naming the first
    offender in a fixed order: unreadable, unknown candidate, unknown choice, too many approvals.
    """
    if ballot is None or not isinstance(ballot, Mapping):
        return "无法辨认的选票 (unreadable ballot)"
    known = set(candidates)
    unknown = sorted(repr(k) for k in ballot if k not in known)
    if unknown:
        return f"选票含不在名单上的候选项目 {unknown[0]} (unknown candidate {unknown[0]})"
    allowed = CHOICES if rules.form == "approve_oppose_abstain" else (APPROVE,)
    for candidate in candidates:
        if candidate in ballot and not any(ballot[candidate] == a for a in allowed):
            choice = ballot[candidate]
            return (
                f"候选项目 {candidate} 的选项 {choice!r} 无效 "
                f"(unknown choice {choice!r} for {candidate}; allowed: {', '.join(allowed)})"
            )
    approvals = countOf(ballot.values(), APPROVE)
    if approvals > rules.seats:
        return f"赞成票超过应选名额 {rules.seats} (more than {rules.seats} approvals)"
    return None


def split_valid(
    rules: Rules, candidates: Sequence[str], ballots: Iterable[_B]
) -> tuple[list[Mapping[str, str]], list[_B]]:
    """(valid ballots, invalid ballots), with C-level checks per ballot only.

    Must agree with `ballot_problem` on every ballot (a property test holds them together).
    """
    known = frozenset(candidates)
    seats = rules.seats
    valid: list[Mapping[str, str]] = []
    invalid: list[_B] = []
    keep, drop = valid.append, invalid.append
    mark = rules.form == "mark"
    for ballot in ballots:
        if ballot is None or (type(ballot) is not dict and not isinstance(ballot, Mapping)):
            drop(ballot)
            continue
        values = ballot.values()
        size = len(ballot)
        approvals = countOf(values, APPROVE)
        if (
            approvals > seats
            or not ballot.keys() <= known
            or (
                approvals != size
                if mark
                else approvals + countOf(values, OPPOSE) + countOf(values, ABSTAIN) != size
            )
        ):
            drop(ballot)
            continue
        keep(ballot)
    return valid, invalid


def readable_passing(
    ballots: Iterable[Ballot], passes: Callable[[Mapping[str, str]], bool]
) -> tuple[list[Mapping[str, str]], int, int]:
    """(readable ballots that pass, ballots seen, ballots refused): the one pass over the box
    both the election tally and the satisfaction vote make. None (an unreadable paper ballot)
    and anything that is not a mapping are refused without asking `passes`."""
    kept: list[Mapping[str, str]] = []
    keep = kept.append
    total = refused = 0
    for ballot in ballots:
        total += 1
        if ballot is None or (type(ballot) is not dict and not isinstance(ballot, Mapping)):
            refused += 1
        elif passes(ballot):
            keep(ballot)
        else:
            refused += 1
    return kept, total, refused


def count_pairs(ballots: list[Mapping[str, str]]) -> Counter[tuple[str, str]]:
    """How many times each (key, value) pair occurs over the ballots, counted in C."""
    return Counter(chain.from_iterable(map(methodcaller("items"), ballots)))


def _count_valid(
    rules: Rules, candidates: Sequence[str], ballots: Iterable[Ballot]
) -> tuple[Counter[tuple[str, str]], int, int, int]:
    """(pair counts over the valid ballots, number of ballots, valid, invalid), fast.

    The common case costs one C-level pass per ballot (approvals ≤ K) and one Counter over all
    (candidate, choice) pairs; unknown candidates or choices show up as foreign pairs in that
    Counter, and only then is every ballot checked in full (`split_valid`).
    """
    seats = rules.seats
    mark = rules.form == "mark"

    # approvals <= K; in the mark form, marks only
    def within_seats(ballot: Mapping[str, str]) -> bool:
        approvals = countOf(ballot.values(), APPROVE)
        return approvals <= seats and (not mark or approvals == len(ballot))

    readable, total, invalid = readable_passing(ballots, within_seats)
    known = frozenset(candidates)
    allowed = (APPROVE,) if mark else CHOICES
    try:
        pairs = count_pairs(readable)
    except TypeError:  # an unhashable choice: count again over the valid ballots only
        valid, bad = split_valid(rules, candidates, readable)
        return count_pairs(valid), total, len(valid), invalid + len(bad)
    if all(c in known and v in allowed for c, v in pairs):
        return pairs, total, len(readable), invalid
    valid, bad = split_valid(rules, candidates, readable)
    pairs.subtract(count_pairs(bad))
    return pairs, total, len(valid), invalid + len(bad)


@dataclass(frozen=True)
class CandidateResult:
    candidate_id: str
    approve: int
    oppose: int
    abstain: int  # in the "mark" form: not marked
    rank: int | None  # by approvals over all candidates, ties share; None in a void round
    elected: bool

    def as_dict(self) -> dict[str, str | int | bool | None]:
        return {
            "candidate_id": self.candidate_id,
            "approve": self.approve,
            "oppose": self.oppose,
            "abstain": self.abstain,
            "rank": self.rank,
            "elected": self.elected,
        }


@dataclass(frozen=True)
class Tally:
    rules: Rules
    results: tuple[CandidateResult, ...]  # in the given candidate order
    threshold: int
    present: int
    issued: int | None
    returned: int | None
    ballots: int
    valid: int
    invalid: int
    void: bool
    elected: tuple[str, ...]  # by rank, ties in candidate order
    runoff: tuple[str, ...]  # in candidate order
    runoff_seats: int
    unfilled_seats: int  # seats − elected − runoff_seats (all seats in a void round)

    @property
    def outcome(self) -> str:
        return "void" if self.void else ("runoff" if self.runoff else "decided")

    @property
    def quorum_met(self) -> bool:
        return quorum_met(self.rules, self.present)

    @property
    def note(self) -> str | None:
        """What the announcement must say besides the figures (not hashed: wording may change)."""
        return note_for(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        """Canonical and JSON-able (str/int/bool/None, lists, dicts): the verifier and the digest
        use it. Key names are stable; human text (`note`) is left out on purpose."""
        return {
            "rules": self.rules.as_dict(),
            "threshold": self.threshold,
            "present": self.present,
            "quorum_met": self.quorum_met,
            "issued": self.issued,
            "returned": self.returned,
            "ballots": self.ballots,
            "valid": self.valid,
            "invalid": self.invalid,
            "void": self.void,
            "outcome": self.outcome,
            "elected": list(self.elected),
            "runoff": list(self.runoff),
            "runoff_seats": self.runoff_seats,
            "unfilled_seats": self.unfilled_seats,
            "results": [r.as_dict() for r in self.results],
        }


def note_for(result: Mapping[str, Any]) -> str | None:
    """The announcement's words for a round's result (`Tally.as_dict()`): void, runoff or none."""
    if result.get("void"):
        return (
            f"收回选票 {result['returned']} 张，多于发出选票 {result['issued']} 张，本轮投票无效，"
            f"无人当选 (void: {result['returned']} ballots returned, more than the "
            f"{result['issued']} issued; nobody is elected)"
        )
    if result.get("runoff"):
        seats = result["runoff_seats"]
        return (
            f"{'、'.join(result['runoff'])} 得票相同，须就其余 {seats} 个名额另行投票 "
            f"(tied at the cut-off: a runoff for {seats} seat(s))"
        )
    return None


def _check_counts(rules: Rules, present: int, issued: int | None, returned: int | None) -> None:
    require_count("present", present)
    if present > rules.deputies_total:
        raise ValueError(
            f"出席人数 {present} 超过代表总数 {rules.deputies_total} "
            f"(present {present} exceeds deputies_total {rules.deputies_total})"
        )
    if issued is not None:
        require_count("issued", issued)
    if returned is not None:
        require_count("returned", returned)


def tally(
    rules: Rules,
    candidates: Sequence[str],
    ballots: Iterable[Ballot],
    present: int,
    issued: int | None = None,
    returned: int | None = None,
) -> Tally:
    """Count one round. Deterministic and independent of ballot order."""
    candidates = tuple(candidates)
    _check_candidates(candidates)
    _check_counts(rules, present, issued, returned)
    pairs, total, n_valid, invalid = _count_valid(rules, candidates, ballots)
    approve = [pairs[(c, APPROVE)] for c in candidates]
    oppose = [pairs[(c, OPPOSE)] for c in candidates]
    needed = threshold(rules, present)
    void = issued is not None and returned is not None and returned > issued

    order = sorted(range(len(candidates)), key=lambda i: (-approve[i], i))
    ranks = [0] * len(candidates)
    for position, i in enumerate(order):
        previous = order[position - 1] if position else None
        if previous is not None and approve[previous] == approve[i]:  # tied: the same rank
            ranks[i] = ranks[previous]
        else:
            ranks[i] = position + 1

    elected: list[int] = []
    runoff: list[int] = []
    if not void:
        qualified = [i for i in order if approve[i] >= needed]
        if len(qualified) <= rules.seats:
            elected = qualified
        else:
            cut = approve[qualified[rules.seats - 1]]
            above = [i for i in qualified if approve[i] > cut]
            at_cut = [i for i in qualified if approve[i] == cut]
            if len(above) + len(at_cut) <= rules.seats:
                elected = above + at_cut
            else:
                elected, runoff = above, sorted(at_cut)
    runoff_seats = rules.seats - len(elected) if runoff else 0
    chosen = set(elected)
    results = tuple(
        CandidateResult(
            candidate_id=c,
            approve=approve[i],
            oppose=oppose[i],
            abstain=n_valid - approve[i] - oppose[i],
            rank=None if void else ranks[i],
            elected=i in chosen,
        )
        for i, c in enumerate(candidates)
    )
    return Tally(
        rules=rules,
        results=results,
        threshold=needed,
        present=present,
        issued=issued,
        returned=returned,
        ballots=total,
        valid=n_valid,
        invalid=invalid,
        void=void,
        elected=tuple(candidates[i] for i in elected),
        runoff=tuple(candidates[i] for i in runoff),
        runoff_seats=runoff_seats,
        unfilled_seats=rules.seats - len(elected) - runoff_seats,
    )


def runoff_rules(rules: Rules, result: Tally) -> tuple[Rules, list[str]]:
    """The rules and candidates of the runoff among the tied (see `runoff_round`)."""
    if not result.runoff:
        raise ValueError("本轮没有需要另行投票的候选项目 (this round needs no runoff)")
    return runoff_round(rules, result.runoff, result.runoff_seats)


def runoff_round(rules: Rules, tied: Sequence[str], seats: int) -> tuple[Rules, list[str]]:
    """The runoff among the tied: seats = the seats left, same form, threshold base and quorum;
    the differential ratio does not apply (0) — the tied candidates always outnumber the seats,
    but not necessarily by 20%."""
    if not tied or seats < 1:
        raise ValueError("本轮没有需要另行投票的候选项目 (this round needs no runoff)")
    return (
        Rules(
            seats=seats,
            deputies_total=rules.deputies_total,
            form=rules.form,
            threshold_base=rules.threshold_base,
            differential_ratio_permille=0,
            quorum_permille=rules.quorum_permille,
        ),
        list(tied),
    )
