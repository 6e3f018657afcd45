"""Evaluation's queries: frameworks and versions, evaluations, satisfaction votes."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from .evaluation_models import (
    Evaluation,
    EvaluationFramework,
    FrameworkVersion,
    SatisfactionResult,
    SatisfactionVote,
)
from .models import Project


def framework(session: Session, framework_id: str) -> EvaluationFramework | None:
    return session.get(EvaluationFramework, framework_id)


def version(session: Session, framework_id: str, number: int) -> FrameworkVersion | None:
    return session.get(FrameworkVersion, (framework_id, number))


def versions(session: Session, framework_id: str) -> list[FrameworkVersion]:
    query = select(FrameworkVersion).where(FrameworkVersion.framework_id == framework_id)
    return list(session.scalars(query.order_by(FrameworkVersion.version)))


def frameworks_of(session: Session, area_code: str) -> list[EvaluationFramework]:
    query = select(EvaluationFramework).where(EvaluationFramework.area_code == area_code)
    return list(session.scalars(query.order_by(EvaluationFramework.created_at)))


def evaluation(session: Session, evaluation_id: str) -> Evaluation | None:
    return session.get(Evaluation, evaluation_id)


def evaluations_of(
    session: Session, area_path: str, year: int | None, kind: str | None
) -> list[Evaluation]:
    query = select(Evaluation).where(Evaluation.area_path.startswith(area_path))
    if year is not None:
        query = query.where(Evaluation.year == year)
    if kind is not None:
        query = query.where(Evaluation.kind == kind)
    return list(session.scalars(query.order_by(Evaluation.recorded_at, Evaluation.id)))


def latest_pre_evaluations(session: Session, project_ids: Sequence[str]) -> dict[str, Evaluation]:
    """Each project's latest pre-evaluation (预评估), in one query."""
    query = select(Evaluation).where(
        Evaluation.kind == "pre_evaluation", Evaluation.project_id.in_(list(project_ids))
    )
    latest: dict[str, Evaluation] = {}
    for row in session.scalars(query.order_by(Evaluation.recorded_at, Evaluation.id)):
        latest[row.project_id or ""] = row
    return latest


def projects_of_area_year(session: Session, area_code: str, year: int) -> list[Project]:
    """The area's own projects of the year (not its sub-areas'): a vote is the area's congress."""
    query = select(Project).where(Project.area_code == area_code, Project.year == year)
    return list(session.scalars(query.order_by(Project.created_at, Project.id)))


def projects_by_id(session: Session, ids: Sequence[str]) -> dict[str, Project]:
    rows = session.scalars(select(Project).where(Project.id.in_(list(ids))))
    return {row.id: row for row in rows}


def vote(session: Session, vote_id: str, lock: bool = False) -> SatisfactionVote | None:
    return session.get(SatisfactionVote, vote_id, with_for_update=lock)


def vote_by_session(session: Session, session_id: str) -> SatisfactionVote | None:
    query = select(SatisfactionVote).where(SatisfactionVote.session_id == session_id)
    return session.scalars(query.with_for_update()).first()


def votes_of(session: Session, area_code: str, year: int | None) -> list[SatisfactionVote]:
    query = select(SatisfactionVote).where(SatisfactionVote.area_code == area_code)
    if year is not None:
        query = query.where(SatisfactionVote.year == year)
    return list(session.scalars(query.order_by(SatisfactionVote.requested_at)))


def results(session: Session, vote_id: str) -> list[SatisfactionResult]:
    query = select(SatisfactionResult).where(SatisfactionResult.vote_id == vote_id)
    return list(session.scalars(query.order_by(SatisfactionResult.project_id)))
