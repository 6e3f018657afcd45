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
