"""Queries of duplicate suggestions: the signatures of an area's live proposals of a year."""

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from .models import Proposal

# Built once: every suggestion runs it, over up to ~10,000 rows of one area.
_SIGNATURES = select(Proposal.id, Proposal.shingles).where(
    Proposal.area_code == bindparam("area_code"),
    Proposal.status != "merged",
    Proposal.id != bindparam("exclude_id"),
)


def signatures(
    session: Session, area_code: str, year: int | None, exclude_id: str
) -> Sequence[Row]:
    """(id, shingles) of the area's proposals that are not merged; of the year when known.
    `shingles` is null only for proposals stored before signatures existed."""
    query = _SIGNATURES if year is None else _SIGNATURES.where(Proposal.year == year)
    return session.execute(query, {"area_code": area_code, "exclude_id": exclude_id}).all()


def texts(session: Session, ids: list[str]) -> Sequence[Row]:
    """(id, title, description) of proposals whose signature must be computed here."""
    if not ids:
        return []
    return session.execute(
        select(Proposal.id, Proposal.title, Proposal.description).where(Proposal.id.in_(ids))
    ).all()


def candidate_rows(session: Session, ids: list[str]) -> Sequence[Row]:
    """What scoring and the suggestion need of each candidate, merged ones left out."""
    if not ids:
        return []
    return session.execute(
        select(
            Proposal.id,
            Proposal.tracking_code,
            Proposal.title,
            Proposal.description,
            Proposal.lat,
            Proposal.lng,
            Proposal.channel,
            Proposal.status,
            Proposal.submitted_at,
        ).where(Proposal.id.in_(ids), Proposal.status != "merged")
    ).all()
