"""Queries of projects, plans and reports."""

from collections.abc import Sequence

from servicekit.db import write_first
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import AreaSetting, PlanVersion, Project, Report


def project(session: Session, project_id: str, lock: bool = False) -> Project | None:
    """`lock`: the row is this transaction's until it ends (FOR UPDATE, or SQLite's write lock
    taken first), so a check and the write it guards see no concurrent change in between."""
    query = select(Project).where(Project.id == project_id)
    if not lock:
        return session.scalars(query).first()
    table = Project.__table__
    write_first(session, table.c.id, project_id, table.c.status)
    return session.scalars(query.with_for_update()).first()


def projects_page(
    session: Session, area_path: str, filters: dict, page: int, size: int
) -> tuple[Sequence[Project], int]:
    query = select(Project).where(Project.area_path.startswith(area_path, autoescape=True))
    for column in ("year", "status", "standing"):
        if filters.get(column) is not None:
            query = query.where(getattr(Project, column) == filters[column])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Project.area_code, Project.created_at, Project.id)
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return rows, int(total)


def plan_version(session: Session, project_id: str, version: int) -> PlanVersion | None:
    return session.get(PlanVersion, (project_id, version))


def plan_versions(session: Session, project_id: str) -> Sequence[PlanVersion]:
    return session.scalars(
        select(PlanVersion)
        .where(PlanVersion.project_id == project_id)
        .order_by(PlanVersion.version)
    ).all()


def recent_reports(session: Session, project_id: str, limit: int = 5) -> Sequence[Report]:
    return session.scalars(
        select(Report)
        .where(Report.project_id == project_id)
        .order_by(Report.as_of.desc(), Report.reported_at.desc())
        .limit(limit)
    ).all()


def recent_standings(session: Session, project_id: str, limit: int) -> Sequence[str]:
    """The standings of the project's latest reports, newest first (only that column: a
    report's streak is judged on every report, over up to `limit` of them)."""
    return session.scalars(
        select(Report.standing)
        .where(Report.project_id == project_id)
        .order_by(Report.as_of.desc(), Report.reported_at.desc())
        .limit(limit)
    ).all()


def report_for_period(
    session: Session, project_id: str, cadence: str, period: str
) -> Report | None:
    return session.scalars(
        select(Report).where(
            Report.project_id == project_id, Report.cadence == cadence, Report.period == period
        )
    ).first()


def area_settings(session: Session, area_codes: Sequence[str]) -> Sequence[AreaSetting]:
    return session.scalars(select(AreaSetting).where(AreaSetting.area_code.in_(area_codes))).all()


REPORTING = ("planned", "in_progress", "carried_over")


def reporting_projects(session: Session, area_path: str) -> Sequence[Project]:
    """Projects that owe scheduling reports: planned and not yet accepted."""
    return session.scalars(
        select(Project).where(
            Project.area_path.startswith(area_path, autoescape=True),
            Project.status.in_(REPORTING),
            Project.plan_version > 0,
        )
    ).all()


def reported_periods(session: Session, project_id: str) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Report.cadence, Report.period).where(Report.project_id == project_id)
    )
    return {(cadence, period) for cadence, period in rows}


def projects_of_year(session: Session, area_path: str, year: int) -> Sequence[Project]:
    return session.scalars(
        select(Project)
        .where(Project.area_path.startswith(area_path, autoescape=True), Project.year == year)
        .order_by(Project.area_code, Project.id)
    ).all()


def reports_of(session: Session, project_ids: Sequence[str]) -> Sequence[Report]:
    return session.scalars(
        select(Report)
        .where(Report.project_id.in_(project_ids))
        .order_by(Report.project_id, Report.as_of, Report.cadence)
    ).all()
