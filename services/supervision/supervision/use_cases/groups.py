"""Supervision groups (监督小组): formed by the area's congress staff, their members and their
projects; `require_member` is how the other parts check that a caller acts for a group."""

from datetime import datetime
from typing import Any

from contracts import supervision_groups as contract
from servicekit import areas
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.errors import Unauthenticated
from servicekit.idempotency import Request, create_once, scope_of
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as files_db
from ..db import groups as db
from ..db.groups_models import Group
from ..domain.groups import MembershipError, check_members
from ..metrics import GROUPS_FORMED, count_entry
from .files import SUPERVISION

CHANGED_MEANWHILE = (
    "监督小组正被他人同时修改，请刷新后重试 (the group changed meanwhile: reload and retry)"
)


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


def _staff_group(session: Session, guard: Guard, group_id: str) -> Group:
    found = db.group(session, str(group_id), lock=True)
    if found is None:
        raise errors.not_found("监督小组", "group")
    guard.require(roles.STAFF, found.area_code)
    return found


def _checked(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        check_members(members)
    except MembershipError as exc:
        raise errors.rule(exc.message, exc.details) from exc
    return [{k: m.get(k) for k in ("subject", "name", "role", "specialty")} for m in members]


def create_group(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    data: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    """{area_code, year, name, members, project_ids} -> the group (201), once per key."""
    principal = guard.require(roles.STAFF, data["area_code"])
    place = areas.require(data["area_code"])
    members = _checked(data["members"])
    _check_projects(session, place.path, data["year"], data["project_ids"])

    def create() -> dict[str, Any]:
        row = Group(
            id=contract.new_group_id(place.level),
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            year=data["year"],
            name=data["name"],
            created_by=principal.user_id or "",
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        db.replace_members(session, row.id, members)
        lines.append(
            _replace_projects(session, row, data["project_ids"], principal.user_id or "", now)
        )
        session.flush()
        return group_view(session, row)

    def formed() -> None:  # counted once the group and its file lines have committed
        GROUPS_FORMED.inc(place.level)
        count_entry(SUPERVISION, place.level, sum(lines))

    lines: list[int] = []
    scope = scope_of(contract.GroupsRpc.create_group, principal)
    request = Request(idempotency_key, data)
    return create_once(session, scope, request, create, then=formed)


def _replace_projects(
    session: Session, row: Group, wanted: list[str], who: str, now: datetime
) -> int:
    """Assign exactly `wanted` (the group's area subtree and year only), writing each change in
    the project's file; how many lines were written."""
    ids = _check_projects(session, row.area_path, row.year, wanted)
    before = db.assigned_ids(session, row.id)
    for project_id in [i for i in ids if i not in before]:
        db.assign(session, row.id, project_id, who, now)
        _line(
            session, project_id, row, "group_assigned", f"监督小组“{row.name}”负责监督本项目", now
        )
    removed = before - set(ids)
    if removed:
        db.unassign(session, row.id, removed)
        for project_id in sorted(removed):
            _line(
                session,
                project_id,
                row,
                "group_unassigned",
                f"监督小组“{row.name}”不再负责本项目",
                now,
            )
    return len(ids) - len(before & set(ids)) + len(removed)


def _check_projects(session: Session, area_path: str, year: int, wanted: list[str]) -> list[str]:
    """The ids, each once, if every one is a project of the area's subtree and the year."""
    ids = list(dict.fromkeys(str(i) for i in wanted))
    found = {p.id for p in db.projects_in(session, area_path, year, ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise errors.rule(
            "以下项目不在本小组的地区或年度内 (projects outside the group's area or year)",
            {"project_ids": missing},
        )
    return ids


def _line(
    session: Session, project_id: str, row: Group, kind: str, text: str, now: datetime
) -> None:
    files_db.add_entry(
        session,
        project_id,
        at=now,
        side=SUPERVISION,
        kind=kind,
        summary=text,
        actor=row.name,
        ref=row.id,
    )


def put_projects(
    session: Session, guard: Guard, group_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = _staff_group(session, guard, group_id)
    lines = _replace_projects(session, row, data["project_ids"], guard.principal.user_id or "", now)
    row.updated_at = now
    level = row.level
    commit_or_conflict(
        session, CHANGED_MEANWHILE, then=lambda: count_entry(SUPERVISION, level, lines)
    )
    return group_view(session, row)


def put_members(
    session: Session, guard: Guard, group_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = _staff_group(session, guard, group_id)
    db.replace_members(session, row.id, _checked(data["members"]))
    row.updated_at = now
    commit_or_conflict(session, CHANGED_MEANWHILE)
    return group_view(session, row)


def get_group(session: Session, guard: Guard, group_id: str) -> dict[str, Any]:
    found = db.group(session, str(group_id))
    if found is None:
        raise errors.not_found("监督小组", "group")
    subject = guard.principal.user_id
    if subject is None or not db.is_member(session, found.id, subject):
        guard.require(roles.READ, found.area_code)  # a member reads their group from anywhere
    return group_view(session, found)


def list_groups(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    guard.require(roles.READ, query["area_code"])
    place = areas.require(query["area_code"])
    rows, total = db.groups_page(
        session, place.path, query["year"], query["page"], query["page_size"]
    )
    views = _views(session, rows)
    page = {"items": views, "total": total, "page": query["page"], "page_size": query["page_size"]}
    return dump(contract.GroupPage, page)


def group_view(session: Session, row: Group) -> dict[str, Any]:
    return dump(contract.Group, _views(session, [row])[0])


def _views(session: Session, rows: list[Group]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    members, projects = db.members_of(session, ids), db.projects_of(session, ids)
    return [
        {
            "group_id": r.id,
            "area_code": r.area_code,
            "level": r.level,
            "year": r.year,
            "name": r.name,
            "members": [
                {"subject": m.subject, "name": m.name, "role": m.role, "specialty": m.specialty}
                for m in members[r.id]
            ],
            "projects": [
                {
                    "project_id": p.id,
                    "title": p.title,
                    "category": p.category,
                    "area_code": p.area_code,
                }
                for p in projects[r.id]
            ],
            "created_by": r.created_by,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }
        for r in rows
    ]
