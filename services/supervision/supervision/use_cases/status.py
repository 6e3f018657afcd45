"""The service's status, for staff in any area."""

from typing import Any

from contracts.reference import ROLES
from servicekit.auth import Guard
from sqlalchemy.orm import Session

from ..db import queries
from ..domain import status as domain


def get_status(session: Session, guard: Guard) -> dict[str, Any]:
    guard.require(ROLES)
    return domain.status_view("supervision", queries.events_processed(session))
