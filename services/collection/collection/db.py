"""Collection's tables and queries: the only module of the service that imports SQLAlchemy."""

import uuid
from datetime import datetime
from typing import Any

from servicekit.db import UtcDateTime
from servicekit.db import metadata as new_metadata
from servicekit.outbox import messaging_tables
from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    metadata = new_metadata()


MESSAGING = messaging_tables(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


class Notice(Base):
    """征集公告: a call for proposals in one area and year, open between two moments."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Proposal(Base):
    """A livelihood proposal. Personal data (name, phone) stays here and in the staff view."""

    __tablename__ = "proposals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id"))
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), index=True)
    location_text: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lng: Mapped[float | None] = mapped_column(Float, nullable=True)
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitter_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    submitter_phone: Mapped[str | None] = mapped_column(String(24), nullable=True)
    deputy_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    liaison_station: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    entered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


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
