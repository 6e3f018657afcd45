"""Matters as staff and deputies see them: one matter with its history, and lists within the
caller's scope — congress and government staff every matter of their area and below, department
staff those routed to their department, a deputy those addressed to them and those they
co-handle. The resident's contact appears in the one-matter view only."""

from datetime import date
from typing import Any

from contracts import matters as contract
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter, MatterDepartment, MatterDeputy, MatterProposal, MatterStep
from ..domain import matters as states
from ..domain.matters import TIER_NAMES
from . import handling, public
from .common import area, deputy_of, loads, page, today
from .timelimits import running_due

STEP_NAMES = {
    **states.ACTION_NAMES,
    "submit": "登记",
    "rate": "群众评价",
    "return_visit": "回访",
    "screened": "建议已答复",
    "open311_update": "对接系统反馈进展",  # an Open311 integrator's update
}
VERDICT_NAMES = {
    None: "已转为民生实事建议，等待筛选答复",
    "in_library": "已列入民生实事项目库",
    "rejected": "暂未列入民生实事项目",
    "needs_info": "需补充信息",
}


def summary(matter: Matter, names: dict[str, str], on: date) -> dict[str, Any]:
    due = running_due(matter)
    return {
        "id": matter.id,
        "tracking_code": matter.tracking_code,
        "title": matter.title,
        "category": matter.category,
        "channel": matter.channel,
        "area_code": matter.area_code,
        "level": matter.level,
        "origin_level": matter.origin_level,
        "state": matter.state,
        "state_name": states.STATE_NAMES[matter.state],
        "tier": matter.tier,
        "tier_name": TIER_NAMES.get(matter.tier or ""),
        "deputy_id": matter.deputy_id,
        "deputy_name": names.get(matter.deputy_id or ""),
        "station_id": matter.station_id,
        "received_at": matter.received_at,
        "due": due,
        "overdue": due is not None and on > due,
    }


def fate(session: Session, matter_id: str) -> dict[str, Any] | None:
    row = session.get(MatterProposal, matter_id)
    if row is None:
        return None
    return {
        "converted_at": row.converted_at,
        "title": row.title,
        "proposal_tracking_code": row.proposal_tracking_code,
        "verdict": row.verdict,
        "verdict_name": VERDICT_NAMES[row.verdict],
        "reason": row.reason,
        "year": row.year,
    }


def steps_of(session: Session, matter_id: str) -> list[MatterStep]:
    query = select(MatterStep).where(MatterStep.matter_id == matter_id)
    return list(session.scalars(query.order_by(MatterStep.at, MatterStep.id)))


def detail(session: Session, matter: Matter) -> dict[str, Any]:
    parties = session.scalars(select(MatterDeputy).where(MatterDeputy.matter_id == matter.id))
    co = [party.deputy_id for party in parties if party.role != "addressed"]
    routed = session.scalars(
        select(MatterDepartment).where(MatterDepartment.matter_id == matter.id)
        .order_by(MatterDepartment.routed_at)
    )  # fmt: skip
    names = public.names_of(session, [matter.deputy_id or "", *co])
    return dump(
        contract.MatterDetail,
        {
            **summary(matter, names, today()),
            "text": matter.text,
            "location": {"text": matter.location_text, "lat": matter.lat, "lng": matter.lng},
            "attachments": loads(matter.attachments) or [],
            "resident_name": matter.resident_name,
            "resident_phone": matter.resident_phone,
            "accept_due": matter.accept_due,
            "accepted_at": matter.accepted_at,
            "handle_due": matter.handle_due,
            "extended_days": matter.extended_days,
            "resolved_at": matter.resolved_at,
            "result": matter.result,
            "satisfaction": matter.satisfaction,
            "reopens": matter.reopens,
            "co_deputies": co,
            "departments": [
                {"department": d.department, "due_date": d.due_date, "routed_at": d.routed_at}
                for d in routed
            ],
            "allowed_actions": list(states.allowed_actions(handling.domain_state(matter))),
            "steps": [
                {
                    "action": s.action,
                    "action_name": STEP_NAMES.get(s.action, s.action),
                    "level": s.level,
                    "at": s.at,
                    "by": s.by,
                    "method": s.method,
                    "details": loads(s.details) or {},
                }
                for s in steps_of(session, matter.id)
            ],
            "proposal": fate(session, matter.id),
        },
    )


def may_read(session: Session, guard: Guard, matter: Matter) -> bool:
    principal = guard.principal
    if set(principal.roles) & roles.AREA_WIDE and principal.covers(matter.area_code):
        return True
    if roles.DEPARTMENT in principal.roles and principal.covers(matter.area_code):
        mine = (principal.department or "").strip()
        if mine and mine in handling.departments_of(session, matter.id):
            return True
    me = deputy_of(session, principal)
    return me is not None and me.id in handling.deputies_on(session, matter.id)


def get_matter(session: Session, guard: Guard, matter_id: str) -> dict[str, Any]:
    matter = session.get(Matter, str(matter_id))
    guard.require(roles.MATTER_READ)
    if matter is None:
        raise errors.matter_not_found()
    if not may_read(session, guard, matter):
        raise guard.forbid(
            "matter_scope",
            "只能查看本人代办、本部门承办或本地区的事项 (not a matter of yours or your area)",
            {},
            matter.area_code,
        )
    return detail(session, matter)


def _scope(session: Session, guard: Guard) -> Any:
    """The caller's matters beyond the area: None for area-wide staff."""
    principal = guard.principal
    if set(principal.roles) & roles.AREA_WIDE:
        return None
    if roles.DEPARTMENT in principal.roles and principal.department:
        routed = select(MatterDepartment.matter_id).where(
            MatterDepartment.department == principal.department.strip()
        )
        return Matter.id.in_(routed)
    me = deputy_of(session, principal)
    if me is None:
        raise guard.forbid(
            "no_deputy_profile",
            "该账号未关联代表信息或部门 (no deputy profile or department on this account)",
            {},
        )
    return Matter.id.in_(select(MatterDeputy.matter_id).where(MatterDeputy.deputy_id == me.id))


def overdue_clause(on: date) -> Any:
    return or_(
        and_(Matter.state == states.RECEIVED, Matter.accept_due < on),
        and_(Matter.state.in_((states.ACCEPTED, states.HANDLING)), Matter.handle_due < on),
    )


def list_matters(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.MATTER_READ, place.code)
    where = [Matter.area_path.startswith(place.path)]
    scope = _scope(session, guard)
    if scope is not None:
        where.append(scope)
    for name in ("state", "tier"):
        if query.get(name):
            where.append(getattr(Matter, name) == query[name])
    on = today()
    if query.get("overdue") is not None:
        where.append(overdue_clause(on) if query["overdue"] else ~overdue_clause(on))
    total = session.scalar(select(func.count()).select_from(Matter).where(*where)) or 0
    offset, limit = page(query)
    rows = list(session.scalars(
        select(Matter).where(*where).order_by(Matter.received_at.desc(), Matter.id)
        .offset(offset).limit(limit)
    ))  # fmt: skip
    names = public.names_of(session, [row.deputy_id for row in rows if row.deputy_id])
    items = [summary(row, names, on) for row in rows]
    return dump(
        contract.MatterPage,
        {"items": items, "total": total, "page": query["page"], "page_size": limit},
    )
