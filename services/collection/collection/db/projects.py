"""The projects proposals became (kept from implementation's events)."""

from sqlalchemy.orm import Session

from .models import Proposal, ProposalProject


def proposal(session: Session, proposal_id: str) -> Proposal | None:
    return session.get(Proposal, proposal_id)


def project_of(session: Session, proposal_id: str) -> ProposalProject | None:
    return session.get(ProposalProject, proposal_id)
