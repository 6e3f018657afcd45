"""Checkpoints' queries: a checkpoint, an area's year of them, what is expected of the groups
(each group of the area-year × each project assigned to it), what was filed and reminded."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .checkpoints_models import Checkpoint, CheckpointReminder, CheckpointReport
from .groups_models import Group, GroupProject
from .models import Finding, Project


def checkpoint(session: Session, checkpoint_id: str) -> Checkpoint | None:
    return session.get(Checkpoint, checkpoint_id)


def checkpoint_of(session: Session, area_code: str, year: int, stage: str) -> Checkpoint | None:
    query = select(Checkpoint).where(
        Checkpoint.area_code == area_code, Checkpoint.year == year, Checkpoint.stage == stage
    )
    return session.scalars(query).first()


def checkpoints_of(session: Session, area_code: str, year: int) -> list[Checkpoint]:
    query = select(Checkpoint).where(Checkpoint.area_code == area_code, Checkpoint.year == year)
    return list(session.scalars(query.order_by(Checkpoint.due_date)))


def open_checkpoints(session: Session, area_path: str) -> list[Checkpoint]:
    """Every checkpoint under an area (the reminder timer walks them)."""
    query = select(Checkpoint).where(Checkpoint.area_path.startswith(area_path))
    return list(session.scalars(query.order_by(Checkpoint.due_date)))


def assignments(
    session: Session, area_code: str, year: int, group_id: str | None = None
) -> list[tuple[Group, Project]]:
    """Each group of the area's year with each project assigned to it, by group then project."""
    query = (
        select(Group, Project)
        .join(GroupProject, GroupProject.group_id == Group.id)
        .join(Project, Project.id == GroupProject.project_id)
        .where(Group.area_code == area_code, Group.year == year)
    )
    if group_id is not None:
        query = query.where(Group.id == group_id)
    rows = session.execute(query.order_by(Group.name, Group.id, Project.title, Project.id))
    return [(group, project) for group, project in rows]


def is_assigned(session: Session, group_id: str, project_id: str) -> bool:
    query = select(GroupProject.group_id).where(
        GroupProject.group_id == group_id, GroupProject.project_id == project_id
    )
    return session.scalars(query).first() is not None


def reports(session: Session, checkpoint_id: str) -> list[CheckpointReport]:
    query = select(CheckpointReport).where(CheckpointReport.checkpoint_id == checkpoint_id)
    return list(session.scalars(query))


def report_of(
    session: Session, checkpoint_id: str, group_id: str, project_id: str
) -> CheckpointReport | None:
    query = select(CheckpointReport).where(
        CheckpointReport.checkpoint_id == checkpoint_id,
        CheckpointReport.group_id == group_id,
        CheckpointReport.project_id == project_id,
    )
    return session.scalars(query).first()


def reminders(session: Session, checkpoint_id: str) -> list[CheckpointReminder]:
    query = select(CheckpointReminder).where(CheckpointReminder.checkpoint_id == checkpoint_id)
    return list(session.scalars(query.order_by(CheckpointReminder.seq)))


def findings_of_reports(session: Session, report_ids: list[str]) -> list[Finding]:
    """The findings the given reports raised, in the order they were raised."""
    if not report_ids:
        return []
    query = select(Finding).where(
        Finding.source == "checkpoint", Finding.source_ref.in_(report_ids)
    )
    return list(session.scalars(query.order_by(Finding.raised_at, Finding.id)))
