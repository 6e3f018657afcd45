"""Evaluation's tables: indicator frameworks and their versions, evaluations (绩效评价 and
预评估), satisfaction votes (满意度测评) and their per-project results.

A framework's versions are kept forever: an evaluation names the version it was scored against,
and that version's tree is what its report prints. Exact values are stored as "p/q" text (the
total) or decimal text (weights, scores), never as floats.
"""

from datetime import datetime

from servicekit.db import UtcDateTime
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class EvaluationFramework(Base):
    __tablename__ = "evaluation_frameworks"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # T-<hex>: its level
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(10))  # project / fund
    latest_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FrameworkVersion(Base):
    __tablename__ = "evaluation_framework_versions"

    framework_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_frameworks.id"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    weight_unit: Mapped[str] = mapped_column(String(10))
    indicators: Mapped[str] = mapped_column(Text)  # JSON tree, weights as decimal text
    grade_bands: Mapped[str] = mapped_column(Text)  # JSON [{"grade", "min"}], highest first
    editable_default: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(500))  # None for version 1
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Evaluation(Base):
    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_path_year", "area_path", "year", "kind"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # evaluation / pre_evaluation
    framework_id: Mapped[str] = mapped_column(ForeignKey("evaluation_frameworks.id"))
    framework_version: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id"), index=True)
    fund: Mapped[str | None] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    scores: Mapped[str] = mapped_column(Text)  # JSON {leaf key: decimal text}
    total_exact: Mapped[str] = mapped_column(String(80))  # "175/2"
    total: Mapped[str] = mapped_column(String(10))  # "87.5", one decimal half up
    grade: Mapped[str] = mapped_column(String(10))
    remarks: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[str] = mapped_column(Text, default="[]")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SatisfactionVote(Base):
    __tablename__ = "satisfaction_votes"
    __table_args__ = (Index("ix_satisfaction_votes_path_year", "area_path", "year"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # the request id
    session_id: Mapped[str] = mapped_column(String(34), unique=True)  # voting's, derived
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10))  # requested / completed / void
    rule: Mapped[str] = mapped_column(String(200))  # JSON {"satisfied_above": "1/2", …}
    projects: Mapped[str] = mapped_column(Text)  # JSON, each with its latest pre-evaluation
    ballots: Mapped[str | None] = mapped_column(String(200))  # JSON, from voting
    digest: Mapped[str | None] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SatisfactionResult(Base):
    __tablename__ = "satisfaction_results"

    vote_id: Mapped[str] = mapped_column(ForeignKey("satisfaction_votes.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(34), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    area_path: Mapped[str] = mapped_column(String(80), index=True)  # the vote's, for reports
    year: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basically: Mapped[int] = mapped_column(Integer)
    dissatisfied: Mapped[int] = mapped_column(Integer)
    abstain: Mapped[int] = mapped_column(Integer)
    voting: Mapped[int] = mapped_column(Integer)  # the vote's valid ballots
    grade: Mapped[str | None] = mapped_column(String(10))  # None: no valid ballot
    finding_id: Mapped[str | None] = mapped_column(String(36))  # raised when 不满意
