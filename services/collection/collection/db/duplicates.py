"""Queries of duplicate suggestions: the shingle index (character bigrams per proposal)."""

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from .models import Proposal, Shingle

CANDIDATES = 50  # proposals scored in Python per suggestion: the ones sharing most bigrams


def insert_shingles(
    session: Session, proposal_id: str, area_code: str, shingles: list[str]
) -> None:
    if shingles:
        session.execute(
            insert(Shingle),
            [{"proposal_id": proposal_id, "shingle": s, "area_code": area_code} for s in shingles],
        )


def drop_shingles(session: Session, proposal_ids: Sequence[str]) -> None:
    """A merged proposal leaves the index: it is never suggested again, and the index stays
    the size of the live proposals."""
    session.execute(delete(Shingle).where(Shingle.proposal_id.in_(list(proposal_ids))))


# Built once (SQLAlchemy statements cost more to build than this one costs to run): the
# (area_code, shingle) index finds every proposal of the area holding one of the bigrams.
_SHARED = func.count().label("shared")
_CANDIDATES = (
    select(Shingle.proposal_id, _SHARED)
    .where(
        Shingle.area_code == bindparam("area_code"),
        Shingle.shingle.in_(bindparam("shingles", expanding=True)),
        Shingle.proposal_id != bindparam("self_id"),
    )
    .group_by(Shingle.proposal_id)
    .order_by(_SHARED.desc(), Shingle.proposal_id)
    .limit(bindparam("limit"))
)


_FREQUENCIES = (
    select(Shingle.shingle, func.count())
    .where(
        Shingle.area_code == bindparam("area_code"),
        Shingle.shingle.in_(bindparam("shingles", expanding=True)),
    )
    .group_by(Shingle.shingle)
)
_OWN = select(Shingle.shingle).where(Shingle.proposal_id == bindparam("proposal_id"))


def frequencies(
    session: Session, area_code: str, shingles: list[str], proposal_id: str
) -> dict[str, int]:
    """How many other proposals of the area hold each bigram (counted on the index alone)."""
    if not shingles:
        return {}
    rows = session.execute(_FREQUENCIES, {"area_code": area_code, "shingles": shingles})
    counts: dict[str, int] = dict(rows.all())  # the Result itself looks like a mapping to dict()
    for own in session.scalars(_OWN, {"proposal_id": proposal_id}):
        if own in counts:
            counts[own] -= 1
    return {shingle: count for shingle, count in counts.items() if count > 0}


def candidate_ids(
    session: Session, area_code: str, shingles: list[str], exclude_id: str, limit: int = CANDIDATES
) -> list[str]:
    """Proposals of the area sharing the most bigrams with `shingles`, most first."""
    if not shingles:
        return []
    rows = session.execute(
        _CANDIDATES,
        {"area_code": area_code, "shingles": shingles, "self_id": exclude_id, "limit": limit},
    )
    return [row.proposal_id for row in rows]


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
