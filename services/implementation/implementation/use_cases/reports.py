"""Scheduling reports (调度报告): progress per milestone against the plan's time line.

A report names the milestones it moved; the others keep their last share, and one never
reported counts as 0. Each report is judged against 序时进度 at its `as_of` with the area's
tolerance; lagging in the last N reports (by `as_of`) puts the project under flagged
supervision (挂牌督办) once, with project_flagged_v1.
"""

import uuid
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from contracts.events import PROGRESS_REPORTED, PROJECT_FLAGGED
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import projects as db
from ..db.models import Project, Report
from ..domain.cadence import parse_period
from ..domain.plan import PlanError
from ..domain.progress import (
    LAGGING,
    actual_progress,
    classify,
    percent,
    planned_progress,
    should_flag,
)
from ..metrics import PROJECTS_FLAGGED, REPORTS
from . import fund_warnings, settings, views
from .common import dumps, load_project, loads
from .plans import milestones_of


def create_report(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    project_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    row = load_project(session, guard, project_id, roles.WRITE, lock=True)
    scope = idempotency.scope_of("report", guard.principal)
    request = idempotency.Request(key, {"project_id": row.id, **data})
    staged: list[Any] = []

    def stage() -> dict[str, Any]:
        report = _stage_report(session, outbox, guard, row, data, now)
        # the spend ratio is judged against the progress just reported
        raised = fund_warnings.evaluate_projects(session, [row], now, views.today())[0]
        staged.extend((report, raised))
        return dump(contract.ReportOut, views.report(report))

    def counted() -> None:
        _count(row, staged[0])
        fund_warnings.count_raised(staged[1])

    return idempotency.create_once(session, scope, request, stage, then=counted)


def _check(row: Project, data: dict[str, Any], keys: set[str]) -> None:
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
    if row.status in ("completed",):
        raise errors.conflict("项目已验收，不再报送进度 (the project is accepted)")


def _stage_report(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    row: Project,
    data: dict[str, Any],
    now: datetime,
) -> Report:
    version = db.plan_version(session, row.id, row.plan_version) if row.plan_version else None
    if version is None:
        raise errors.no_plan()
    milestones = milestones_of(version)
    _check(row, data, {m.key for m in milestones})
    if db.report_for_period(session, row.id, data["cadence"], data["period"]) is not None:
        raise errors.conflict(
            "该项目本期已报送，如需更正请在下一期报送 (this period is already reported)",
            {"cadence": data["cadence"], "period": data["period"]},
        )
    said = {s["key"]: str(Fraction(s["done"])) for s in data["milestones"]}
    shares = {**loads(row.shares), **said}
    actual = actual_progress(milestones, {k: Fraction(v) for k, v in shares.items()})
    planned = planned_progress(milestones, data["as_of"])
    tolerance, flag_after = settings.judgement(session, row.area_path)
    standing = classify(actual, planned, tolerance)
    report = Report(
        id=str(uuid.uuid4()),
        project_id=row.id,
        cadence=data["cadence"],
        period=data["period"],
        as_of=data["as_of"],
        plan_version=row.plan_version,
        shares=dumps(said),
        actual=str(actual),
        planned=str(planned),
        standing=standing,
        narrative=data["narrative"],
        problems_met=dumps(data["problems_met"]),
        attachments=dumps(data["attachments"]),
        reported_by=guard.principal.user_id or "",
        reported_at=now,
    )
    session.add(report)
    session.flush()
    if row.as_of is None or data["as_of"] >= row.as_of:  # the latest word is the project's
        row.shares, row.actual, row.planned = dumps(shares), str(actual), str(planned)
        row.standing, row.as_of = standing, data["as_of"]
    if row.status in ("created", "planned"):
        row.status = "in_progress"
    _judge_streak(session, outbox, row, report, now, flag_after)
    outbox.add(
        session, PROGRESS_REPORTED, _event(row, report), area_code=row.area_code, level=row.level
    )
    return report


def _judge_streak(
    session: Session,
    outbox: OutboxWriter,
    row: Project,
    report: Report,
    now: datetime,
    needed: int,
) -> None:
    latest = list(db.recent_standings(session, row.id, limit=100))
    row.lagging_streak = next((n for n, s in enumerate(latest) if s != LAGGING), len(latest))
    if row.flagged_at is None and should_flag(list(reversed(latest)), needed):
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


def _count(row: Project, report: Report) -> None:
    REPORTS.inc(row.level, cadence=report.cadence, standing=report.standing)
    if report.flagged_now:
        PROJECTS_FLAGGED.inc(row.level)


def _event(row: Project, report: Report) -> dict[str, Any]:
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
