"""STAND-IN for the `groups` helper's tables (issue 14): the interface inspections is written
against, nothing more. DROP THIS FILE AT MERGE and keep the groups part's own module."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Group(Base):
    __tablename__ = "supervision_groups"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # T-<32 hex>
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))


class GroupMember(Base):
    __tablename__ = "supervision_group_members"

    group_id: Mapped[str] = mapped_column(ForeignKey("supervision_groups.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(10))  # leader / office / deputy
    specialty: Mapped[str | None] = mapped_column(String(50))


class GroupProject(Base):
    __tablename__ = "supervision_group_projects"

    group_id: Mapped[str] = mapped_column(ForeignKey("supervision_groups.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
