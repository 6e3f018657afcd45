"""Queries of a proposal's parts and merges: supporters, attachments, merged sources."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from .models import Attachment, Proposal, Supporter, new_id

__all__ = ["Attachment", "Proposal", "Supporter", "new_id"]


def insert_supporters(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Supporter), rows)


def insert_attachments(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Attachment), rows)


def count_attachments(session: Session, proposal_id: str) -> int:
    query = select(func.count()).where(Attachment.proposal_id == proposal_id)
    return int(session.scalar(query) or 0)


def merged_sources(session: Session, target_id: str) -> list[Proposal]:
    """Proposals merged into this one (chains are flattened when merging, so one level)."""
    query = select(Proposal).where(Proposal.merged_into_id == target_id)
    return list(session.scalars(query.order_by(Proposal.submitted_at, Proposal.id)))


def supporters_of(session: Session, proposal_id: str) -> list[Supporter]:
    query = select(Supporter).where(Supporter.proposal_id == proposal_id)
    return list(session.scalars(query.order_by(Supporter.created_at, Supporter.id)))


def attachments_of(session: Session, proposal_ids: Sequence[str]) -> list[Attachment]:
    query = select(Attachment).where(Attachment.proposal_id.in_(list(proposal_ids)))
    return list(session.scalars(query.order_by(Attachment.created_at, Attachment.id)))


def lock_proposals(session: Session, ids: Sequence[str]) -> list[Proposal]:
    """The rows a merge changes, locked in id order on PostgreSQL so that two merges over the
    same proposals wait for each other instead of deadlocking (SQLite serialises writers)."""
    query = select(Proposal).where(Proposal.id.in_(list(ids))).order_by(Proposal.id)
    return list(session.scalars(query.with_for_update()))


def mark_merged(
    session: Session, source_ids: Sequence[str], target_id: str, unmergeable: Iterable[str]
) -> int:
    """Sources point at the target, unless one changed meanwhile (the count tells); whatever
    had been merged into a source follows it, so a tracking code is one hop from its target."""
    ids = list(source_ids)
    changed = session.execute(
        update(Proposal)
        .where(Proposal.id.in_(ids), Proposal.status.not_in(list(unmergeable)))
        .values(status="merged", merged_into_id=target_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Proposal)
        .where(Proposal.merged_into_id.in_(ids))
        .values(merged_into_id=target_id)
        .execution_options(synchronize_session=False)
    )
    return int(changed)


def move_supporters(session: Session, source_ids: Sequence[str], target_id: str) -> None:
    """A source's supporters back the target now; those from earlier merges keep their origin."""
    for source_id in source_ids:
        session.execute(
            update(Supporter)
            .where(Supporter.proposal_id == source_id)
            .values(
                proposal_id=target_id,
                merged_from_id=func.coalesce(Supporter.merged_from_id, source_id),
            )
            .execution_options(synchronize_session=False)
        )
