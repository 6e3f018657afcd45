"""Scheduling reports (调度报告): progress per milestone against the plan's time line.

A report names the milestones it moved; the others keep their last share, and one never
reported counts as 0. Each report is judged against 序时进度 at its `as_of` with the area's
tolerance; lagging in the last N reports (by `as_of`) puts the project under flagged
supervision (挂牌督办) once, with project_flagged_v1.
"""

import uuid
from datetime import datetime
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from contracts import implementation as contract
from contracts.events import PROGRESS_REPORTED, PROJECT_FLAGGED
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy import Row
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import projects as db
from ..db.models import Project
from ..domain.cadence import parse_period
from ..domain.plan import PlanError
from ..domain.progress import (
    LAGGING,
    actual_progress,
    classify,
    lagging_streak,
    percent,
    planned_progress,
    streak_flags,
)
from ..metrics import PROJECTS_FLAGGED, REPORTS
from . import fund_warnings, settings, views
from .common import dumps, loads, require_on
from .plans import milestones_in


def create_report(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    found = db.for_report(session, str(project_id), data["cadence"], data["period"])
    require_on(session, guard, found, roles.WRITE, found.plan_body if found else None)
    scope = idempotency.scope_of("report", guard.principal)
    request = idempotency.Request(key, {"project_id": found.id, **data})
    staged: list[Any] = []

    def stage() -> dict[str, Any]:
        report, project = _stage_report(session, outbox, guard, found, data, now)
        # the spend ratio is judged against the progress just reported
        raised = fund_warnings.evaluate_projects(session, [project], now, views.today())[0]
        staged.extend((project, report, raised))
        return dump(contract.ReportOut, views.report(report))

    def counted() -> None:
        _count(*staged[:2])
        fund_warnings.count_raised(staged[2])

    return idempotency.create_once(session, scope, request, stage, then=counted)


def _check(found: Row[Any], data: dict[str, Any], keys: set[str]) -> None:
    try:
        parse_period(data["cadence"], data["period"])
    except PlanError as exc:
        raise errors.invalid(exc.message, "period") from exc
    if data["as_of"] > views.today():
        raise errors.invalid("进度日期不能晚于今天 (as_of is in the future)", "as_of")
    for n, share in enumerate(data["milestones"]):
        if share["key"] not in keys:
            raise errors.invalid(
                "方案中没有该里程碑 (no such milestone in the plan)", f"milestones.{n}.key"
            )
        if Fraction(share["done"]) > 1:
            raise errors.invalid(
                "完成比例不能超过 1 (a share is at most 1)", f"milestones.{n}.done"
            )
    if found.status in ("completed",):
        raise errors.conflict("项目已验收，不再报送进度 (the project is accepted)")
    if found.period_taken:
        raise errors.conflict(
            "该项目本期已报送，如需更正请在下一期报送 (this period is already reported)",
            {"cadence": data["cadence"], "period": data["period"]},
        )


def _stage_report(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    found: Row[Any],
    data: dict[str, Any],
    now: datetime,
) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Write the report and move the project: (the report, the project as it now stands), as
    plain values: the rows are written by built statements (db.projects)."""
    if not found.plan_version or found.plan_body is None:
        raise errors.no_plan()
    milestones = milestones_in(found.plan_body)
    _check(found, data, {m.key for m in milestones})
    said = {s["key"]: str(Fraction(s["done"])) for s in data["milestones"]}
    shares = {**loads(found.shares), **said}
    actual = actual_progress(milestones, {k: Fraction(v) for k, v in shares.items()})
    planned = planned_progress(milestones, data["as_of"])
    tolerance, flag_after = settings.judgement(session, found.area_path)
    report = SimpleNamespace(  # the row as written (ORM objects cost more than the insert)
        id=str(uuid.uuid4()),
        project_id=found.id,
        cadence=data["cadence"],
        period=data["period"],
        as_of=data["as_of"],
        plan_version=found.plan_version,
        shares=dumps(said),
        actual=str(actual),
        planned=str(planned),
        standing=classify(actual, planned, tolerance),
        flagged_now=False,
        narrative=data["narrative"],
        problems_met=dumps(data["problems_met"]),
        attachments=dumps(data["attachments"]),
        reported_by=guard.principal.user_id or "",
        reported_at=now,
    )
    changes: dict[str, Any] = {}
    latest = found.as_of is None or data["as_of"] >= found.as_of
    if latest:  # the latest word is the project's
        changes.update(shares=dumps(shares), actual=str(actual), planned=str(planned))
        changes.update(standing=report.standing, as_of=data["as_of"])
    if found.status in ("created", "planned"):
        changes["status"] = "in_progress"
    project = SimpleNamespace(**{**_columns(found), **changes})  # the project as it now stands
    _judge_streak(session, outbox, project, report, latest, found.lagging_streak, now, flag_after)
    db.add_report(session, vars(report))
    changes.update(lagging_streak=project.lagging_streak, flagged_at=project.flagged_at)
    db.set_reported(session, found.id, changes)
    outbox.add(
        session,
        PROGRESS_REPORTED,
        _event(project, report),
        area_code=project.area_code,
        level=project.level,
    )
    return report, project


def _columns(found: Row[Any]) -> dict[str, Any]:
    """The project's columns of a row read with more than them."""
    return {c.name: found._mapping[c.name] for c in Project.__table__.columns}


def _judge_streak(
    session: Session,
    outbox: OutboxWriter,
    row: SimpleNamespace,
    report: SimpleNamespace,
    latest: bool,
    streak_before: int,
    now: datetime,
    needed: int,
) -> None:
    """Lagging reports in a row, newest first. A report that is the project's latest extends
    or ends the stored streak; one dated earlier is judged on the stored standings."""
    if latest:
        row.lagging_streak = streak_before + 1 if report.standing == LAGGING else 0
    else:
        stored = db.recent_judgements(session, row.id, limit=100)
        order = sorted([*stored, report], key=lambda r: (r.as_of, r.reported_at), reverse=True)
        row.lagging_streak = lagging_streak([r.standing for r in order])
    if row.flagged_at is None and streak_flags(row.lagging_streak, needed):
        row.flagged_at = now
        report.flagged_now = True
        outbox.add(
            session,
            PROJECT_FLAGGED,
            {
                "project_id": row.id,
                "area_code": row.area_code,
                "level": row.level,
                "year": row.year,
                "title": row.title,
                "consecutive_lagging": row.lagging_streak,
                "actual_percent": percent(Fraction(row.actual)),
                "planned_percent": percent(Fraction(row.planned or "0")),
                "flagged_at": now,
            },
            area_code=row.area_code,
            level=row.level,
        )


def _count(row: SimpleNamespace, report: SimpleNamespace) -> None:
    REPORTS.inc(row.level, cadence=report.cadence, standing=report.standing)
    if report.flagged_now:
        PROJECTS_FLAGGED.inc(row.level)


def _event(row: SimpleNamespace, report: SimpleNamespace) -> dict[str, Any]:
    return {
        "project_id": row.id,
        "proposal_id": row.proposal_id,
        "report_id": report.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "cadence": report.cadence,
        "period": report.period,
        "as_of": report.as_of,
        "actual_percent": percent(Fraction(report.actual)),
        "planned_percent": percent(Fraction(report.planned)),
        "standing": report.standing,
        "reported_at": report.reported_at,
    }
