"""Supervision's core tables: its copy of each project and the project's file (监督档案).

The project row is built from implementation's events (never read from its database) and
keeps what the supervisors and the public page need at hand. Every fact and every act lands in
`file_entries`, one row each, so a project's file is one indexed read in time order. Findings
are here too: inspections, checkpoint reports, public feedback and social supervisors' notes all
raise them, and rectification requests are made from them.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Project(Base):
    """A livelihood project as supervision knows it (project_created_v1 and what followed)."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # implementation's id
    public_code: Mapped[str] = mapped_column(String(11), unique=True)  # public_code_for(id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)  # subtree lists by prefix
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    proposal_id: Mapped[str] = mapped_column(String(36))
    session_id: Mapped[str] = mapped_column(String(34))
    status: Mapped[str] = mapped_column(String(16))  # contracts.implementation.PROJECT_STATUSES
    lead_department: Mapped[str | None] = mapped_column(String(100))  # suggestion, then plan
    lead_leader: Mapped[str | None] = mapped_column(String(100))
    plan_version: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[date | None] = mapped_column(Date)
    actual_percent: Mapped[str | None] = mapped_column(String(12))  # "45.0", the last report
    planned_percent: Mapped[str | None] = mapped_column(String(12))
    standing: Mapped[str | None] = mapped_column(String(10))
    as_of: Mapped[date | None] = mapped_column(Date)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # 挂牌督办
    budget_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    disbursed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_problems: Mapped[int] = mapped_column(Integer, default=0)  # distinct problems
    completed_on: Mapped[date | None] = mapped_column(Date)
    same_year: Mapped[bool | None] = mapped_column(Boolean)  # counts in its year's completion
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FileEntry(Base):
    """One line of a project's file: a government fact (an event) or a supervisors' act."""

    __tablename__ = "file_entries"
    __table_args__ = (Index("ix_file_entries_project_at", "project_id", "at", "seq"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())  # when it happened
    side: Mapped[str] = mapped_column(String(12))  # government / supervision / public
    kind: Mapped[str] = mapped_column(String(40))  # contracts.supervision_groups.FILE_KINDS
    summary: Mapped[str] = mapped_column(String(500))  # one line, Chinese, for the page
    actor: Mapped[str | None] = mapped_column(String(100))  # a unit or a group; never a resident
    ref: Mapped[str | None] = mapped_column(String(64))  # the report, finding, request … id
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, the facts behind the line


class Finding(Base):
    """发现的问题: raised by an inspection, a checkpoint report, public feedback or a social
    supervisor's observation; a rectification request is made from it."""

    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    year: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[str | None] = mapped_column(String(36))  # None: not yet taken by a group
    source: Mapped[str] = mapped_column(String(20))  # inspection/checkpoint/feedback/observation
    source_ref: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(2000))
    photos: Mapped[str] = mapped_column(Text, default="[]")  # attachment metadata, JSON
    state: Mapped[str] = mapped_column(String(16))  # open / requested / closed / escalated
    raised_by: Mapped[str] = mapped_column(String(64))  # the staff account (subject)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
