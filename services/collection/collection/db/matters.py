"""Queries of proposals that came from petition matters."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Proposal


def proposal_of_matter(session: Session, matter_id: str) -> str | None:
    """The id of the proposal made from this matter, if any (source_matter_id is unique)."""
    return session.scalar(select(Proposal.id).where(Proposal.source_matter_id == matter_id))
