"""Public supervision's tables: feedback through a project's code (码上监督) with its
moderation, social supervisors (社会监督员), the projects assigned to them, their observations.

A resident's name and phone sit in their own two columns of the feedback row, read only by the
staff view (as petition keeps a matter's resident): the public view is built field by field and
never selects them, and no event, metric or file line carries them.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Feedback(Base):
    """One feedback on a project: pending until congress staff publish or hide it."""

    __tablename__ = "public_feedback"
    __table_args__ = (
        Index("ix_public_feedback_project_state", "project_id", "state"),
        Index("ix_public_feedback_area_path_year", "area_path", "year"),
    )

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + hex
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    photos: Mapped[str] = mapped_column(Text, default="[]")  # attachment metadata, JSON
    anonymous: Mapped[bool] = mapped_column(Boolean)
    resident_name: Mapped[str | None] = mapped_column(String(50))  # staff view only
    resident_phone: Mapped[str | None] = mapped_column(String(24))  # staff view only
    state: Mapped[str] = mapped_column(String(10))  # pending / published / hidden
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    moderated_by: Mapped[str | None] = mapped_column(String(64))
    moderated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finding_id: Mapped[str | None] = mapped_column(String(36))


class FeedbackModeration(Base):
    """Every publish and hide of a feedback: who, when, why."""

    __tablename__ = "public_feedback_moderation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feedback_id: Mapped[str] = mapped_column(ForeignKey("public_feedback.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class SocialSupervisor(Base):
    """社会监督员: a resident with a `supervisor` login (its user id: `subject`) in an area."""

    __tablename__ = "social_supervisors"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + hex
    subject: Mapped[str] = mapped_column(String(64), unique=True)  # the account's user id
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(24))  # staff view only
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupervisorProject(Base):
    """A project assigned to a social supervisor: the only ones they may observe."""

    __tablename__ = "social_supervisor_projects"
    __table_args__ = (UniqueConstraint("supervisor_id", "project_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supervisor_id: Mapped[str] = mapped_column(ForeignKey("social_supervisors.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)


class Observation(Base):
    """A social supervisor's note on an assigned project (a line of its file, too)."""

    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_area_path_project", "area_path", "project_id"),)

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + hex
    supervisor_id: Mapped[str] = mapped_column(ForeignKey("social_supervisors.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    photos: Mapped[str] = mapped_column(Text, default="[]")
    observed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finding_id: Mapped[str | None] = mapped_column(String(36))
