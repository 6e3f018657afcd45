"""Petition's matter tables: the matter, who handles it (deputies, departments), every step
taken (its history, kept across levels), the reminders sent, the time-limit rule versions, and
what became of it as a proposal.

The resident's name and phone live in two columns of `matters` only: views, events and
metrics never read them, except the staff detail view.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Matter(Base):
    """事项: one resident's matter, from the code it came through to its resolution."""

    __tablename__ = "matters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(14), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer, index=True)  # received, in Beijing
    # Where the matter is; the level now handling it, and that level's area (上报 moves these).
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    origin_level: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(10))
    handling_area_code: Mapped[str] = mapped_column(String(12))
    deputy_id: Mapped[str | None] = mapped_column(String(36), index=True)  # addressed to
    station_id: Mapped[str | None] = mapped_column(String(36), index=True)
    location_text: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    attachments: Mapped[str] = mapped_column(Text, default="[]")
    resident_name: Mapped[str | None] = mapped_column(String(50))
    resident_phone: Mapped[str | None] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(10), index=True)
    tier: Mapped[str | None] = mapped_column(String(10))
    reopens: Mapped[int] = mapped_column(Integer, default=0)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    converted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_on: Mapped[date] = mapped_column(Date)
    # The running time limit: accept (or a deputy's first contact) while received, then handle.
    accept_stage: Mapped[str] = mapped_column(String(16))  # accept / first_contact
    accept_started_on: Mapped[date] = mapped_column(Date)  # received, or reported up
    accept_due: Mapped[date | None] = mapped_column(Date, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    handle_started_on: Mapped[date | None] = mapped_column(Date)
    handle_due: Mapped[date | None] = mapped_column(Date, index=True)
    due_unit: Mapped[str | None] = mapped_column(String(12))  # the running limit's unit
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    # A due date not computed yet: its year's holiday schedule is unknown (retried hourly).
    due_pending_year: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[str] = mapped_column(Text, default="[]")
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    rated_by: Mapped[str | None] = mapped_column(String(10))  # resident / deputy / phone
    entered_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatterDeputy(Base):
    """A deputy on the matter: the one it was addressed to, the one it was handed to when
    reported up, or a co-handler of a joint matter. A deputy sees exactly these matters."""

    __tablename__ = "matter_deputies"

    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10))  # addressed / handler / co
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatterDepartment(Base):
    """A department a matter was routed to (分流代办, 联合代办), with the date it owes an answer."""

    __tablename__ = "matter_departments"

    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    routed_by: Mapped[str] = mapped_column(String(64))
    routed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatterStep(Base):
    """One action on a matter, kept for good: who, when, at which level, how (督办/盯办/协办/查办),
    and what it said."""

    __tablename__ = "matter_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(10))
    method: Mapped[str | None] = mapped_column(String(12))
    details: Mapped[str] = mapped_column(Text, default="{}")
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatterReminder(Base):
    """催办 / 通报 / 通报上级 sent for one time limit of a matter: each step once."""

    __tablename__ = "matter_reminders"
    __table_args__ = (UniqueConstraint("matter_id", "stage", "due_date", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(20))
    distance: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TimeLimitVersion(Base):
    """An area's time-limit rules, version n (inherited by the areas under it)."""

    __tablename__ = "time_limit_versions"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # {"rules": [...], "max_extension", "steps"}
    reason: Mapped[str] = mapped_column(String(500))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatterProposal(Base):
    """The proposal a matter became (matter_converted_to_proposal_v1), and collection's answer
    once `proposal_screened_v1` arrives."""

    __tablename__ = "matter_proposals"

    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    converted_by: Mapped[str] = mapped_column(String(64))
    converted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    proposal_id: Mapped[str | None] = mapped_column(String(36))
    proposal_tracking_code: Mapped[str | None] = mapped_column(String(14))
    verdict: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
