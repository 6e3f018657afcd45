"""Screening rules (政府筛选), pure: standard library only, no I/O.

What is decided here: which row of each screener counts, how the scores of several screeners are
summarised (mean and spread per principle), and when a proposal may no longer be screened.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean, pstdev
from typing import Any

PRINCIPLES = ("public_benefit", "inclusive", "urgency", "assessable")

SCREEN_ROLES = frozenset({"admin", "government_staff"})
READ_ROLES = frozenset({"admin", "congress_staff", "government_staff", "department_staff"})
# Deputies read the library: it is what they will later vote from.
LIBRARY_READ_ROLES = READ_ROLES | {"deputy"}
LIBRARY_EDIT_ROLES = SCREEN_ROLES
PUBLISH_ROLES = SCREEN_ROLES

# Statuses reached after screening is over: the vote decided, or the proposal lives on in another.
CLOSED_STATUSES = frozenset({"merged", "adopted", "not_adopted"})
DECIMALS = 2


@dataclass(frozen=True)
class ScoredRow:
    """The part of a screening row the rules need."""

    id: str
    screener_id: str
    created_at: datetime
    scores: Mapping[str, int]


def latest_per_screener(rows: Iterable[ScoredRow]) -> dict[str, ScoredRow]:
    """Screener id -> the row that counts: the newest (ties broken by id, so the choice is
    stable when two rows share a timestamp)."""
    latest: dict[str, ScoredRow] = {}
    for row in rows:
        known = latest.get(row.screener_id)
        if known is None or (row.created_at, row.id) > (known.created_at, known.id):
            latest[row.screener_id] = row
    return latest


def _principle(values: Sequence[int]) -> dict[str, Any]:
    return {
        "mean": round(fmean(values), DECIMALS),
        "stdev": round(pstdev(values), DECIMALS),  # population: the screeners are all there is
        "min": min(values),
        "max": max(values),
    }


def summarize(scores: Sequence[Mapping[str, int]]) -> dict[str, Any] | None:
    """Mean and spread per principle over one score set per screener; None when nobody scored.
    The overall mean weighs every principle equally."""
    if not scores:
        return None
    summary: dict[str, Any] = {"screeners": len(scores)}
    for principle in PRINCIPLES:
        summary[principle] = _principle([row[principle] for row in scores])
    every = [row[p] for row in scores for p in PRINCIPLES]
    summary["overall_mean"] = round(fmean(every), DECIMALS)
    return summary


@dataclass(frozen=True)
class ProposalState:
    status: str
    merged: bool
    outcome_published: bool
    on_draft_list: bool


def screening_refusal(state: ProposalState, verdict: str) -> str | None:
    """Why this verdict may not be recorded now (a conflict with the proposal's state), or None.

    Once residents have seen an outcome it is not changed behind their backs; a proposal on a
    draft list must go off the list (a round) before it may leave the library."""
    if state.merged or state.status == "merged":
        return "该建议已合并到其他建议，请筛选合并后的建议 (merged: screen the proposal it joined)"
    if state.status in CLOSED_STATUSES:
        return "该建议已经代表票决，不能再筛选 (already decided by the vote)"
    if state.outcome_published:
        return "筛选结果已向群众公布，不能再修改 (outcome already published to residents)"
    if state.on_draft_list and verdict != "in_library":
        return (
            "该建议在草拟清单中，须先在轮次中移出清单 "
            "(on a draft list: remove it in a round before taking it out of the library)"
        )
    return None


def library_editable(status: str) -> str | None:
    """Library figures change only while the proposal is in the library."""
    if status != "in_library":
        return "该建议不在项目库中 (proposal is not in the project library)"
    return None


def answer_needed(status: str, published: bool, answered: bool) -> bool:
    """A submitter is told a published verdict, or at once what information is needed."""
    if answered:
        return False
    return status == "needs_info" or (published and status in ("in_library", "rejected"))


def clean_reason(reason: str | None) -> str | None:
    """Residents read the reason: surrounding blanks go, a blank reason is no reason."""
    text = (reason or "").strip()
    return text or None
