"""Supervision groups (监督小组) and their assignments, and what the file needs besides the
core tables: the facts that arrived before their project, and the clock of each project's
latest facts (so a late delivery never moves a project backwards).

A group belongs to an area and a year; its members are accounts (the gateway principal's user
id) with a role in the group; its projects come from the group's area subtree and year. A
project may have several groups, a group several projects.
"""

from datetime import datetime

from servicekit.db import UtcDateTime
from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Group(Base):
    __tablename__ = "supervision_groups"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # "T-<32 hex>"
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(ForeignKey("supervision_groups.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the staff listed them in
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10))  # leader / office / deputy
    specialty: Mapped[str | None] = mapped_column(String(50))


class GroupProject(Base):
    __tablename__ = "group_projects"

    group_id: Mapped[str] = mapped_column(ForeignKey("supervision_groups.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True, index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PendingFact(Base):
    """An implementation event whose project supervision does not know yet (its
    project_created_v1 still on its way): kept, and applied when the project's file opens."""

    __tablename__ = "pending_facts"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    project_id: Mapped[str] = mapped_column(String(34), index=True)
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)  # JSON, as the contract dumps it
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FactClock(Base):
    """The latest fact of one kind applied to a project's figures: `mark` orders them (a
    progress report's as_of and reported_at, a money flow's recorded_at)."""

    __tablename__ = "fact_clocks"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    mark: Mapped[str] = mapped_column(String(100))  # ISO strings compare in time order
