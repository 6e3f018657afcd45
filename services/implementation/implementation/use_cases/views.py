"""What a project looks like to staff, and to anyone who scans its site sign."""

from datetime import date
from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from servicekit.clock import as_utc
from sqlalchemy.orm import Session

from ..db import problems as problem_db
from ..db import projects as db
from ..db.models import PlanVersion, Project, Report
from ..domain.plan import Milestone
from ..domain.problems import STATE_NAMES, is_overdue
from ..domain.progress import STANDING_NAMES, percent, planned_progress
from .common import fraction, loads, today
from .funds import funds_summary
from .plans import milestones_of


def summary(row: Project) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "title": row.title,
        "category": row.category,
        "estimated_cost_fen": row.estimated_cost_fen,
        "lead_department": row.lead_department or row.suggested_department,
        "status": row.status,
        "status_name": contract.PROJECT_STATUS_NAMES[row.status],
        "standing": row.standing,
        "actual_percent": percent(fraction(row.actual)),
        "flagged": row.flagged_at is not None,
        "deadline": row.deadline,
    }


def _plan(version: PlanVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    body = loads(version.body)
    return {
        "version": version.version,
        **{k: body[k] for k in ("lead_leader", "lead_department", "co_departments", "targets")},
        "start": date.fromisoformat(body["start"]),
        "deadline": date.fromisoformat(body["deadline"]),
        "reason": version.reason,
        "changed_by": version.changed_by,
        "changed_at": as_utc(version.changed_at),
    }


def milestone_share(milestone: Milestone, at: date) -> Fraction:
    """How far one milestone should be at `at`, by its own dates (序时进度 of the milestone)."""
    whole = Milestone(milestone.key, milestone.title, Fraction(1), milestone.start, milestone.due)
    return planned_progress([whole], at)


def _milestones(version: PlanVersion | None, shares: dict[str, str], at: date) -> list[dict]:
    if version is None:
        return []
    return [
        {
            "key": m.key,
            "title": m.title,
            "weight": str(m.weight),
            "start": m.start,
            "due": m.due,
            "done": shares.get(m.key, "0"),
            "done_percent": percent(fraction(shares.get(m.key))),
            "planned_percent": percent(milestone_share(m, at)),
        }
        for m in milestones_of(version)
    ]


def progress(row: Project, tolerance_points: int) -> dict[str, Any] | None:
    if row.as_of is None or row.standing is None:
        return None
    return {
        "actual": row.actual,
        "actual_percent": percent(fraction(row.actual)),
        "planned": row.planned or "0",
        "planned_percent": percent(fraction(row.planned)),
        "as_of": row.as_of,
        "standing": row.standing,
        "standing_name": STANDING_NAMES[row.standing],
        "tolerance_points": tolerance_points,
        "lagging_streak": row.lagging_streak,
        "flagged": row.flagged_at is not None,
    }


def report(row: Report) -> dict[str, Any]:
    return {
        "id": row.id,
        "project_id": row.project_id,
        "cadence": row.cadence,
        "period": row.period,
        "as_of": row.as_of,
        "actual_percent": percent(fraction(row.actual)),
        "planned_percent": percent(fraction(row.planned)),
        "standing": row.standing,
        "narrative": row.narrative,
        "problems_met": loads(row.problems_met),
        "attachments": loads(row.attachments),
        "reported_by": row.reported_by,
        "reported_at": as_utc(row.reported_at),
        "flagged_now": row.flagged_now,
    }


def detail(session: Session, row: Project, tolerance_points: int) -> dict[str, Any]:
    version = db.plan_version(session, row.id, row.plan_version) if row.plan_version else None
    return {
        **summary(row),
        "origin": {
            "proposal_id": row.proposal_id,
            "session_id": row.session_id,
            "candidate_list_id": row.candidate_list_id,
            "results_digest": row.results_digest,
            "announced_at": as_utc(row.announced_at),
            "approve": row.approve,
        },
        "plan": _plan(version),
        "milestones": _milestones(version, loads(row.shares), today()),
        "progress": progress(row, tolerance_points),
        "recent_reports": [report(r) for r in db.recent_reports(session, row.id)],
        "carried_over": (
            {"to_year": row.carried_over_to, "reason": row.carry_reason}
            if row.carried_over_to
            else None
        ),
        "funds": funds_summary(session, row),
        "problems": [
            {
                "id": problem.id,
                "description": problem.description,
                "responsible_unit": problem.responsible_unit,
                "due_date": problem.due_date,
                "state": problem.state,
                "state_name": STATE_NAMES[problem.state],
                "overdue": is_overdue(problem.state, problem.due_date, today()),
            }
            for problem in problem_db.unresolved_of_project(session, row.id)
        ],
        "created_at": as_utc(row.created_at),
    }


def public(session: Session, row: Project) -> dict[str, Any]:
    """No staff names, no report texts: what the plan promises and how far it is."""
    version = db.plan_version(session, row.id, row.plan_version) if row.plan_version else None
    shares = loads(row.shares)
    money = funds_summary(session, row)
    return {
        "id": row.id,
        "area_code": row.area_code,
        "year": row.year,
        "title": row.title,
        "category": row.category,
        "status": row.status,
        "status_name": contract.PROJECT_STATUS_NAMES[row.status],
        "lead_department": row.lead_department or row.suggested_department,
        "deadline": row.deadline,
        "actual_percent": percent(fraction(row.actual)),
        "planned_percent": percent(fraction(row.planned)) if row.planned else None,
        "standing_name": STANDING_NAMES[row.standing] if row.standing else None,
        "milestones": [
            {"title": m.title, "due": m.due, "done_percent": percent(fraction(shares.get(m.key)))}
            for m in (milestones_of(version) if version else [])
        ],
        "last_reported_on": row.as_of,
        **{k: money[k] for k in ("budget_fen", "disbursed_fen", "paid_fen")},
    }
