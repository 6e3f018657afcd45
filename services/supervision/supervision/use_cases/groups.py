"""STAND-IN for the groups part (i14-groups owns this file): drop this version at merge and keep
the groups helper's, whose `require_member` answers the same (i14-groups 7c4a857)."""

from servicekit.auth import Guard
from servicekit.errors import Unauthenticated
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import groups as db
from ..db.groups_models import Group


def require_member(session: Session, guard: Guard, group_id: str) -> Group:
    """The group, if the caller belongs to it or is congress staff/admin of its area:
    404 for an unknown group, 401 anonymous, 403 anyone else."""
    found = db.group(session, str(group_id))
    if found is None:
        raise errors.not_found("监督小组", "group")
    subject = guard.principal.user_id
    if subject is None:
        raise Unauthenticated("请先登录 (authentication required)")
    if guard.principal.has_role(roles.MEMBERS) and db.is_member(session, found.id, subject):
        return found
    if guard.principal.has_role(roles.STAFF):
        guard.require(roles.STAFF, found.area_code)
        return found
    raise guard.forbid(
        "not_group_member",
        "您不是该监督小组成员 (you are not a member of this group)",
        {"group_id": found.id},
        found.area_code,
    )
