"""Possible duplicates: suggested on submission (staff) and on demand. Every proposal stores a
short bigram signature with its row (no index rows to write on the submission's path); a
suggestion compares the signatures of the area's live proposals of the year, takes the ~50
sharing most bigrams, and the domain scores those in full."""

from typing import Any

from contracts.rpc import DuplicateCandidate
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..db import duplicates as db
from ..db import intake as proposals
from ..domain import intake as rules
from ..domain import similarity


def _candidates(session: Session, proposal: dict[str, Any]) -> list[str]:
    where = (proposal["area_code"], proposal.get("year"), proposal["id"])
    stored: list[Any] = list(db.signatures(session, *where))
    older = db.unsigned(session, *where)
    stored += [(row.id, similarity.signature(row.title, row.description)) for row in older]
    query = frozenset(similarity.index_shingles(proposal["title"], proposal["description"]))
    return similarity.nearest(query, stored)


def possible_duplicates(
    session: Session, proposal: dict[str, Any], with_codes: bool = True
) -> list[dict[str, Any]]:
    """Up to 10 proposals of the same area, not merged, alike enough to suggest, best first;
    without their tracking codes for a caller who may not hold them (a deputy)."""
    rows = {row.id: row for row in db.candidate_rows(session, _candidates(session, proposal))}
    query = similarity.Features.of(
        proposal["title"], proposal["description"], proposal.get("lat"), proposal.get("lng")
    )
    candidates = {
        key: similarity.Features.of(row.title, row.description, row.lat, row.lng)
        for key, row in rows.items()
    }
    return [
        dump(
            DuplicateCandidate,
            {
                **rows[match.key]._asdict(),
                **({} if with_codes else {"tracking_code": None}),
                "score": match.score,
                "distance_m": None if match.distance_m is None else round(match.distance_m),
            },
        )
        for match in similarity.rank(query, candidates)
    ]


def suggest_duplicates(session: Session, guard: Guard, proposal_id: str) -> dict[str, Any]:
    proposal = proposals.proposal_in_scope(session, proposal_id)
    if proposal is None:
        guard.require(rules.STAFF_ROLES)
        raise errors.proposal_not_found()
    guard.require(rules.STAFF_ROLES, proposal.area_code)
    fields = ("id", "area_code", "year", "title", "description", "lat", "lng")
    items = possible_duplicates(session, {name: getattr(proposal, name) for name in fields})
    return {"proposal_id": proposal.id, "items": items}  # items are dumped already
