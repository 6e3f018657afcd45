"""What implementation's use cases share: loading a project the caller may act on (area, and
for department staff their department), JSON text columns, fractions as text."""

import json
from datetime import date
from fractions import Fraction
from typing import Any

from servicekit import areas
from servicekit.auth import Guard
from servicekit.clock import business_date
from sqlalchemy.orm import Session

from .. import errors
from ..db import projects as db
from ..db.models import Project
from ..roles import DEPARTMENT_SCOPED, READ


def today() -> date:
    """Plans are dated in Beijing: a milestone due today is due until midnight there. A
    developer's stack may run at a made-up date instead (MINSHENG_TODAY with MINSHENG_DEV=1,
    servicekit.config.dev_today), so a project's whole year can be walked through at any real
    date; every business date here (reports, payments, acceptances, reminders, warnings) is
    judged against this day, and only this day."""
    return business_date()


def area(code: str) -> areas.Area:
    return areas.require(str(code))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def fraction(text: str | None) -> Fraction:
    return Fraction(text or "0")


def load_project(
    session: Session, guard: Guard, project_id: str, roles: frozenset[str], lock: bool = False
) -> Project:
    """The project if the caller may act on it; an unknown id is 404 only for those roles.
    Roles narrower than the readers' are an act, which department staff may do only on their
    department's projects."""
    row: Project = require_on(session, guard, db.project(session, str(project_id), lock), roles)
    return row


def require_on(
    session: Session,
    guard: Guard,
    row: Any,
    roles: frozenset[str],
    plan_body: str | None = None,
) -> Any:
    """`load_project`'s checks on a row already read (a Project, or a row with its columns;
    `plan_body`, when the caller read it along, spares the department check a read)."""
    if row is None:
        guard.require(roles)
        raise errors.project_not_found()
    guard.require(roles, row.area_code)
    if not roles >= READ:  # narrower than the readers: an act
        require_department(session, guard, row, roles, plan_body)
    return row


def require_department(
    session: Session,
    guard: Guard,
    row: Project,
    roles: frozenset[str],
    plan_body: str | None = None,
) -> None:
    """A caller whose only role among `roles` is department-scoped acts only on a project its
    department leads or co-handles (403, a `department_scope` security event otherwise);
    government staff of the area are not limited."""
    principal = guard.principal
    if not (set(principal.roles) & roles) <= DEPARTMENT_SCOPED:
        return
    mine = (principal.department or "").strip()
    if mine and mine in departments_of(session, row, plan_body):
        return
    raise guard.forbid(
        "department_scope",
        "只能办理本部门牵头或协办的项目 (only projects your department leads or co-handles)",
        {"department": principal.department, "lead_department": _lead(row)},
        row.area_code,
    )


def _lead(row: Project) -> str | None:
    return row.lead_department if row.plan_version else row.suggested_department


def departments_of(session: Session, row: Project, plan_body: str | None = None) -> set[str]:
    """The lead department (the list's suggestion until a plan) and the current plan's
    co-departments (from `plan_body` when given)."""
    names = [_lead(row)]
    if row.plan_version:
        if plan_body is None:
            version = db.plan_version(session, row.id, row.plan_version)
            plan_body = version.body if version else None
        names += loads(plan_body).get("co_departments", []) if plan_body else []
    return {name.strip() for name in names if name}
