"""Queries of the intake slice: notices and proposals as residents and staff submit them."""

from datetime import datetime
from typing import Any

from servicekit.db import UtcDateTime
from sqlalchemy import Row, bindparam, func, insert, select
from sqlalchemy.orm import Session

from .models import Notice, Proposal, new_id

__all__ = ["Notice", "Proposal", "new_id"]  # re-exported: the intake use cases see one module


def notices_of_area(session: Session, area_code: str) -> list[Notice]:
    return list(
        session.scalars(
            select(Notice).where(Notice.area_code == area_code).order_by(Notice.opens_at)
        )
    )


def notices_under(session: Session, area_path: str) -> list[Notice]:
    """The notices of an area and of everything under it (one indexed prefix query)."""
    query = select(Notice).where(Notice.area_path.startswith(area_path, autoescape=True))
    return list(session.scalars(query.order_by(Notice.area_path, Notice.opens_at)))


# Built once: constructing a SQLAlchemy statement costs more than running this one.
_OPEN_NOTICE = (
    select(Notice.id, Notice.year)
    .where(
        Notice.area_code == bindparam("area_code"),
        Notice.opens_at <= bindparam("now", type_=UtcDateTime()),
        Notice.closes_at > bindparam("now", type_=UtcDateTime()),
    )
    .order_by(Notice.closes_at)
    .limit(1)
)


def open_notice(session: Session, area_code: str, now: datetime) -> Row | None:
    """The fast path of every submission: (id, year) of the open notice closing soonest, if
    any (the rule of domain.NoticeWindow.status, in SQL, so refusals alone load every notice)."""
    return session.execute(_OPEN_NOTICE, {"area_code": area_code, "now": now}).first()


# Core, not the ORM's bulk path: the row is plain values, and nothing reads it back here.
_INSERT_PROPOSAL = insert(Proposal.__table__)


def insert_proposal(session: Session, values: dict[str, Any]) -> None:
    session.execute(_INSERT_PROPOSAL, values)


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
