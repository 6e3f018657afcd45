"""STAND-IN for the `groups` helper's queries (issue 14). DROP THIS FILE AT MERGE and keep the
groups part's own module."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .groups_models import Group, GroupMember, GroupProject


def group(session: Session, group_id: str) -> Group | None:
    return session.get(Group, group_id)


def is_member(session: Session, group_id: str, subject: str) -> bool:
    return session.get(GroupMember, (group_id, subject)) is not None


def groups_of_project(session: Session, project_id: str) -> list[Group]:
    query = select(Group).join(GroupProject, GroupProject.group_id == Group.id)
    return list(session.scalars(query.where(GroupProject.project_id == project_id)))
