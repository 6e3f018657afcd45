"""What implementation's use cases share: loading a project the caller may act on, JSON text
columns, fractions as text."""

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
    """The project if the caller may act on it; an unknown id is 404 only for those roles."""
    row = db.project(session, str(project_id), lock)
    if row is None:
        guard.require(roles)
        raise errors.project_not_found()
    guard.require(roles, row.area_code)
    return row
