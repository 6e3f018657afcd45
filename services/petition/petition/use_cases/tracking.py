"""The resident's side of a matter, by its tracking code: what became of it — never who brought
it, never what anyone wrote about it but the result — and their own judgement of the result."""

from datetime import datetime
from typing import Any

from contracts import matters as contract
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import errors
from ..db.matters import Matter
from ..domain import matters as states
from . import handling, public
from .common import area_name
from .views import STEP_NAMES, fate, steps_of


def _by_code(session: Session, code: str, lock: bool = False) -> Matter:
    query = select(Matter).where(Matter.tracking_code == str(code).upper())
    matter = session.scalars(query).first()
    if matter is None:
        raise errors.matter_not_found()
    if lock:
        return handling.lock(session, matter.id) or matter
    return matter


def tracking(session: Session, matter: Matter) -> dict[str, Any]:
    names = public.names_of(session, [matter.deputy_id] if matter.deputy_id else [])
    handle_due = matter.handle_due if matter.state != states.RECEIVED else None
    return dump(
        contract.MatterTracking,
        {
            "tracking_code": matter.tracking_code,
            "title": matter.title,
            "category": matter.category,
            "area_code": matter.area_code,
            "area_name": area_name(matter.area_code),
            "level": matter.level,
            "level_name": public.level_name(matter.level),
            "state": matter.state,
            "state_name": states.STATE_NAMES[matter.state],
            "tier": matter.tier,
            "tier_name": states.TIER_NAMES.get(matter.tier or ""),
            "deputy_name": names.get(matter.deputy_id or ""),
            "received_at": matter.received_at,
            "accept_due": matter.accept_due if matter.state == states.RECEIVED else None,
            "handle_due": handle_due,
            "result": matter.result if matter.state in (states.RESOLVED, states.CLOSED) else None,
            "satisfaction": matter.satisfaction,
            "satisfaction_name": states.SATISFACTION_NAMES.get(matter.satisfaction or ""),
            "can_rate": matter.state == states.RESOLVED and matter.satisfaction is None,
            "steps": [
                {
                    "action": s.action,
                    "action_name": STEP_NAMES.get(s.action, s.action),
                    "level": s.level,
                    "at": s.at,
                }
                for s in steps_of(session, matter.id)
            ],
            "proposal": fate(session, matter.id),
        },
    )


def track_matter(session: Session, code: str) -> dict[str, Any]:
    return tracking(session, _by_code(session, code))


def rate_matter(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    code: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """满意 / 基本满意 close the matter; 不满意 leaves it for one reopening (once per resolution,
    by the resident or a return visit, whichever comes first)."""
    matter = _by_code(session, code, lock=True)
    body = {**data, "by": "resident"}
    act = handling.staged(
        session, lambda: handling.step(session, outbox, guard, matter, states.RATE, body, now)
    )
    commit_or_conflict(session, handling.CONFLICT)
    for done in act.then:
        done()
    return tracking(session, matter)
