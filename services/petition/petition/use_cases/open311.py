"""Open311 GeoReport v2, the reading side: the services (matter categories) of a jurisdiction
with the promise its time limits make, its service requests (matters) within the spec's 90
days and 1,000 records, one request, a token's request, and mySociety's servicerequestupdates
(the public steps of matters). Anyone may read: nothing here is the resident's or a note.

POSTed requests, updates and the integrators' keys: petition.use_cases.open311_intake.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from contracts import matters as vocabulary
from servicekit import areas
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .. import errors
from ..db.matters import Matter, MatterDepartment, MatterStep
from ..db.open311 import Open311Request
from ..domain import matters as states
from ..domain import open311 as o
from ..domain import timelimits as t
from .common import area, area_name, loads
from .timelimits import rules_for, running_due
from .views import STEP_NAMES

UPDATE_ACTION = "open311_update"  # an integrator's POSTed update, kept as a step


def promise(session: Session, area_code: str, category: str, stage: str = t.ACCEPT) -> str:
    rules = rules_for(session, area_code)
    accept, handle = t.pick(rules, stage, None, category), t.pick(rules, t.HANDLE, None, category)
    return o.service_notice(
        o.Limit(accept.limit, accept.unit, accept.starts),
        o.Limit(handle.limit, handle.unit, handle.starts),
        rules.max_extension,
    )


def get_georeport_services(session: Session, jurisdiction_id: str) -> list[dict[str, Any]]:
    place = area(jurisdiction_id)
    return [
        o.service(category, promise(session, place.code, category))
        for category in vocabulary.MATTER_CATEGORIES
    ]


def get_georeport_service(session: Session, jurisdiction_id: str, code: str) -> dict[str, Any]:
    area(jurisdiction_id)
    category = o.CATEGORY_OF_CODE.get(code)
    if category is None:
        raise errors.open311_service_not_found(code)
    return o.definition(category)


def _spec(call: Any) -> Any:
    """The spec's refusals (a range, a status) as a 400 naming the field."""
    try:
        return call()
    except o.Open311Error as exc:
        raise errors.invalid(exc.message, exc.field) from None


def _filtered(query: dict[str, Any], place: areas.Area, now: datetime) -> Select[tuple[Matter]]:
    within = select(Matter).where(Matter.area_path.startswith(place.path))
    ids = o.codes(query.get("service_request_id"))
    if ids:  # the spec: ids override every other argument
        return within.where(Matter.id.in_(ids))
    start, end = _spec(lambda: o.window(query.get("start_date"), query.get("end_date"), now))
    chosen = within.where(Matter.received_at >= start, Matter.received_at <= end)
    status = _spec(lambda: o.codes((query.get("status") or "").lower(), o.STATUSES))
    if len(status) == 1:
        closed = Matter.state.in_(o.CLOSED_STATES)
        chosen = chosen.where(closed if status[0] == o.CLOSED else ~closed)
    services = _spec(lambda: o.codes(query.get("service_code"), o.CATEGORY_OF_CODE))
    if services:
        chosen = chosen.where(Matter.category.in_([o.CATEGORY_OF_CODE[s] for s in services]))
    return chosen


