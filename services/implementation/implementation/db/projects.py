"""Queries of projects, plans and reports."""

from collections.abc import Sequence
from typing import Any

from servicekit.db import write_first
from sqlalchemy import Row, and_, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from .models import AreaSetting, PlanVersion, Project, Report

# A scheduling report is the service's most frequent write (~27,000 a city-year): its
# statements are built once with bound parameters, and rows travel as Core rows, because the
# ORM's per-call statement building, loading and unit of work cost several times what SQLite does.
_P, _V, _R = Project.__table__, PlanVersion.__table__, Report.__table__
_PERIOD_TAKEN = exists().where(
    _R.c.project_id == _P.c.id,
    _R.c.cadence == bindparam("cadence"),
    _R.c.period == bindparam("period"),
)
_FOR_REPORT = (
    select(_P, _V.c.body.label("plan_body"), _PERIOD_TAKEN.label("period_taken"))
    .outerjoin(_V, and_(_V.c.project_id == _P.c.id, _V.c.version == _P.c.plan_version))
    .where(_P.c.id == bindparam("project_id"))
)
# PostgreSQL locks apart from the read: a read that waited on FOR UPDATE would see the project
# as committed meanwhile but its plan and reports as of before (READ COMMITTED re-checks only
# the locked row), so the read comes after the lock, on a fresh snapshot.
_LOCK = select(_P.c.id).where(_P.c.id == bindparam("project_id")).with_for_update()
_JUDGEMENTS = (
    select(_R.c.as_of, _R.c.reported_at, _R.c.standing)
    .where(_R.c.project_id == bindparam("project_id"))
    .order_by(_R.c.as_of.desc(), _R.c.reported_at.desc())
    .limit(bindparam("limit"))
)
_ADD_REPORT = insert(_R)
_REPORTED = update(_P).where(_P.c.id == bindparam("project_id"))  # SET what the call names
_S = AreaSetting.__table__
_JUDGED_BY = select(_S.c.area_code, _S.c.tolerance_points, _S.c.flag_after_lagging).where(
    _S.c.area_code.in_(bindparam("area_codes", expanding=True))
)
_SETTINGS = select(AreaSetting).where(
    AreaSetting.area_code.in_(bindparam("area_codes", expanding=True))
)


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


def recent_judgements(session: Session, project_id: str, limit: int) -> Sequence[Row[Any]]:
    """(as_of, reported_at, standing) of the project's latest reports, newest first."""
    return session.execute(_JUDGEMENTS, {"project_id": project_id, "limit": limit}).all()


def for_report(session: Session, project_id: str, cadence: str, period: str) -> Row[Any] | None:
    """The project locked for a report (as `project(lock=True)`), with its current plan's body
    (`plan_body`, None before a plan) and whether the period is reported (`period_taken`): one
    read where a report used to make three."""
    if session.get_bind().dialect.name == "sqlite":
        write_first(session, _P.c.id, project_id, _P.c.status)
    else:
        session.execute(_LOCK, {"project_id": project_id})
    params = {"project_id": project_id, "cadence": cadence, "period": period}
    return session.execute(_FOR_REPORT, params).first()


def add_report(session: Session, values: dict[str, Any]) -> None:
    session.execute(_ADD_REPORT, [values])


def set_reported(session: Session, project_id: str, changes: dict[str, Any]) -> None:
    """The project's columns a report moves (`changes`: column -> value)."""
    if changes:
        session.execute(_REPORTED, {"project_id": project_id, **changes})


def report_for_period(
    session: Session, project_id: str, cadence: str, period: str
) -> Report | None:
    return session.scalars(
        select(Report).where(
            Report.project_id == project_id, Report.cadence == cadence, Report.period == period
        )
    ).first()


def area_settings(session: Session, area_codes: Sequence[str]) -> Sequence[AreaSetting]:
    return session.scalars(_SETTINGS, {"area_codes": list(area_codes)}).all()


def judgements(session: Session, area_codes: Sequence[str]) -> list[tuple[str, tuple[int, int]]]:
    """(area code, (tolerance points, lagging reports before a flag)) of those that set them."""
    rows = session.execute(_JUDGED_BY, {"area_codes": list(area_codes)})
    return [(code, (tolerance, flag_after)) for code, tolerance, flag_after in rows]


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
