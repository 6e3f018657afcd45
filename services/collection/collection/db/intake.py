"""Queries of the intake slice: notices and proposals as residents and staff submit them."""

from datetime import datetime
from typing import Any

from servicekit.db import UtcDateTime
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from .models import Notice, Proposal, new_id

__all__ = ["Notice", "Proposal", "new_id"]  # re-exported: the intake use cases see one module


def notices_of_area(session: Session, area_code: str) -> list[Notice]:
    return list(
        session.scalars(
            select(Notice).where(Notice.area_code == area_code).order_by(Notice.opens_at)
        )
    )


# Built once: constructing a SQLAlchemy statement costs more than running this one.
_OPEN_NOTICE = (
    select(Notice.id)
    .where(
        Notice.area_code == bindparam("area_code"),
        Notice.opens_at <= bindparam("now", type_=UtcDateTime()),
        Notice.closes_at > bindparam("now", type_=UtcDateTime()),
    )
    .order_by(Notice.closes_at)
    .limit(1)
)


def open_notice_id(session: Session, area_code: str, now: datetime) -> str | None:
    """The fast path of every submission: the open notice closing soonest, if any (the same
    rule as domain.NoticeWindow.status, in SQL, so refusals alone load every notice)."""
    return session.scalar(_OPEN_NOTICE, {"area_code": area_code, "now": now})


def notice_year(session: Session, notice_id: str | None) -> int | None:
    return None if notice_id is None else session.scalar(_NOTICE_YEAR, {"notice_id": notice_id})


_NOTICE_YEAR = select(Notice.year).where(Notice.id == bindparam("notice_id"))


def insert_proposal(session: Session, values: dict[str, Any]) -> None:
    # A bulk-style insert of one row: no unit-of-work bookkeeping on the hot path.
    session.execute(insert(Proposal), [values])


def proposal_by_tracking_code(session: Session, code: str) -> Proposal | None:
    return session.scalar(select(Proposal).where(Proposal.tracking_code == code))


def proposal_in_scope(session: Session, proposal_id: str) -> Proposal | None:
    return session.get(Proposal, proposal_id)


def proposals_page(
    session: Session, area_path: str, filters: dict[str, str | None], page: int, page_size: int
) -> tuple[list[Proposal], int]:
    query = select(Proposal).where(Proposal.area_path.startswith(area_path, autoescape=True))
    for column in ("status", "category", "channel"):
        if filters.get(column):
            query = query.where(getattr(Proposal, column) == filters[column])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Proposal.submitted_at.desc(), Proposal.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), int(total)
