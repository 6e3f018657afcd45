"""STAND-IN for the `groups` helper's use case module (issue 14): only `require_member`, the
interface inspections is written against. DROP THIS FILE AT MERGE and keep the groups part's."""

from servicekit.auth import Guard
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import groups as db
from ..db.groups_models import Group


def require_member(session: Session, guard: Guard, group_id: str) -> Group:
    """The group, if the caller is one of its members or congress staff/admin of its area."""
    row = db.group(session, group_id)
    if row is None:
        guard.require(roles.MEMBERS | roles.STAFF)
        raise errors.not_found("监督组", "supervision group")
    principal = guard.require(roles.MEMBERS | roles.STAFF, row.area_code)
    if principal.has_role(roles.STAFF):
        return row
    if not db.is_member(session, row.id, principal.user_id or ""):
        raise guard.forbid(
            "not_a_member", "您不是该监督组成员 (not a member of this group)", {"group_id": row.id}
        )
    return row
