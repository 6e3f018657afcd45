"""Public supervision's queries: feedback, social supervisors, their projects, observations."""

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import Project
from .public_models import Feedback, Observation, SocialSupervisor, SupervisorProject


def feedback(session: Session, feedback_id: str, lock: bool = False) -> Feedback | None:
    return session.get(Feedback, feedback_id, with_for_update=lock or None)


def published_feedback(session: Session, project_id: str, limit: int = 200) -> list[Feedback]:
    query = select(Feedback).where(Feedback.project_id == project_id, Feedback.state == "published")
    return list(session.scalars(query.order_by(Feedback.published_at.desc()).limit(limit)))


def feedback_page(
    session: Session,
    area_path: str,
    year: int | None,
    state: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Feedback], int]:
    query = select(Feedback).where(Feedback.area_path.startswith(area_path))
    if year is not None:
        query = query.where(Feedback.year == year)
    if state is not None:
        query = query.where(Feedback.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Feedback.submitted_at.desc(), Feedback.id).offset(offset).limit(limit)
    )
    return list(rows), total


def titles(session: Session, project_ids: set[str]) -> dict[str, str]:
    if not project_ids:
        return {}
    rows = session.execute(select(Project.id, Project.title).where(Project.id.in_(project_ids)))
    return {row.id: row.title for row in rows}


def projects_under(session: Session, area_path: str, project_ids: list[str]) -> set[str]:
    """Which of the ids are projects of the area or below it."""
    if not project_ids:
        return set()
    query = select(Project.id).where(
        Project.id.in_(project_ids), Project.area_path.startswith(area_path)
    )
    return set(session.scalars(query))


def supervisor(session: Session, supervisor_id: str) -> SocialSupervisor | None:
    return session.get(SocialSupervisor, supervisor_id)


def supervisor_of(session: Session, subject: str) -> SocialSupervisor | None:
    query = select(SocialSupervisor).where(SocialSupervisor.subject == subject)
    return session.scalars(query).first()


def supervisors_under(session: Session, area_path: str) -> list[SocialSupervisor]:
    query = select(SocialSupervisor).where(SocialSupervisor.area_path.startswith(area_path))
    return list(session.scalars(query.order_by(SocialSupervisor.registered_at)))


def assigned(session: Session, supervisor_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {sid: [] for sid in supervisor_ids}
    if not supervisor_ids:
        return found
    query = select(SupervisorProject.supervisor_id, SupervisorProject.project_id).where(
        SupervisorProject.supervisor_id.in_(supervisor_ids)
    )
    for supervisor_id, project_id in session.execute(query.order_by(SupervisorProject.id)):
        found[supervisor_id].append(project_id)
    return found


def is_assigned(session: Session, supervisor_id: str, project_id: str) -> bool:
    query = select(SupervisorProject.id).where(
        SupervisorProject.supervisor_id == supervisor_id,
        SupervisorProject.project_id == project_id,
    )
    return session.scalars(query).first() is not None


def assign(session: Session, supervisor_id: str, project_ids: list[str]) -> None:
    """Stage the supervisor's projects as exactly these (the caller commits)."""
    session.execute(
        delete(SupervisorProject).where(SupervisorProject.supervisor_id == supervisor_id)
    )
    for project_id in dict.fromkeys(project_ids):
        session.add(SupervisorProject(supervisor_id=supervisor_id, project_id=project_id))


def observation(session: Session, observation_id: str, lock: bool = False) -> Observation | None:
    return session.get(Observation, observation_id, with_for_update=lock or None)


def observations(
    session: Session,
    area_path: str,
    project_id: str | None,
    supervisor_id: str | None,
    limit: int = 500,
) -> list[Observation]:
    query = select(Observation).where(Observation.area_path.startswith(area_path))
    if project_id is not None:
        query = query.where(Observation.project_id == project_id)
    if supervisor_id is not None:
        query = query.where(Observation.supervisor_id == supervisor_id)
    order = (Observation.observed_on.desc(), Observation.recorded_at.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def supervisor_names(session: Session, supervisor_ids: set[str]) -> dict[str, str]:
    if not supervisor_ids:
        return {}
    query = select(SocialSupervisor.id, SocialSupervisor.name).where(
        SocialSupervisor.id.in_(supervisor_ids)
    )
    return {row.id: row.name for row in session.execute(query)}
