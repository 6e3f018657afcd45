"""Possible duplicates: indexed on every submission, suggested on submission (staff) and on
demand. The index narrows 10,000 proposals of an area to the ~50 sharing most of the
proposal's rarest bigrams; the domain scores those."""

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


def index_proposal(session: Session, proposal: dict[str, Any]) -> None:
    """Write the proposal's bigrams in the caller's transaction."""
    shingles = similarity.index_shingles(proposal["title"], proposal["description"])
    db.insert_shingles(session, proposal["id"], proposal["area_code"], shingles)


def possible_duplicates(session: Session, proposal: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to 10 proposals of the same area, not merged, alike enough to suggest, best first."""
    shingles = similarity.index_shingles(proposal["title"], proposal["description"])
    counts = db.frequencies(session, proposal["area_code"], shingles, proposal["id"])
    ids = db.candidate_ids(
        session, proposal["area_code"], similarity.rarest(counts), proposal["id"]
    )
    rows = {row.id: row for row in db.candidate_rows(session, ids)}
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
    fields = ("id", "area_code", "title", "description", "lat", "lng")
    items = possible_duplicates(session, {name: getattr(proposal, name) for name in fields})
    return {"proposal_id": proposal.id, "items": items}  # items are dumped already
