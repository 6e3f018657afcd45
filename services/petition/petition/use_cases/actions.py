"""What each action does to a matter beyond its state (petition.use_cases.handling checks and
records it): the departments and deputies it brings in, the time limits it starts, the events
it publishes — `matter_escalated_v1`, `matter_resolved_v1`, `matter_converted_to_proposal_v1`
— and the metrics it counts once committed."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from contracts.events import MATTER_CONVERTED_TO_PROPOSAL, MATTER_ESCALATED, MATTER_RESOLVED
from contracts.reference import CATEGORIES
from servicekit import areas
from sqlalchemy import select

from .. import errors
from ..db.matters import MatterDepartment, MatterDeputy, MatterProposal
from ..db.models import Deputy
from ..domain import matters as states
from ..domain import timelimits as t
from ..metrics import (
    MATTERS_ACCEPTED,
    MATTERS_CONVERTED,
    MATTERS_ESCALATED,
    MATTERS_RATED,
    MATTERS_REOPENED,
    MATTERS_RESOLVED,
    MATTERS_TIERED,
)
from . import timelimits
from .common import business_day, dumps

if TYPE_CHECKING:
    from .handling import Act


def _then(act: "Act", done: Callable[[], None]) -> None:
    act.then.append(done)


def accept(act: "Act") -> None:
    matter = act.matter
    matter.accepted_at = act.now
    matter.handle_started_on = business_day(act.now)
    matter.state = states.ACCEPTED  # the due day below is the handling one
    timelimits.refresh_due(act.session, matter, act.guard.level)
    act.details["handle_due"] = str(matter.handle_due) if matter.handle_due else None
    _then(act, lambda: MATTERS_ACCEPTED.inc(act.guard.level))


def tier(act: "Act") -> None:
    matter, data, tier = act.matter, act.data, act.after.tier or ""
    if tier == states.DIVERSION:
        _need(data, "department", "due_date")
        _route(act, data["department"], data["due_date"])
    if tier == states.JOINT:
        _joint(act)
    matter.tier, matter.state = tier, states.HANDLING
    timelimits.refresh_due(act.session, matter, act.guard.level)
    act.details["tier"] = tier
    _then(act, lambda: MATTERS_TIERED.inc(act.guard.level, tier=tier))


def _need(data: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if data.get(name) in (None, [], "")]
    if missing:
        raise errors.missing(*missing)


def _joint(act: "Act") -> None:
    """联合代办: several deputies and departments, and the meeting where they agreed."""
    data = act.data
    _need(data, "meeting")
    parties = len(set(data["deputy_ids"])) + len(set(data["departments"]))
    if parties < 2:
        raise errors.invalid(
            "联合代办须有至少两方（代表或部门）(joint handling needs two parties at least)",
            "deputy_ids",
        )
    for deputy_id in dict.fromkeys(data["deputy_ids"]):
        if act.session.get(Deputy, deputy_id) is None:
            raise errors.invalid(f"代表不存在 (no such deputy): {deputy_id}", "deputy_ids")
        _add_deputy(act, deputy_id, "co")
    for department in dict.fromkeys(data["departments"]):
        _route(act, department, data.get("due_date"))
    act.details["meeting"] = data["meeting"]


def _add_deputy(act: "Act", deputy_id: str, role: str) -> None:
    query = select(MatterDeputy).where(
        MatterDeputy.matter_id == act.matter.id, MatterDeputy.deputy_id == deputy_id
    )
    if act.session.scalars(query).first() is None:
        act.session.add(
            MatterDeputy(matter_id=act.matter.id, deputy_id=deputy_id, role=role, added_at=act.now)
        )


def _route(act: "Act", department: str, due: Any) -> None:
    name = department.strip()
    found = act.session.get(MatterDepartment, (act.matter.id, name))
    if found is None:
        found = MatterDepartment(matter_id=act.matter.id, department=name)
        act.session.add(found)
    found.due_date, found.routed_by, found.routed_at = (
        due,
        act.guard.principal.user_id or "",
        act.now,
    )
    act.details.setdefault("departments", []).append(name)


def route(act: "Act") -> None:
    _route(act, act.data["department"], act.data["due_date"])


def report_up(act: "Act") -> None:
    """上报: the next level up receives it anew; its history stays."""
    matter, data = act.matter, act.data
    parent = areas.require(matter.handling_area_code).parent
    if parent is None:
        raise errors.rule("没有上级地区 (no area above)")
    upper = areas.require(parent)
    handler = _upper_deputy(act, data.get("to_deputy_id"), upper)
    before = matter.level
    matter.level, matter.handling_area_code = upper.level, upper.code
    matter.escalations += 1
    matter.state, matter.tier = states.RECEIVED, None
    matter.accept_stage = t.FIRST_CONTACT if handler else t.ACCEPT
    matter.accept_started_on = business_day(act.now)
    matter.accept_due = matter.handle_due = matter.handle_started_on = None
    timelimits.refresh_due(act.session, matter, act.guard.level)
    act.details.update({"from_level": before, "to_level": upper.level, "to_area": upper.code})
    act.outbox.add(
        act.session,
        MATTER_ESCALATED,
        {
            "matter_id": matter.id,
            "handling_area_code": upper.code,
            "area_code": matter.area_code,
            "from_level": before,
            "level": upper.level,
            "escalations": matter.escalations,
            "escalated_at": act.now,
        },
        area_code=matter.area_code,
        level=upper.level,
    )
    _then(act, lambda: MATTERS_ESCALATED.inc(act.guard.level, to=upper.level))


def _upper_deputy(act: "Act", deputy_id: str | None, upper: areas.Area) -> Deputy | None:
    if not deputy_id:
        return None
    deputy = act.session.get(Deputy, deputy_id)
    if deputy is None or deputy.level != upper.level or not upper.path.startswith(deputy.area_path):
        raise errors.invalid(
            "接办代表须为上级人大代表 (the deputy must be a deputy of the level above)",
            "to_deputy_id",
        )
    _add_deputy(act, deputy.id, "handler")
    return deputy


def extend(act: "Act") -> None:
    rules = timelimits.rules_for(act.session, act.matter.handling_area_code)
    try:
        t.check_extension(act.data["days"], rules)
    except t.RuleError as exc:
        raise errors.rule(exc.message, {"max_extension": rules.max_extension}) from None
    act.matter.extended_days = act.data["days"]
    timelimits.refresh_due(act.session, act.matter, act.guard.level)
    act.details.update({"days": act.data["days"], "handle_due": str(act.matter.handle_due)})


def resolve(act: "Act") -> None:
    matter = act.matter
    matter.resolved_at, matter.resolved_on = act.now, business_day(act.now)
    matter.result = act.data["result"]
    matter.documents = dumps(act.data.get("documents") or [])
    matter.satisfaction = matter.rated_by = None
    on_time = None if matter.handle_due is None else matter.resolved_on <= matter.handle_due
    local = states.resolved_locally(matter.origin_level, matter.level)
    act.outbox.add(
        act.session,
        MATTER_RESOLVED,
        {
            "matter_id": matter.id,
            "area_code": matter.area_code,
            "level": matter.level,
            "origin_level": matter.origin_level,
            "tier": matter.tier or "",
            "on_time": on_time,
            "resolved_locally": local,
            "reopens": matter.reopens,
            "resolved_at": act.now,
        },
        area_code=matter.area_code,
        level=matter.level,
    )
    tier, local_label = matter.tier or "", "yes" if local else "no"
    _then(act, lambda: MATTERS_RESOLVED.inc(act.guard.level, tier=tier, local=local_label))


def rate(act: "Act") -> None:
    act.matter.satisfaction, act.matter.rated_by = act.after.satisfaction, act.data["by"]
    act.details["satisfaction"] = act.after.satisfaction
    rating, by = act.after.satisfaction or "", act.data["by"]
    _then(act, lambda: MATTERS_RATED.inc(act.guard.level, rating=rating, by=by))


def reopen(act: "Act") -> None:
    matter = act.matter
    matter.reopens, matter.satisfaction, matter.rated_by = act.after.reopens, None, None
    matter.resolved_at = matter.resolved_on = None
    matter.handle_started_on, matter.state = business_day(act.now), states.HANDLING
    timelimits.refresh_due(act.session, matter, act.guard.level)
    _then(act, lambda: MATTERS_REOPENED.inc(act.guard.level))


def convert(act: "Act") -> None:
    """The matter becomes next year's livelihood proposal (collection makes it one)."""
    matter, data = act.matter, act.data
    category = data.get("category") or (matter.category if matter.category in CATEGORIES else None)
    if category is None:
        raise errors.invalid("须选择建议类别 (choose the proposal's category)", "category")
    deputy = act.session.get(Deputy, matter.deputy_id) if matter.deputy_id else None
    matter.converted = True
    act.session.add(
        MatterProposal(
            matter_id=matter.id,
            title=data["title"],
            converted_by=act.guard.principal.user_id or "",
            converted_at=act.now,
        )
    )
    act.outbox.add(
        act.session,
        MATTER_CONVERTED_TO_PROPOSAL,
        {
            "matter_id": matter.id,
            "area_code": matter.area_code,
            "level": areas.require(matter.area_code).level,
            "title": data["title"],
            "description": data["description"],
            "category": category,
            "location_text": matter.location_text,
            "deputy_name": deputy.name if deputy else None,
            "converted_at": act.now,
        },
        area_code=matter.area_code,
        level=areas.require(matter.area_code).level,
    )
    act.details["title"] = data["title"]
    _then(act, lambda: MATTERS_CONVERTED.inc(act.guard.level))


def apply_effect(action: str, act: "Act") -> None:
    """The effect of `action` (named calls: tests/support/refusals.py reads what each can
    refuse with from the calls it makes)."""
    if action == states.ACCEPT:
        accept(act)
    elif action == states.TIER:
        tier(act)
    elif action == states.ROUTE:
        route(act)
    elif action == states.REPORT_UP:
        report_up(act)
    elif action == states.EXTEND:
        extend(act)
    elif action == states.RESOLVE:
        resolve(act)
    elif action == states.RATE:
        rate(act)
    elif action == states.REOPEN:
        reopen(act)
    elif action == states.CONVERT:
        convert(act)
    else:
        raise ValueError(f"unknown action {action!r}")