def list_georeport_requests(
    session: Session, query: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    place = area(query["jurisdiction_id"])
    chosen = _filtered(query, place, now)
    ordered = chosen.order_by(Matter.received_at.desc(), Matter.id).limit(o.MAX_RECORDS)
    return requests_of(session, list(session.scalars(ordered)))


def requests_of(session: Session, matters: list[Matter]) -> list[dict[str, Any]]:
    agencies: dict[str, list[str]] = {}
    ids = [m.id for m in matters]
    for row in session.scalars(select(MatterDepartment).where(MatterDepartment.matter_id.in_(ids))):
        agencies.setdefault(row.matter_id, []).append(row.department)
    promises: dict[tuple[str, str, str], str] = {}
    found = []
    for matter in matters:
        key = (matter.handling_area_code, matter.category, matter.accept_stage)
        if key not in promises:
            promises[key] = promise(session, *key)
        found.append(o.request(_view(matter, agencies.get(matter.id), promises[key])))
    return found


def _view(matter: Matter, departments: list[str] | None, notice: str) -> o.MatterView:
    agency = (
        "、".join(sorted(departments or [])) or f"{area_name(matter.handling_area_code)}人大代表"
    )
    return o.MatterView(
        id=matter.id,
        category=matter.category,
        title=matter.title,
        state=matter.state,
        state_name=states.STATE_NAMES[matter.state],
        tier=matter.tier,
        tier_name=states.TIER_NAMES.get(matter.tier or ""),
        level=matter.level,
        area_code=matter.area_code,
        agency=agency,
        result=matter.result,
        received_at=matter.received_at,
        updated_at=matter.updated_at,
        due=running_due(matter),
        address=matter.location_text,
        lat=matter.lat,
        lng=matter.lng,
        notice=notice,
    )


def _in(session: Session, place: areas.Area, matter_id: str) -> Matter:
    matter = session.get(Matter, str(matter_id)[:36])
    if matter is None or not matter.area_path.startswith(place.path):
        raise errors.matter_not_found()
    return matter


def get_georeport_request(
    session: Session, jurisdiction_id: str, matter_id: str
) -> list[dict[str, Any]]:
    return requests_of(session, [_in(session, area(jurisdiction_id), matter_id)])


def get_georeport_token(session: Session, jurisdiction_id: str, token: str) -> list[dict[str, Any]]:
    place = area(jurisdiction_id)
    link = session.scalar(select(Open311Request).where(Open311Request.token == str(token)))
    if link is None:
        raise errors.open311_token_not_found()
    matter = _in(session, place, link.matter_id)
    return [{"token": link.token, "service_request_id": matter.id}]


def list_georeport_updates(
    session: Session, query: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Every step of the jurisdiction's matters in the range, newest first: what the tracking
    page calls it, or the text an integrator POSTed; the status after the step."""
    place = area(query["jurisdiction_id"])
    start, end = _spec(lambda: o.window(query.get("start_date"), query.get("end_date"), now))
    chosen = (
        select(MatterStep)
        .join(Matter, Matter.id == MatterStep.matter_id)
        .where(
            Matter.area_path.startswith(place.path), MatterStep.at >= start, MatterStep.at <= end
        )
        .order_by(MatterStep.at.desc(), MatterStep.id.desc())
        .limit(o.MAX_RECORDS)
    )
    steps = list(session.scalars(chosen))
    after = _statuses(session, {step.matter_id for step in steps})
    return [o.update(_update_view(step, after[step.id])) for step in steps]


def _statuses(session: Session, matter_ids: Iterable[str]) -> dict[int, str]:
    every = session.execute(
        select(MatterStep.matter_id, MatterStep.id, MatterStep.action)
        .where(MatterStep.matter_id.in_(list(matter_ids)))
        .order_by(MatterStep.matter_id, MatterStep.id)
    ).all()
    by_matter: dict[str, list[tuple[int, str]]] = {}
    for matter_id, step_id, action in every:
        by_matter.setdefault(matter_id, []).append((step_id, action))
    found: dict[int, str] = {}
    for steps in by_matter.values():
        statuses = o.statuses_after([action for _, action in steps])
        found.update(
            {step_id: status for (step_id, _), status in zip(steps, statuses, strict=True)}
        )
    return found


def _update_view(step: MatterStep, status: str) -> o.UpdateView:
    details = loads(step.details) or {}
    posted = step.action == UPDATE_ACTION
    return o.UpdateView(
        update_id=str(step.id),
        service_request_id=step.matter_id,
        status=status,
        at=step.at,
        description=str(details.get("description", ""))
        if posted
        else STEP_NAMES.get(step.action, step.action),
        media_url=details.get("media_url") if posted else None,
    )
