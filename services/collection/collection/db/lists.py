"""Queries of draft lists, rounds (三上三下), versions and candidate lists."""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import (
    AreaSettings,
    CandidateList,
    CommentAnswer,
    CommentRequest,
    DraftList,
    DraftListVersion,
    LibraryItem,
    Proposal,
    Round,
    new_id,
)

__all__ = [
    "AreaSettings",
    "CandidateList",
    "CommentAnswer",
    "CommentRequest",
    "DraftList",
    "DraftListVersion",
    "LibraryItem",
    "Round",
    "new_id",
]


def settings_of(session: Session, area_code: str) -> AreaSettings | None:
    return session.get(AreaSettings, area_code)


def library_items(
    session: Session, area_code: str, year: int, proposal_ids: Iterable[str] | None = None
) -> list[LibraryItem]:
    """Library items of exactly this area and year (not of areas below it)."""
    query = select(LibraryItem).where(LibraryItem.area_code == area_code, LibraryItem.year == year)
    if proposal_ids is not None:
        query = query.where(LibraryItem.proposal_id.in_(list(proposal_ids)))
    return list(session.scalars(query))


def draft_list(session: Session, draft_list_id: str, lock: bool = False) -> DraftList | None:
    """With `lock`, the row stays locked until commit (PostgreSQL): writes to one list queue."""
    return session.get(DraftList, draft_list_id, with_for_update=lock or None)


def draft_lists(session: Session, area_code: str, year: int | None) -> list[DraftList]:
    query = select(DraftList).where(DraftList.area_code == area_code)
    if year is not None:
        query = query.where(DraftList.year == year)
    return list(session.scalars(query.order_by(DraftList.year.desc(), DraftList.created_at)))


def version(session: Session, draft_list_id: str, number: int) -> DraftListVersion | None:
    return session.get(DraftListVersion, (draft_list_id, number))


def versions(session: Session, draft_list_id: str, low: int, high: int) -> list[DraftListVersion]:
    return list(
        session.scalars(
            select(DraftListVersion)
            .where(
                DraftListVersion.draft_list_id == draft_list_id,
                DraftListVersion.number >= low,
                DraftListVersion.number <= high,
            )
            .order_by(DraftListVersion.number)
        )
    )


def latest_version_number(session: Session, draft_list_id: str) -> int:
    number = session.scalar(
        select(func.max(DraftListVersion.number)).where(
            DraftListVersion.draft_list_id == draft_list_id
        )
    )
    return int(number or 0)


def rounds(session: Session, draft_list_id: str) -> list[Round]:
    return list(
        session.scalars(
            select(Round).where(Round.draft_list_id == draft_list_id).order_by(Round.number)
        )
    )


def round_of(session: Session, draft_list_id: str, number: int) -> Round | None:
    return session.get(Round, (draft_list_id, number))


def comment_requests(session: Session, draft_list_id: str) -> list[CommentRequest]:
    return list(
        session.scalars(
            select(CommentRequest)
            .where(CommentRequest.draft_list_id == draft_list_id)
            .order_by(CommentRequest.round_number, CommentRequest.requested_at, CommentRequest.id)
        )
    )


def comment_request(session: Session, request_id: str) -> CommentRequest | None:
    return session.get(CommentRequest, request_id)


def comment_answers(session: Session, request_ids: Iterable[str]) -> dict[str, list[CommentAnswer]]:
    """Every answer to these requests, oldest first, by request id."""
    found: dict[str, list[CommentAnswer]] = {}
    rows = session.scalars(
        select(CommentAnswer)
        .where(CommentAnswer.comment_request_id.in_(list(request_ids)))
        .order_by(CommentAnswer.answered_at, CommentAnswer.id)
    )
    for row in rows:
        found.setdefault(row.comment_request_id, []).append(row)
    return found


def candidate_list(session: Session, candidate_list_id: str) -> CandidateList | None:
    return session.get(CandidateList, candidate_list_id)


def candidate_list_of(session: Session, draft_list_id: str) -> CandidateList | None:
    return session.scalar(select(CandidateList).where(CandidateList.draft_list_id == draft_list_id))


def open_rounds_by_level(session: Session) -> dict[str, int]:
    """How many rounds are open now, per level of their draft list."""
    rows = session.execute(
        select(DraftList.level, func.count())
        .join(Round, Round.draft_list_id == DraftList.id)
        .where(Round.status == "open")
        .group_by(DraftList.level)
    )
    return dict(rows.all())


def set_status(session: Session, proposal_ids: Iterable[str], status: str) -> None:
    ids = list(proposal_ids)
    if ids:
        session.execute(update(Proposal).where(Proposal.id.in_(ids)).values(status=status))


def items_of(row: DraftListVersion | CandidateList) -> list[dict[str, Any]]:
    return list(json.loads(row.items))


def reasons_of(row: DraftListVersion) -> dict[str, str]:
    return dict(json.loads(row.reasons or "{}"))


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
