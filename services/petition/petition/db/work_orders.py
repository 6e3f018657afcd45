"""Petition's 12345 hotline tables: the work orders (工单) with every change the hotline sent
(history), the deputies supervising them (督办), their urges (催办) and ratings, the per-area
time limits by type, and the findings filed to 12345 (the outbound adapter's records, in
servicekit.push_queue's columns).

The caller's name and phone live in two columns of `work_orders` only: lists, logs, metrics
and the findings never read them; the staff detail view does.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class WorkOrder(Base):
    """工单: one 12345 order, as the hotline last sent it, with its time limit."""

    __tablename__ = "work_orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_no: Mapped[str] = mapped_column(String(40), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    received_on: Mapped[date] = mapped_column(Date)  # Beijing
    channel: Mapped[str] = mapped_column(String(10))
    order_type: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(200))
    handling_unit: Mapped[str] = mapped_column(String(100))
    time_limit_days: Mapped[int] = mapped_column(Integer)
    limit_source: Mapped[str] = mapped_column(String(10))  # order / area / default
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    return_visit: Mapped[str | None] = mapped_column(String(12))
    resident_name: Mapped[str | None] = mapped_column(String(50))
    resident_phone: Mapped[str | None] = mapped_column(String(24))
    fingerprint: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    matter_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkOrderChange(Base):
    """One version of an order as received: which fields changed, and its status."""

    __tablename__ = "work_order_changes"
    __table_args__ = (UniqueConstraint("order_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))  # import / webhook
    changed: Mapped[str] = mapped_column(Text)  # JSON list of field names, never values
    status_from: Mapped[str | None] = mapped_column(String(12))
    status_to: Mapped[str] = mapped_column(String(12))
    fingerprint: Mapped[str] = mapped_column(String(64))
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkOrderSupervision(Base):
    """督办疑难工单: a deputy watching an order, and their rating once it closed."""

    __tablename__ = "work_order_supervisions"
    __table_args__ = (UniqueConstraint("order_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    rating: Mapped[str | None] = mapped_column(String(12))
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WorkOrderUrge(Base):
    """催办: who urged, when, and what they asked."""

    __tablename__ = "work_order_urges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class HotlineTimeLimit(Base):
    """An area's own time limit for one order type, in working days (inherited downwards)."""

    __tablename__ = "hotline_time_limits"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    order_type: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HotlineFinding(Base):
    """A deputy's finding filed to 12345: the exact body posted, and its delivery
    (servicekit.push_queue: pending → delivered, or dead after the last attempt)."""

    __tablename__ = "hotline_findings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    work_order_id: Mapped[str | None] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
