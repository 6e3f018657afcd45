"""Inspections (集中督查 and the standing committee's other forms), rectification requests
(交办问题) with their rounds, and each area's limit of rounds.

An inspection's findings are rows of `findings` (source "inspection", source_ref the inspection
id). A rectification request is made once from a finding; each look-back that does not close it
opens a new round with its own request id, the id implementation keys its problem by.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Inspection(Base):
    """One inspection, special review, special inquiry or on-site review meeting."""

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_path_year", "area_path", "year"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + uuid hex
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # contracts…INSPECTION_KINDS
    cadence: Mapped[str | None] = mapped_column(String(10))  # monthly / quarterly (inspection)
    held_on: Mapped[date] = mapped_column(Date)
    group_id: Mapped[str | None] = mapped_column(String(36))  # None: the standing committee's
    title: Mapped[str] = mapped_column(String(200))
    methods: Mapped[str] = mapped_column(Text)  # JSON list
    participants: Mapped[str] = mapped_column(Text)  # JSON: officials and deputies, no residents
    questions: Mapped[str] = mapped_column(Text)  # JSON: 专题询问's questions and answers
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InspectionProject(Base):
    __tablename__ = "inspection_projects"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)


class Rectification(Base):
    """交办问题: a finding handed to the government, its current round and state."""

    __tablename__ = "rectifications"
    __table_args__ = (Index("ix_rectifications_path_year", "area_path", "year"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), unique=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[str] = mapped_column(String(36))
    group_name: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(12))  # domain.rectification.STATES
    round: Mapped[int] = mapped_column(Integer)
    max_rounds: Mapped[int] = mapped_column(Integer)  # the area's setting when requested
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RectificationRound(Base):
    """One round: requested with a due date, reported by the government, looked back."""

    __tablename__ = "rectification_rounds"
    __table_args__ = (UniqueConstraint("rectification_id", "round"),)

    request_id: Mapped[str] = mapped_column(String(40), primary_key=True)  # <id>.<round>
    rectification_id: Mapped[str] = mapped_column(ForeignKey("rectifications.id"))
    round: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    lookback_on: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    problem_id: Mapped[str | None] = mapped_column(String(34))  # implementation's, once reported
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    measure: Mapped[str | None] = mapped_column(Text)
    report_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    lookback_note: Mapped[str | None] = mapped_column(Text)
    looked_back_by: Mapped[str | None] = mapped_column(String(64))
    looked_back_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next: Mapped[str | None] = mapped_column(String(10))  # closed / reopened / escalated


class RectificationSetting(Base):
    """An area's limit of rounds before escalation; areas below inherit it."""

    __tablename__ = "rectification_settings"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    area_path: Mapped[str] = mapped_column(String(80))
    max_rounds: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
