"""当年完成率 per area and year — completed by 31 December of its year over the year's projects,
carried-over ones counted as not completed — with the forecast the lagging list implies, and
the same figures as Excel or CSV with Chinese headers."""

import base64
from collections import Counter
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from contracts.reports import CONTENT_TYPES, ExportFile
from servicekit import areas
from servicekit import tables as exports
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import roles
from ..db import problems as problem_db
from ..db import projects as db
from ..db.models import Project
from ..domain.completion import TARGET, ProjectOutcome, completion_rate, forecast, meets_target
from ..domain.progress import percent
from ..metrics import COMPLETION_RATE, PROBLEMS_OVERDUE, PROJECTS_BY_STATUS, PROJECTS_LAGGING
from . import export_tables
from .acceptance import same_year
from .common import area, fraction
from .views import today


def _outcome(row: Project) -> ProjectOutcome:
    return ProjectOutcome(
        row.id, row.year, row.completed_on, row.carried_over_to is not None, row.standing
    )


def _listed(row: Project) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "title": row.title,
        "actual_percent": percent(fraction(row.actual)),
        "planned_percent": percent(fraction(row.planned)) if row.planned else None,
        "lead_department": row.lead_department or row.suggested_department,
        "flagged": row.flagged_at is not None,
        "carried_to": row.carried_over_to,
        "reason": row.carry_reason,
    }


def _rate(rate: Fraction | None) -> str | None:
    return None if rate is None else percent(rate)


def _areas(place: areas.Area, rows: list[Project], year: int) -> list[dict[str, Any]]:
    children = areas.load().children(place.code) or [place]
    shown = []
    for child in children:
        mine = [r for r in rows if r.area_path.startswith(child.path)]
        done = sum(1 for r in mine if same_year(r))
        rate = completion_rate([_outcome(r) for r in mine], year)
        shown.append(
            {
                "area_code": child.code,
                "name": child.name,
                "projects": len(mine),
                "completed": done,
                "rate_percent": _rate(rate),
            }
        )
    return shown


def report(session: Session, place: areas.Area, year: int, now: datetime) -> dict[str, Any]:
    rows = list(db.projects_of_year(session, place.path, year))
    outcomes = [_outcome(r) for r in rows]
    rate = completion_rate(outcomes, year)
    return {
        "area_code": place.code,
        "year": year,
        "projects": len(rows),
        "completed": sum(1 for r in rows if same_year(r)),
        "completion_rate": None if rate is None else str(rate),
        "completion_percent": _rate(rate),
        "target_percent": percent(TARGET),
        "meets_target": None if rate is None else meets_target(rate),
        "forecast_percent": _rate(forecast(outcomes, year)),
        "by_status": dict(Counter(r.status for r in rows)),
        "by_standing": dict(Counter(r.standing for r in rows if r.standing)),
        "overdue_problems": problem_db.overdue_count(session, place.path, year, today()),
        "lagging": [
            _listed(r) for r in rows if r.standing == "lagging" and r.status != "completed"
        ],
        "carried_over": [_listed(r) for r in rows if r.carried_over_to is not None],
        "areas": _areas(place, rows, year),
        "generated_at": now,
    }


def get_report(
    session: Session, guard: Guard, query: dict[str, Any], now: datetime
) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = area(query["area_code"])
    return dump(contract.ImplementationReport, report(session, place, query["year"], now))


def get_public_board(session: Session, query: dict[str, Any], now: datetime) -> dict[str, Any]:
    """进度公示: anyone may read an area's year — the report's completion figures and every
    project's progress against plan (no staff names, no report texts, no problems)."""
    place = area(query["area_code"])
    figures = report(session, place, query["year"], now)
    rows = sorted(
        db.projects_of_year(session, place.path, query["year"]),
        key=lambda r: (r.area_code, r.title),
    )
    keep = ("area_code", "year", "projects", "completed", "completion_percent", "target_percent")
    return dump(
        contract.PublicBoard,
        {
            **{k: figures[k] for k in (*keep, "by_standing", "areas")},
            "area_name": place.name,
            "items": [_board_row(r) for r in rows],
        },
    )


def _board_row(row: Project) -> dict[str, Any]:
    listed = _listed(row)
    return {
        **{k: listed[k] for k in ("id", "area_code", "title", "actual_percent", "flagged")},
        **{k: listed[k] for k in ("planned_percent", "lead_department")},
        "category": row.category,
        "status": row.status,
        "status_name": contract.PROJECT_STATUS_NAMES[row.status],
        "standing": row.standing,
        "deadline": row.deadline,
    }


def export_report(
    session: Session, guard: Guard, query: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """One table as CSV, or as a sheet of an Excel workbook."""
    guard.require(roles.READ, query["area_code"])
    place, year, table, fmt = (
        area(query["area_code"]),
        query["year"],
        query["table"],
        query["format"],
    )
    rows = list(db.projects_of_year(session, place.path, year))
    shaped = export_tables.table(session, table, rows, place, year)
    content = exports.to_csv(shaped) if fmt == "csv" else exports.to_xlsx([shaped])
    title = contract.EXPORT_TABLE_TITLES[table]
    return dump(
        ExportFile,
        {
            "file_name": f"民生实事实施_{place.name}_{year}_{title}.{fmt}",
            "ascii_file_name": f"implementation-{place.code}-{year}-{table}.{fmt}",
            "content_type": CONTENT_TYPES[fmt],
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )


def refresh_gauges(session: Session, level: str, year: int | None = None) -> None:
    """The year's gauges (the current year's by default) for this worker's level (every
    level's projects for "all"; the gauges of an "all" worker are labelled "all")."""
    year = year or today().year
    rows = [r for r in db.projects_of_year(session, "/", year) if level in ("all", r.level)]
    statuses = Counter(r.status for r in rows)
    for status in contract.PROJECT_STATUSES:
        PROJECTS_BY_STATUS.set(level, statuses.get(status, 0), status=status)
    lagging = sum(1 for r in rows if r.standing == "lagging" and r.status != "completed")
    PROJECTS_LAGGING.set(level, lagging)
    overdue = sum(
        1
        for problem in problem_db.problems_of(session, "/", year)
        if level in ("all", problem.level)
        and problem.state in problem_db.OPEN_STATES
        and problem.due_date < today()
    )
    PROBLEMS_OVERDUE.set(level, overdue)
    rate = completion_rate([_outcome(r) for r in rows], year)
    COMPLETION_RATE.set(level, float(rate) if rate is not None else 0.0)
