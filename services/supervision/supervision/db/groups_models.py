"""STAND-IN for the groups part (i14-groups owns this file): drop this version at merge and keep
the groups helper's. The three tables the checkpoints part relies on, with the columns of
i14-groups (7c4a857), so the checkpoints' tests seed them the same before and after."""

from datetime import datetime

from servicekit.db import UtcDateTime
from sqlalchemy import ForeignKey, Integer, String
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
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10))  # leader / office / deputy
    specialty: Mapped[str | None] = mapped_column(String(50))


class GroupProject(Base):
    __tablename__ = "group_projects"

    group_id: Mapped[str] = mapped_column(ForeignKey("supervision_groups.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True, index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
