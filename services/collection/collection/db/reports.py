"""Queries of the reports slice: read-only aggregates of one area subtree and year.

Everything is scoped by `area_path` prefix (the area and everything under it) and computed in
the database, so a city-wide report moves counts, not rows. Screenings are append-only: only
each screener's latest row per proposal counts (a window function, portable across SQLite and
PostgreSQL).
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from .models import CandidateList, DraftList, DraftListVersion, Notice, Proposal, Round, Screening

PRINCIPLES = ("public_benefit", "inclusive", "urgency", "assessable")

# A merged proposal counts once, as merged, whatever status its row still carries.
EFFECTIVE_STATUS = case(
    (Proposal.merged_into_id.is_not(None), "merged"), else_=Proposal.status
).label("status")


def _in_scope(query: Select[Any], area_path: str, year: int) -> Select[Any]:
    """Proposals of the subtree and year. A proposal's year is its notice's; rows written before
    `proposals.year` was filled read it from the notice (a petition proposal may have none)."""
    return (
        query.outerjoin(Notice, Notice.id == Proposal.notice_id)
        .where(Proposal.area_path.startswith(area_path, autoescape=True))
        .where(func.coalesce(Proposal.year, Notice.year) == year)
    )


def proposal_counts(session: Session, area_path: str, year: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name, column in (
        ("channel", Proposal.channel),
        ("category", Proposal.category),
        ("status", EFFECTIVE_STATUS),
    ):
        query = _in_scope(select(column, func.count()).select_from(Proposal), area_path, year)
        rows = session.execute(query.group_by(column))
        counts[name] = {str(value): int(n) for value, n in rows}
    return counts


def _latest_screenings(area_path: str, year: int) -> Any:
    """Each screener's latest row per proposal of the scope, as a subquery."""
    scoped = _in_scope(select(Proposal.id).select_from(Proposal), area_path, year)
    ranked = (
        select(
            Screening,
            func.row_number()
            .over(
                partition_by=(Screening.proposal_id, Screening.screener_id),
                order_by=(Screening.created_at.desc(), Screening.id.desc()),
            )
            .label("recency"),
        )
        .where(Screening.proposal_id.in_(scoped))
        .subquery()
    )
    return select(ranked).where(ranked.c.recency == 1).subquery()


def _means(latest: Any) -> list[Any]:
    return [func.avg(getattr(latest.c, name)).label(name) for name in PRINCIPLES]


def screening_summary(session: Session, area_path: str, year: int) -> dict[str, Any]:
    latest = _latest_screenings(area_path, year)
    totals = session.execute(
        select(
            func.count(func.distinct(latest.c.proposal_id)), func.count(), *_means(latest)
        ).select_from(latest)
    ).one()
    verdicts = session.execute(select(latest.c.verdict, func.count()).group_by(latest.c.verdict))
    return {
        "screened": int(totals[0]),
        "screenings": int(totals[1]),
        "verdicts": {str(verdict): int(n) for verdict, n in verdicts},
        "means": dict(zip(PRINCIPLES, (_mean(value) for value in totals[2:]), strict=True)),
    }


def _mean(value: Any) -> float | None:
    # PostgreSQL's avg of integers is NUMERIC (Decimal), SQLite's a float: one shape for both.
    return None if value is None else round(float(value), 2)


def proposal_rows(session: Session, area_path: str, year: int) -> list[dict[str, Any]]:
    """One row per proposal for the export, with its screeners' means. Personal data (names,
    phones, deputy, who entered it) is not selected at all."""
    latest = _latest_screenings(area_path, year)
    per_proposal = (
        select(latest.c.proposal_id, func.count().label("screeners"), *_means(latest))
        .group_by(latest.c.proposal_id)
        .subquery()
    )
    query = _in_scope(
        select(
            Proposal.tracking_code,
            Proposal.title,
            Proposal.channel,
            Proposal.category,
            EFFECTIVE_STATUS,
            Proposal.area_code,
            Proposal.estimated_cost_fen,
            Proposal.submitted_at,
            per_proposal.c.screeners,
            *(getattr(per_proposal.c, name) for name in PRINCIPLES),
        )
        .select_from(Proposal)
        .outerjoin(per_proposal, per_proposal.c.proposal_id == Proposal.id),
        area_path,
        year,
    ).order_by(Proposal.submitted_at, Proposal.tracking_code)
    rows = []
    for row in session.execute(query).mappings():
        item = dict(row)
        item["screeners"] = int(item["screeners"] or 0)
        item.update({name: _mean(item[name]) for name in PRINCIPLES})
        rows.append(item)
    return rows


def draft_list_rounds(session: Session, area_path: str, year: int) -> list[dict[str, Any]]:
    closed = func.sum(case((Round.status == "closed", 1), else_=0))
    opened = func.sum(case((Round.status == "open", 1), else_=0))
    rounds = (
        select(
            Round.draft_list_id,
            closed.label("done"),
            opened.label("open"),
        )
        .group_by(Round.draft_list_id)
        .subquery()
    )
    versions = (
        select(DraftListVersion.draft_list_id, func.count().label("versions"))
        .group_by(DraftListVersion.draft_list_id)
        .subquery()
    )
    query = (
        select(DraftList, rounds.c.done, rounds.c.open, versions.c.versions)
        .outerjoin(rounds, rounds.c.draft_list_id == DraftList.id)
        .outerjoin(versions, versions.c.draft_list_id == DraftList.id)
        .where(DraftList.area_path.startswith(area_path, autoescape=True))
        .where(DraftList.year == year)
        .order_by(DraftList.area_path, DraftList.created_at)
    )
    return [
        {
            "draft_list_id": draft.id,
            "area_code": draft.area_code,
            "title": draft.title,
            "status": draft.status,
            "rounds_planned": draft.rounds_planned,
            "rounds_done": int(done or 0),
            "rounds_open": int(open_ or 0),
            "versions": int(count or 0),
        }
        for draft, done, open_, count in session.execute(query)
    ]


def candidate_lists(session: Session, area_path: str, year: int) -> list[CandidateList]:
    return list(
        session.scalars(
            select(CandidateList)
            .where(CandidateList.area_path.startswith(area_path, autoescape=True))
            .where(CandidateList.year == year)
            .order_by(CandidateList.area_path, CandidateList.frozen_at)
        )
    )


def proposal_facts(session: Session, ids: Iterable[str]) -> dict[str, tuple[str, str, str, str]]:
    """Tracking code, status, title and category of the given proposals: a candidate's
    adoption result is its proposal's status."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Proposal.id, Proposal.tracking_code, Proposal.status, Proposal.title, Proposal.category
        ).where(Proposal.id.in_(wanted))
    )
    return {row[0]: tuple(row[1:]) for row in rows}
