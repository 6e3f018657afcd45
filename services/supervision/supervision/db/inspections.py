"""Queries of inspections, findings and rectification requests: pages of an area's subtree
(by ancestor path), one record with its parts, the round a request id names."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .findings import TOLD_SOURCES
from .inspections_models import (
    Inspection,
    InspectionProject,
    Rectification,
    RectificationRound,
    RectificationSetting,
)
from .models import Finding, Project


def page(session: Session, query: Select[Any], number: int, size: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.limit(size).offset((number - 1) * size)))
    return rows, int(total or 0)


def inspections(path: str, year: int | None, kind: str | None) -> Select[Any]:
    query = select(Inspection).where(Inspection.area_path.startswith(path))
    if year is not None:
        query = query.where(Inspection.year == year)
    if kind is not None:
        query = query.where(Inspection.kind == kind)
    return query.order_by(Inspection.held_on.desc(), Inspection.id)


def project_ids(session: Session, inspection_id: str) -> list[str]:
    query = select(InspectionProject.project_id).where(
        InspectionProject.inspection_id == inspection_id
    )
    return list(session.scalars(query.order_by(InspectionProject.project_id)))


def findings_of(session: Session, source: str, source_ref: str) -> list[Finding]:
    query = select(Finding).where(Finding.source == source, Finding.source_ref == source_ref)
    return list(session.scalars(query.order_by(Finding.raised_at, Finding.id)))


def findings(query: dict[str, Any], path: str, handed_only: bool, unit: str | None) -> Select[Any]:
    """An area's findings; `handed_only`: those handed to the government (not open, or
    addressed to it from the start: findings.TOLD_SOURCES); `unit`: only projects that unit
    leads (department staff)."""
    rows = select(Finding).where(Finding.area_path.startswith(path))
    for column, value in ((Finding.year, query["year"]), (Finding.state, query["state"])):
        if value is not None:
            rows = rows.where(column == value)
    if query["project_id"] is not None:
        rows = rows.where(Finding.project_id == query["project_id"])
    if handed_only:
        rows = rows.where((Finding.state != "open") | Finding.source.in_(TOLD_SOURCES))
    if unit is not None:
        rows = rows.join(Project, Project.id == Finding.project_id)
        rows = rows.where(Project.lead_department == unit)
    return rows.order_by(Finding.raised_at.desc(), Finding.id)


def rectifications(
    path: str, year: int | None, state: str | None, unit: str | None = None
) -> Select[Any]:
    """An area's requests; `unit`: only on projects that unit leads (department staff)."""
    query = select(Rectification).where(Rectification.area_path.startswith(path))
    if unit is not None:
        query = query.join(Project, Project.id == Rectification.project_id)
        query = query.where(Project.lead_department == unit)
    if year is not None:
        query = query.where(Rectification.year == year)
    if state is not None:
        query = query.where(Rectification.state == state)
    return query.order_by(Rectification.requested_at.desc(), Rectification.id)


def rectification(session: Session, rectification_id: str, lock: bool = False) -> Any:
    query = select(Rectification).where(Rectification.id == rectification_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def rectification_of_finding(session: Session, finding_id: str) -> Rectification | None:
    query = select(Rectification).where(Rectification.finding_id == finding_id)
    return session.scalars(query).first()


def rounds(session: Session, rectification_id: str) -> list[RectificationRound]:
    query = select(RectificationRound).where(
        RectificationRound.rectification_id == rectification_id
    )
    return list(session.scalars(query.order_by(RectificationRound.round)))


def round_of(session: Session, request_id: str) -> RectificationRound | None:
    return session.get(RectificationRound, request_id)


def max_rounds(session: Session, path: str) -> int | None:
    """The setting of the nearest area on `path` (the area itself, then up the tree)."""
    codes = [code for code in path.strip("/").split("/") if code]
    query = select(RectificationSetting).where(RectificationSetting.area_code.in_(codes))
    found = {row.area_code: row.max_rounds for row in session.scalars(query)}
    return next((found[code] for code in reversed(codes) if code in found), None)


def setting(session: Session, area_code: str) -> RectificationSetting | None:
    return session.get(RectificationSetting, area_code)
