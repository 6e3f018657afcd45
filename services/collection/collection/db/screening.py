"""Queries of screening, the project library and published outcomes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from .models import DraftListVersion, LibraryItem, Notice, Proposal, Screening

__all__ = ["LibraryItem", "Proposal", "Screening"]

ANSWERABLE = ("in_library", "rejected")  # the verdicts publish_outcomes makes public


def proposal_for_update(session: Session, proposal_id: str) -> Proposal | None:
    """The proposal, locked until commit on PostgreSQL: two screeners recording at once must
    not both decide its status and library item from a stale read (SQLite locks the file)."""
    return session.get(Proposal, proposal_id, with_for_update=True)


def proposal(session: Session, proposal_id: str) -> Proposal | None:
    return session.get(Proposal, proposal_id)


def year_of(session: Session, proposal: Proposal) -> int:
    """A proposal's year is its notice's; rows written before the column was filled lack it."""
    if proposal.year is not None:
        return proposal.year
    return int(session.scalar(select(Notice.year).where(Notice.id == proposal.notice_id)) or 0)


def _of_year(year: int) -> ColumnElement[bool]:
    notices_of_year = select(Notice.id).where(Notice.year == year)
    return or_(
        Proposal.year == year,
        and_(Proposal.year.is_(None), Proposal.notice_id.in_(notices_of_year)),
    )


def _of_area_and_year(area_path: str, year: int) -> ColumnElement[bool]:
    # Exactly this area: its own path, not the paths of the areas under it.
    return and_(Proposal.area_path == area_path, _of_year(year))


def screenings_of(session: Session, proposal_ids: Sequence[str]) -> list[Screening]:
    """Every row of these proposals, oldest first (one query for a whole page of proposals)."""
    if not proposal_ids:
        return []
    return list(
        session.scalars(
            select(Screening)
            .where(Screening.proposal_id.in_(list(proposal_ids)))
            .order_by(Screening.created_at, Screening.id)
        )
    )


def on_draft_list(session: Session, proposal_id: str) -> bool:
    """Whether any draft-list version names the proposal. Versions store their items as JSON
    text; a proposal id is a UUID, so a substring match finds it whatever the item shape."""
    found = session.scalar(
        select(DraftListVersion.number)
        .where(DraftListVersion.items.contains(proposal_id, autoescape=True))
        .limit(1)
    )
    return found is not None


def library_item(session: Session, proposal_id: str) -> LibraryItem | None:
    return session.get(LibraryItem, proposal_id)


def remove_library_item(session: Session, proposal_id: str) -> None:
    session.execute(delete(LibraryItem).where(LibraryItem.proposal_id == proposal_id))


def library_page(
    session: Session, area_path: str, query: dict[str, Any]
) -> tuple[list[tuple[LibraryItem, str]], int]:
    """(item, tracking code) pairs of the area and everything under it, newest first."""
    where = [
        LibraryItem.area_path.startswith(area_path, autoescape=True),
        LibraryItem.year == query["year"],
    ]
    if query.get("category"):
        where.append(LibraryItem.category == query["category"])
    if query.get("q"):
        where.append(
            or_(
                LibraryItem.title.icontains(query["q"], autoescape=True),
                LibraryItem.summary.icontains(query["q"], autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(LibraryItem).where(*where)) or 0
    page, size = query["page"], query["page_size"]
    rows = session.execute(
        select(LibraryItem, Proposal.tracking_code)
        .join(Proposal, Proposal.id == LibraryItem.proposal_id)
        .where(*where)
        .order_by(LibraryItem.added_at.desc(), LibraryItem.proposal_id)
        .offset((page - 1) * size)
        .limit(size)
    )
    return [(item, code) for item, code in rows], int(total)


def publish(session: Session, area_path: str, year: int, now: datetime) -> int:
    """Make the verdicts of one area and year public; already published ones keep their time."""
    result = session.execute(
        update(Proposal)
        .where(
            _of_area_and_year(area_path, year),
            Proposal.status.in_(ANSWERABLE),
            Proposal.outcome_published_at.is_(None),
        )
        .values(outcome_published_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_with_status(session: Session, area_path: str, year: int, status: str) -> int:
    query = select(func.count()).where(
        _of_area_and_year(area_path, year), Proposal.status == status
    )
    return int(session.scalar(query) or 0)


def _answerable() -> ColumnElement[bool]:
    return or_(
        Proposal.status == "needs_info",
        and_(Proposal.outcome_published_at.is_not(None), Proposal.status.in_(ANSWERABLE)),
    )


def to_answer(session: Session, area_path: str, year: int) -> list[Proposal]:
    """Proposals whose submitters are owed an answer, locked until commit: a concurrent call
    waits, then finds them answered (PostgreSQL re-checks the WHERE after the lock)."""
    query = (
        select(Proposal)
        .where(_of_area_and_year(area_path, year), _answerable(), Proposal.answered_at.is_(None))
        .order_by(Proposal.submitted_at, Proposal.id)
        .with_for_update()
    )
    return list(session.scalars(query))


def any_answerable(session: Session, area_path: str, year: int) -> bool:
    query = select(Proposal.id).where(_of_area_and_year(area_path, year), _answerable()).limit(1)
    return session.scalar(query) is not None
