"""Queries of duplicate suggestions: the signatures of an area's live proposals of a year."""

from collections.abc import Sequence

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session

from .models import Proposal

PROPOSALS = Proposal.__table__
# Core, built once: every suggestion reads up to ~10,000 rows of one area with it, and plain
# tuples cost a fraction of ORM rows at that count.
_LIVE = (
    (PROPOSALS.c.area_code == bindparam("area_code"))
    & (PROPOSALS.c.status != "merged")
    & (PROPOSALS.c.id != bindparam("exclude_id"))
)
_SIGNED = select(PROPOSALS.c.id, PROPOSALS.c.shingles).where(
    _LIVE, PROPOSALS.c.shingles.is_not(None)
)
_UNSIGNED = select(PROPOSALS.c.id, PROPOSALS.c.title, PROPOSALS.c.description).where(
    _LIVE, PROPOSALS.c.shingles.is_(None)
)


def _of_year(query: Select, year: int | None) -> Select:
    return query if year is None else query.where(PROPOSALS.c.year == year)


def signatures(
    session: Session, area_code: str, year: int | None, exclude_id: str
) -> Sequence[Row]:
    """(id, signature) of the area's live proposals (of the year, when known)."""
    params = {"area_code": area_code, "exclude_id": exclude_id}
    return session.execute(_of_year(_SIGNED, year), params).all()  # fetchall: one C call


def unsigned(session: Session, area_code: str, year: int | None, exclude_id: str) -> Sequence[Row]:
    """(id, title, description) of those stored before signatures existed: signed here."""
    params = {"area_code": area_code, "exclude_id": exclude_id}
    return session.execute(_of_year(_UNSIGNED, year), params).all()


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
