"""What every act of this part checks first: the caller's role and area, the project, and the
group the caller acts for (a member of it, or congress staff of its area)."""

import uuid
from collections.abc import Iterable

from contracts.reference import LEVEL_LETTERS
from servicekit import areas
from servicekit.auth import Guard
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as file_db
from ..db import groups as group_db
from ..db.groups_models import Group
from ..db.models import Project
from . import groups

STANDING_COMMITTEE = "人大常委会"  # the actor of a form recorded without a group


def new_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def load_project(
    session: Session, guard: Guard, project_id: str, roles_: frozenset[str]
) -> Project:
    """The project, within the caller's area; unknown → 404 (after the role check)."""
    row = file_db.project(session, project_id)
    if row is None:
        guard.require(roles_)
        raise errors.project_not_found()
    guard.require(roles_, row.area_code)
    return row


def acting_group(
    session: Session, guard: Guard, group_id: str | None, area_code: str
) -> Group | None:
    """The group the caller acts for, which covers `area_code`; None (staff only) without one:
    the standing committee's own forms, a staff member's own finding."""
    place = areas.require(area_code)
    if group_id is None:
        guard.require(roles.STAFF, place.code)
        return None
    group = groups.require_member(session, guard, group_id)
    if not place.path.startswith(group.area_path):
        raise errors.rule(
            "该监督组不负责此地区 (the group does not cover this area)",
            {"group_id": group.id, "area_code": place.code},
        )
    return group


def check_assigned(session: Session, group: Group | None, project_ids: Iterable[str]) -> None:
    """A group acts on the projects assigned to it; 422 naming the others."""
    if group is None:
        return
    strays = [p for p in project_ids if group.id not in _group_ids(session, p)]
    if strays:
        raise errors.rule(
            "项目未分配给该监督组 (projects not assigned to this group)",
            {"group_id": group.id, "project_ids": strays},
        )


def _group_ids(session: Session, project_id: str) -> set[str]:
    return {g.id for g in group_db.groups_of_project(session, project_id)}


def actor(group: Group | None) -> str:
    return str(group.name) if group is not None else STANDING_COMMITTEE
