"""STAND-IN for the groups part (i14-groups owns this file): drop this version at merge and keep
the groups helper's, which provides the same `require_member`."""

from servicekit.auth import Guard
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import groups as db
from ..db.groups_models import Group


def require_member(session: Session, guard: Guard, group_id: str) -> Group:
    """The group, for one of its members or the area's congress staff (404 unknown, 403 else)."""
    row = db.group(session, str(group_id))
    if row is None:
        guard.require(roles.READ)
        raise errors.not_found("监督组", "group")
    principal = guard.require(roles.MEMBERS | roles.STAFF, row.area_code)
    staff = bool(roles.STAFF & set(principal.roles))
    if not staff and not db.is_member(session, row.id, principal.user_id or ""):
        raise guard.forbid(
            "not_member",
            "您不是该监督组成员 (not a member of this group)",
            {"group_id": row.id},
            row.area_code,
        )
    return row
