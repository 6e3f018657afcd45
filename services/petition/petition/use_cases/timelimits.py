"""Time-limit rules per area, versioned: an area's latest version applies to it and to every
area under it that has none of its own; without any, the built-in defaults (信访工作条例, and 3
working days for a deputy's first contact). And the running due day of a matter under them."""

from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from contracts import matters as vocabulary
from contracts import time_limits as contract
from servicekit import areas
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import intake as intake_db
from ..db.matters import Matter, TimeLimitVersion
from ..domain import matters as states
from ..domain import timelimits as t
from . import calendar
from .common import area, dumps, loads

SUBJECTS = (*vocabulary.TIERS, *vocabulary.MATTER_CATEGORIES)


def _body(rule_set: t.RuleSet) -> dict[str, Any]:
    return {
        "rules": [rule.as_dict() for rule in rule_set.rules],
        "max_extension": rule_set.max_extension,
        "steps": [{"step": step, "threshold": threshold} for step, threshold in rule_set.steps],
    }


def _rule_set(body: dict[str, Any]) -> t.RuleSet:
    rules = tuple(
        t.Rule(r["stage"], r["applies_to"], r["limit"], r["unit"], r["starts"])
        for r in body["rules"]
    )
    steps = tuple((s["step"], s["threshold"]) for s in body["steps"])
    return t.RuleSet(rules, body["max_extension"], steps)


def _chain(area_code: str) -> list[str]:
    """`area_code` and the areas above it, the city first."""
    place = areas.load().get(area_code)
    return [code for code in (place.path if place else f"/{area_code}/").split("/") if code]


def version_for(session: Session, area_code: str) -> TimeLimitVersion | None:
    """The latest version of the nearest area at or above `area_code` that has one."""
    chain = _chain(area_code)
    latest = (
        select(TimeLimitVersion)
        .where(TimeLimitVersion.area_code.in_(chain))
        .order_by(TimeLimitVersion.version.desc())
    )
    found = {row.area_code: row for row in reversed(session.scalars(latest).all())}
    return next((found[code] for code in reversed(chain) if code in found), None)


def rules_for(session: Session, area_code: str) -> t.RuleSet:
    """The rules `version_for` names, read in one built statement (every submission and step
    asks): the latest version of each area of the chain, the nearest one applies. Read on
    every call, so a version another process adds applies at once."""
    chain = _chain(area_code)
    found = {row.area_code: row.body for row in intake_db.latest_rules(session, chain)}
    body = next((found[code] for code in reversed(chain) if code in found), None)
    return t.DEFAULT_RULES if body is None else _parsed_rules(body)


@lru_cache(maxsize=256)
def _parsed_rules(body: str) -> t.RuleSet:
    """A version's body, parsed once per distinct text: the result is immutable (frozen
    dataclasses and tuples), and the same text always means the same rules."""
    return _rule_set(loads(body))


def get_time_limits(session: Session, guard: Guard, area_code: str) -> dict[str, Any]:
    place = area(area_code)
    guard.require(roles.READ, place.code)
    row = version_for(session, place.code)
    body = _body(t.DEFAULT_RULES) if row is None else loads(row.body)
    return dump(
        contract.TimeLimits,
        {
            "area_code": place.code,
            "version": row.version if row else 0,
            "set_for": row.area_code if row else None,
            **body,
            "reason": row.reason if row else None,
            "set_by": row.set_by if row else None,
            "set_at": row.set_at if row else None,
        },
    )


def put_time_limits(
    session: Session, guard: Guard, area_code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Version n + 1 of the area's rules, checked whole (422 for a set that cannot answer every
    matter); matters keep the due days already computed, new time limits follow the new set."""
    place = area(area_code)
    principal = guard.require(roles.RULES, place.code)
    steps = data["steps"] if data.get("steps") is not None else _body(t.DEFAULT_RULES)["steps"]
    body = {"rules": data["rules"], "max_extension": data["max_extension"], "steps": steps}
    try:
        t.check(_rule_set(body), SUBJECTS)
    except t.RuleError as exc:
        raise errors.rule(exc.message, {"field": exc.field}) from None
    latest = session.scalar(
        select(func.max(TimeLimitVersion.version)).where(TimeLimitVersion.area_code == place.code)
    )
    session.add(
        TimeLimitVersion(
            area_code=place.code,
            version=(latest or 0) + 1,
            body=dumps(body),
            reason=data["reason"],
            set_by=principal.user_id or "",
            set_at=now,
        )
    )
    commit_or_conflict(session, "时限规则正被他人同时修改，请重试 (changed meanwhile: retry)")
    return get_time_limits(session, guard, place.code)


def refresh_due(session: Session, matter: Matter | SimpleNamespace, level: str) -> None:
    """(Re)compute the running time limit's last day: acceptance while received, handling while
    accepted or handling. A day in an unknown year leaves it pending (and counted)."""
    if matter.state not in states.OPEN_STATES:
        return
    rules = rules_for(session, matter.handling_area_code)
    work = calendar.work_calendar(session)
    try:
        if matter.state == states.RECEIVED:
            rule = t.pick(rules, matter.accept_stage, None, matter.category)
            matter.accept_due = t.due_date(matter.accept_started_on, rule, work)
        else:
            rule = t.pick(rules, t.HANDLE, matter.tier, matter.category)
            start = matter.handle_started_on or matter.received_on
            base = t.due_date(start, rule, work)
            matter.handle_due = t.extended_due(base, matter.extended_days, rule, work)
    except UnknownYear as exc:
        if matter.state == states.RECEIVED:
            matter.accept_due = None
        else:
            matter.handle_due = None
        matter.due_pending_year = exc.year
        calendar.refused(level, exc)
        return
    matter.due_unit, matter.due_pending_year = rule.unit, None


def running_due(matter: Matter) -> Any:
    if matter.state == states.RECEIVED:
        return matter.accept_due
    if matter.state in (states.ACCEPTED, states.HANDLING):
        return matter.handle_due
    return None


def running_stage(matter: Matter) -> str | None:
    if matter.state == states.RECEIVED:
        return "accept"
    return "handle" if matter.state in (states.ACCEPTED, states.HANDLING) else None
