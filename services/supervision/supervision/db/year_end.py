"""The year-end report's figures: aggregate queries over an area's subtree and year (a city of
400 projects and 2,000 findings is a handful of GROUP BY statements, no per-row loop)."""

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .evaluation_models import Evaluation, SatisfactionResult
from .models import Finding, Project


def project_totals(session: Session, path: str, year: int) -> dict[str, int]:
    done = case(
        (Project.status == "completed", case((Project.same_year.is_(True), 1), else_=0)), else_=0
    )
    query = select(
        func.count(),
        func.coalesce(func.sum(done), 0),
        func.coalesce(func.sum(Project.budget_fen), 0),
        func.coalesce(func.sum(Project.disbursed_fen), 0),
        func.coalesce(func.sum(Project.paid_fen), 0),
    ).where(Project.area_path.startswith(path), Project.year == year)
    projects, completed, budget, disbursed, paid = session.execute(query).one()
    return {
        "projects": int(projects),
        "completed_same_year": int(completed),
        "budget_fen": int(budget),
        "disbursed_fen": int(disbursed),
        "paid_fen": int(paid),
    }


def findings_by(session: Session, path: str, year: int) -> list[tuple[str, str, int]]:
    """(state, source, count) of the subtree's findings of the year."""
    query = (
        select(Finding.state, Finding.source, func.count())
        .where(Finding.area_path.startswith(path), Finding.year == year)
        .group_by(Finding.state, Finding.source)
    )
    return [(state, source, int(n)) for state, source, n in session.execute(query)]


def evaluations_by(session: Session, path: str, year: int) -> list[tuple[str, str, int]]:
    """(kind, grade, count): each subject's latest evaluation of each kind counts once."""
    latest = (
        select(
            func.max(Evaluation.recorded_at).label("at"),
            Evaluation.kind,
            func.coalesce(Evaluation.project_id, Evaluation.fund).label("subject"),
        )
        .where(Evaluation.area_path.startswith(path), Evaluation.year == year)
        .group_by(Evaluation.kind, func.coalesce(Evaluation.project_id, Evaluation.fund))
        .subquery()
    )
    query = (
        select(Evaluation.kind, Evaluation.grade, func.count())
        .join(
            latest,
            (latest.c.kind == Evaluation.kind)
            & (latest.c.subject == func.coalesce(Evaluation.project_id, Evaluation.fund))
            & (latest.c.at == Evaluation.recorded_at),
        )
        .where(Evaluation.area_path.startswith(path), Evaluation.year == year)
        .group_by(Evaluation.kind, Evaluation.grade)
    )
    return [(kind, grade, int(n)) for kind, grade, n in session.execute(query)]


def satisfaction_by(session: Session, path: str, year: int) -> list[tuple[Any, ...]]:
    """(grade, projects, 满意, 基本满意, 不满意, 弃权) summed over the subtree's votes."""
    query = (
        select(
            SatisfactionResult.grade,
            func.count(),
            func.sum(SatisfactionResult.satisfied),
            func.sum(SatisfactionResult.basically),
            func.sum(SatisfactionResult.dissatisfied),
            func.sum(SatisfactionResult.abstain),
        )
        .where(SatisfactionResult.area_path.startswith(path), SatisfactionResult.year == year)
        .group_by(SatisfactionResult.grade)
    )
    return [tuple(row) for row in session.execute(query)]


def project_rows(session: Session, path: str, year: int) -> list[dict[str, Any]]:
    """Each project of the subtree and year with its findings (all, closed), its latest
    evaluation's grade and its satisfaction grade: four statements, merged by project id."""
    projects = session.execute(
        select(
            Project.id, Project.title, Project.area_code, Project.status, Project.actual_percent,
            Project.completed_on, Project.same_year, Project.flagged,
        )
        .where(Project.area_path.startswith(path), Project.year == year)
        .order_by(Project.area_path, Project.title, Project.id)
    ).all()  # fmt: skip
    findings = _findings_per_project(session, path, year)
    evaluated = _latest_evaluation_grades(session, path, year)
    rated = _satisfaction_grades(session, path, year)
    return [
        {
            **row._asdict(),
            "findings": findings.get(row.id, (0, 0))[0],
            "findings_closed": findings.get(row.id, (0, 0))[1],
            "evaluation_grade": evaluated.get(row.id),
            "satisfaction_grade": rated.get(row.id),
        }
        for row in projects
    ]


def _findings_per_project(session: Session, path: str, year: int) -> dict[str, tuple[int, int]]:
    closed = case((Finding.state == "closed", 1), else_=0)
    query = (
        select(Finding.project_id, func.count(), func.sum(closed))
        .where(Finding.area_path.startswith(path), Finding.year == year)
        .group_by(Finding.project_id)
    )
    return {pid: (int(n), int(c or 0)) for pid, n, c in session.execute(query)}


def _latest_evaluation_grades(session: Session, path: str, year: int) -> dict[str, str]:
    """Project id → the grade of its latest evaluation (绩效评价; pre-evaluations aside)."""
    query = (
        select(Evaluation.project_id, Evaluation.grade)
        .where(
            Evaluation.area_path.startswith(path),
            Evaluation.year == year,
            Evaluation.kind == "evaluation",
            Evaluation.project_id.is_not(None),
        )
        .order_by(Evaluation.recorded_at, Evaluation.id)
    )
    return {pid: grade for pid, grade in session.execute(query).all()}  # noqa: C416  (latest wins)


def _satisfaction_grades(session: Session, path: str, year: int) -> dict[str, str | None]:
    query = (
        select(SatisfactionResult.project_id, SatisfactionResult.grade)
        .where(SatisfactionResult.area_path.startswith(path), SatisfactionResult.year == year)
        .order_by(SatisfactionResult.vote_id)
    )
    return {pid: grade for pid, grade in session.execute(query).all()}  # noqa: C416
