"""A matter's handling (分级代办): one action at a time, checked by the state machine
(petition.domain.matters), by who may act, and by what the action needs; the effect, its step
in the history, its events and the new due day commit together.

Who acts: the deputies on the matter at its current level (the one it was addressed to, the
one it was reported up to, co-handlers of a joint matter) and congress staff of the area now
handling it; department staff record the resolution of what was routed to their department.
Anyone else is refused (403, counted as a security event). Two actions racing on one matter
are serialised by its row lock (FOR UPDATE; SQLite's write lock taken first).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from servicekit.auth import Guard
from servicekit.db import commit_or_conflict, write_first
from servicekit.outbox import OutboxWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter, MatterDepartment, MatterDeputy, MatterStep
from ..domain import matters as states
from . import actions, views
from .common import deputy_of, dumps

# The path's names of the actions (contracts.matters.MATTER_ACTIONS) → the state machine's.
ACTIONS = {
    "accept": states.ACCEPT,
    "tier": states.TIER,
    "route": states.ROUTE,
    "report-up": states.REPORT_UP,
    "extend": states.EXTEND,
    "resolve": states.RESOLVE,
    "return-visit": states.RATE,
    "reopen": states.REOPEN,
    "convert": states.CONVERT,
}
# What each action's body must hold (400 naming the missing fields otherwise).
NEEDS = {
    states.TIER: ("tier", "method"),
    states.ROUTE: ("department", "due_date", "method"),
    states.REPORT_UP: ("reason",),
    states.EXTEND: ("days", "reason"),
    states.RESOLVE: ("result",),
    states.RATE: ("satisfaction", "by"),
    states.REOPEN: ("reason",),
    states.CONVERT: ("title", "description"),
}
CONFLICT = "该事项正被他人同时办理，请刷新后重试 (changed meanwhile: reload and retry)"


@dataclass
class Act:
    """One action in progress: what the effect functions need."""

    session: Session
    outbox: OutboxWriter
    guard: Guard
    matter: Matter
    data: dict[str, Any]
    now: datetime
    after: states.Matter
    details: dict[str, Any]
    then: list[Callable[[], None]]


def domain_state(matter: Matter) -> states.Matter:
    return states.Matter(
        state=matter.state,
        level=matter.level,
        tier=matter.tier,
        extended=matter.extended_days > 0,
        satisfaction=matter.satisfaction,
        reopens=matter.reopens,
        converted=matter.converted,
    )


def lock(session: Session, matter_id: str) -> Matter | None:
    write_first(session, Matter.id, matter_id, Matter.updated_at)
    return session.scalars(select(Matter).where(Matter.id == matter_id).with_for_update()).first()


def deputies_on(session: Session, matter_id: str) -> set[str]:
    query = select(MatterDeputy.deputy_id).where(MatterDeputy.matter_id == matter_id)
    return set(session.scalars(query))


def departments_of(session: Session, matter_id: str) -> set[str]:
    query = select(MatterDepartment.department).where(MatterDepartment.matter_id == matter_id)
    return {name.strip() for name in session.scalars(query)}


def may_act(session: Session, guard: Guard, matter: Matter, action: str) -> bool:
    principal = guard.principal
    if "congress_staff" in principal.roles and principal.covers(matter.handling_area_code):
        return True
    if action == states.RESOLVE and roles.DEPARTMENT in principal.roles:
        mine = (principal.department or "").strip()
        if (
            mine
            and mine in departments_of(session, matter.id)
            and principal.covers(matter.area_code)
        ):
            return True
    me = deputy_of(session, principal)
    return me is not None and me.level == matter.level and me.id in deputies_on(session, matter.id)


def load_for_action(session: Session, guard: Guard, matter_id: str, action: str) -> Matter:
    allowed = roles.RESOLVE if action == states.RESOLVE else roles.ACT
    matter = lock(session, str(matter_id))
    if matter is None:
        guard.require(allowed)
        raise errors.matter_not_found()
    guard.require(allowed)
    if not may_act(session, guard, matter, action):
        raise guard.forbid(
            "matter_scope",
            "只能办理本人代办的事项或本地区正在办理的事项 (only matters you handle, in your area)",
            {"level": matter.level, "handling_area_code": matter.handling_area_code},
            matter.area_code,
        )
    return matter


def act_on_matter(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    matter_id: str,
    path_action: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """ "accept", {…} on a matter → the matter after it, or 409 with what its state allows."""
    action = ACTIONS[path_action]
    matter = load_for_action(session, guard, matter_id, action)
    act = staged(session, lambda: step(session, outbox, guard, matter, action, data, now))
    commit_or_conflict(session, CONFLICT)
    for done in act.then:
        done()
    return views.detail(session, matter)


def staged(session: Session, stage: Callable[[], Act]) -> Act:
    """Stage an action; a refusal half-way leaves nothing staged and releases the row lock."""
    try:
        return stage()
    except Exception:
        session.rollback()
        raise


def step(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    matter: Matter,
    action: str,
    data: dict[str, Any],
    now: datetime,
) -> Act:
    """Check and stage one action (and its step in the history); the caller commits."""
    missing = [name for name in NEEDS.get(action, ()) if data.get(name) is None]
    if missing:
        raise errors.missing(*missing)
    value = data.get("tier") if action == states.TIER else data.get("satisfaction")
    try:
        after = states.apply(domain_state(matter), action, value)
    except states.TransitionRefused as exc:
        details = {"state": exc.state, "allowed": list(exc.allowed)}
        raise errors.conflict(exc.message, details) from None
    act = Act(session, outbox, guard, matter, data, now, after, {}, [])
    level = matter.level  # the level the step was taken at (a report up moves the matter)
    actions.apply_effect(action, act)
    matter.state, matter.tier, matter.updated_at = after.state, after.tier, now
    recorded = action
    if action == states.RATE:  # the resident's own judgement, or a return visit (回访)
        recorded = "rate" if data.get("by") == "resident" else "return_visit"
    session.add(
        MatterStep(
            matter_id=matter.id,
            action=recorded,
            level=level,
            method=data.get("method"),
            details=dumps({**act.details, **_said(data)}),
            by=guard.principal.user_id,
            at=now,
        )
    )
    return act


def _said(data: dict[str, Any]) -> dict[str, Any]:
    """What the actor wrote, kept in the history (staff views only)."""
    kept = ("note", "reason", "result", "comment")
    return {name: data[name] for name in kept if data.get(name)}
