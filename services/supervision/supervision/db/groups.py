"""Groups and assignments: reading and writing them (the caller commits)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .groups_models import Group, GroupMember, GroupProject
from .models import Finding, Project


def group(session: Session, group_id: str, lock: bool = False) -> Group | None:
    return session.get(Group, group_id, with_for_update=lock)


def groups_of_project(session: Session, project_id: str) -> list[Group]:
    """Every group a project is assigned to, oldest first."""
    query = (
        select(Group)
        .join(GroupProject, GroupProject.group_id == Group.id)
        .where(GroupProject.project_id == project_id)
        .order_by(Group.created_at, Group.id)
    )
    return list(session.scalars(query))


def members(session: Session, group_id: str) -> list[GroupMember]:
    query = select(GroupMember).where(GroupMember.group_id == group_id)
    return list(session.scalars(query.order_by(GroupMember.position)))


def members_of(session: Session, group_ids: Sequence[str]) -> dict[str, list[GroupMember]]:
    found: dict[str, list[GroupMember]] = {g: [] for g in group_ids}
    query = select(GroupMember).where(GroupMember.group_id.in_(group_ids))
    for row in session.scalars(query.order_by(GroupMember.group_id, GroupMember.position)):
        found[row.group_id].append(row)
    return found


def is_member(session: Session, group_id: str, subject: str) -> bool:
    return session.get(GroupMember, (group_id, subject)) is not None


def replace_members(session: Session, group_id: str, rows: list[dict[str, object]]) -> None:
    session.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
    session.add_all(GroupMember(group_id=group_id, position=n, **row) for n, row in enumerate(rows))


def projects_of(session: Session, group_ids: Sequence[str]) -> dict[str, list[Project]]:
    found: dict[str, list[Project]] = {g: [] for g in group_ids}
    query = (
        select(GroupProject.group_id, Project)
        .join(Project, Project.id == GroupProject.project_id)
        .where(GroupProject.group_id.in_(group_ids))
        .order_by(GroupProject.group_id, Project.area_code, Project.id)
    )
    for group_id, row in session.execute(query):
        found[group_id].append(row)
    return found


def assigned_ids(session: Session, group_id: str) -> set[str]:
    query = select(GroupProject.project_id).where(GroupProject.group_id == group_id)
    return set(session.scalars(query))


def assign(session: Session, group_id: str, project_id: str, who: str, now: datetime) -> None:
    session.add(
        GroupProject(group_id=group_id, project_id=project_id, assigned_by=who, assigned_at=now)
    )


def unassign(session: Session, group_id: str, project_ids: set[str]) -> None:
    session.execute(
        delete(GroupProject).where(
            GroupProject.group_id == group_id, GroupProject.project_id.in_(project_ids)
        )
    )


def groups_page(
    session: Session, area_path: str, year: int | None, page: int, size: int
) -> tuple[list[Group], int]:
    query = select(Group).where(Group.area_path.startswith(area_path, autoescape=True))
    if year is not None:
        query = query.where(Group.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Group.area_code, Group.created_at, Group.id)
        .limit(size)
        .offset((page - 1) * size)
    )
    return list(rows), int(total)


def projects_in(session: Session, area_path: str, year: int, ids: Sequence[str]) -> list[Project]:
    """The projects among `ids` that lie in the area's subtree and the year."""
    query = select(Project).where(
        Project.id.in_(ids),
        Project.area_path.startswith(area_path, autoescape=True),
        Project.year == year,
    )
    return list(session.scalars(query))


def projects_of_area(session: Session, area_path: str, year: int) -> list[Project]:
    query = select(Project).where(
        Project.area_path.startswith(area_path, autoescape=True), Project.year == year
    )
    return list(session.scalars(query.order_by(Project.area_code, Project.id)))


GROUP_COUNT = (
    select(func.count())
    .select_from(GroupProject)
    .where(GroupProject.project_id == Project.id)
    .correlate(Project)
    .scalar_subquery()
)
OPEN_FINDINGS = (
    select(func.count())
    .select_from(Finding)
    .where(Finding.project_id == Project.id, Finding.state.in_(("open", "requested", "escalated")))
    .correlate(Project)
    .scalar_subquery()
)


def supervised_page(
    session: Session, area_path: str, filters: dict, page: int, size: int
) -> tuple[list[tuple[Project, int, int]], int, int]:
    """A page of the area's projects with their group and open-finding counts, the total and
    how many of them (whatever the page) have no group."""
    where = [Project.area_path.startswith(area_path, autoescape=True)]
    if filters.get("year") is not None:
        where.append(Project.year == filters["year"])
    unassigned = GROUP_COUNT == 0
    base = select(Project.id).where(*where)
    total_unassigned = session.scalar(
        select(func.count()).select_from(base.where(unassigned).subquery())
    )
    if filters.get("unassigned"):
        where.append(unassigned)
    total = session.scalar(
        select(func.count()).select_from(select(Project.id).where(*where).subquery())
    )
    query = (
        select(Project, GROUP_COUNT, OPEN_FINDINGS)
        .where(*where)
        .order_by(Project.area_code, Project.created_at, Project.id)
        .limit(size)
        .offset((page - 1) * size)
    )
    rows = [(row, int(groups), int(findings)) for row, groups, findings in session.execute(query)]
    return rows, int(total or 0), int(total_unassigned or 0)


def projects_without_group(session: Session) -> dict[str, int]:
    """Level -> how many of its projects no group watches."""
    query = select(Project.level, func.count()).where(GROUP_COUNT == 0).group_by(Project.level)
    return {level: int(n) for level, n in session.execute(query)}


OPEN_STATES = ("open", "requested", "escalated")


def open_findings(session: Session, project_id: str) -> list[Finding]:
    query = select(Finding).where(Finding.project_id == project_id, Finding.state.in_(OPEN_STATES))
    return list(session.scalars(query.order_by(Finding.raised_at, Finding.id)))
