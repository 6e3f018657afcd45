"""Checkpoints' tables: the three stages of an area's year (年初 · 年中 · 年底), the groups'
reports for each of their projects, and the reminders sent for a missing one.

One report per checkpoint × group × project (unique), one reminder per step (unique), so a
retried filing is a conflict and a timer that runs twice sends nothing twice.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Checkpoint(Base):
    """One stage of an area's year: its due date and the questions every report answers."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("area_code", "year", "stage"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # "T-<32 hex>"
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(10))  # opening / midyear / yearend
    due_date: Mapped[date] = mapped_column(Date)
    questions: Mapped[str] = mapped_column(Text)  # JSON list of the questions, in order
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CheckpointReport(Base):
    """A group's report on one of its projects at a checkpoint (its findings are Findings with
    source "checkpoint" and this id as source_ref)."""

    __tablename__ = "checkpoint_reports"
    __table_args__ = (UniqueConstraint("checkpoint_id", "group_id", "project_id"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)
    checkpoint_id: Mapped[str] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    group_id: Mapped[str] = mapped_column(String(34))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    verdict: Mapped[str] = mapped_column(String(8))  # good / fair / poor
    answers: Mapped[str] = mapped_column(Text)  # JSON [{question, answer}], template order
    snapshot: Mapped[str] = mapped_column(Text)  # JSON: the project's figures when filed
    finding_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    filed_by: Mapped[str] = mapped_column(String(64))  # the account (subject)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CheckpointReminder(Base):
    """催办 of a missing report: one row per step reached (温馨提示 → 限期督促 → 专报通报)."""

    __tablename__ = "checkpoint_reminders"
    __table_args__ = (UniqueConstraint("checkpoint_id", "group_id", "project_id", "step"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    checkpoint_id: Mapped[str] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    group_id: Mapped[str] = mapped_column(String(34))
    project_id: Mapped[str] = mapped_column(String(34))
    step: Mapped[str] = mapped_column(String(20))
    overdue_working_days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
