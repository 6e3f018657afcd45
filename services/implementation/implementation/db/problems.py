"""Queries of problems, their steps, reminders and meetings."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Meeting, Problem, ProblemStep, Reminder

OPEN_STATES = ("open", "in_progress")


def problem(session: Session, problem_id: str, lock: bool = False) -> Problem | None:
    query = select(Problem).where(Problem.id == problem_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def by_source(session: Session, source: str, ref: str) -> Problem | None:
    return session.scalars(
        select(Problem).where(Problem.source == source, Problem.source_ref == ref)
    ).first()


def problems_page(
    session: Session, area_path: str, filters: dict, today: date, page: int, size: int
) -> tuple[Sequence[Problem], int]:
    query = select(Problem).where(Problem.area_path.startswith(area_path, autoescape=True))
    if filters.get("state"):
        query = query.where(Problem.state == filters["state"])
    if filters.get("project_id"):
        query = query.where(Problem.project_id == filters["project_id"])
    overdue = (Problem.state.in_(OPEN_STATES)) & (Problem.due_date < today)
    if filters.get("overdue") is True:
        query = query.where(overdue)
    elif filters.get("overdue") is False:
        query = query.where(~overdue)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Problem.due_date, Problem.id).limit(size).offset((page - 1) * size)
    ).all()
    return rows, int(total)


def open_problems(session: Session) -> Sequence[Problem]:
    return session.scalars(select(Problem).where(Problem.state.in_(OPEN_STATES))).all()


def steps(session: Session, problem_id: str) -> Sequence[ProblemStep]:
    return session.scalars(
        select(ProblemStep).where(ProblemStep.problem_id == problem_id).order_by(ProblemStep.id)
    ).all()


def reminders(session: Session, kind: str, target: str) -> Sequence[Reminder]:
    return session.scalars(
        select(Reminder)
        .where(Reminder.kind == kind, Reminder.target == target)
        .order_by(Reminder.id)
    ).all()


def sent_steps(session: Session, kind: str) -> dict[str, set[str]]:
    """Every target's reminder steps already sent, in one query (the nightly job's input)."""
    found: dict[str, set[str]] = {}
    for target, step in session.execute(
        select(Reminder.target, Reminder.step).where(Reminder.kind == kind)
    ):
        found.setdefault(target, set()).add(step)
    return found


def meetings(session: Session, area_path: str, year: int | None) -> Sequence[Meeting]:
    query = select(Meeting).where(Meeting.area_path.startswith(area_path, autoescape=True))
    if year is not None:
        query = query.where(
            Meeting.held_on >= date(year, 1, 1), Meeting.held_on <= date(year, 12, 31)
        )
    return session.scalars(query.order_by(Meeting.held_on.desc(), Meeting.id)).all()


def overdue_count(session: Session, area_path: str, year: int, today: date) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Problem.area_path.startswith(area_path, autoescape=True),
                Problem.year == year,
                Problem.state.in_(OPEN_STATES),
                Problem.due_date < today,
            )
        )
        or 0
    )


def problems_of(session: Session, area_path: str, year: int) -> Sequence[Problem]:
    return session.scalars(
        select(Problem)
        .where(Problem.area_path.startswith(area_path, autoescape=True), Problem.year == year)
        .order_by(Problem.due_date, Problem.id)
    ).all()


def unresolved_of_project(session: Session, project_id: str) -> Sequence[Problem]:
    return session.scalars(
        select(Problem)
        .where(Problem.project_id == project_id, Problem.state.in_(("open", "in_progress")))
        .order_by(Problem.due_date, Problem.created_at)
    ).all()
