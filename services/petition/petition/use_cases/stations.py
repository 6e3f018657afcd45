"""Liaison stations and deputy homes (代表联络站、代表之家): address, coordinates, duty schedule,
a public code of their own."""

import uuid
from datetime import datetime
from typing import Any

from contracts import petition as contract
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.models import Deputy, Station
from ..domain import stations as duty
from . import codes, public
from .common import area, area_name, dumps, page, public_url

TAKEN = "该地区已有同名联络站 (a station of that name exists in the area)"


def _schedule(session: Session, place_path: str, slots: list[dict[str, Any]]) -> str:
    """The duty schedule, its deputies checked: each must be a deputy of the area or above
    (a city deputy may keep hours at a township's station), never of another place."""
    duty_slots = [duty.DutySlot(s["weekday"], s["deputy_id"]) for s in slots]
    ids = {slot.deputy_id for slot in duty_slots}
    query = select(Deputy.id, Deputy.area_path).where(Deputy.id.in_(ids))
    known = session.execute(query).all() if ids else []
    allowed = {row.id for row in known if place_path.startswith(row.area_path)}
    try:
        duty.check_schedule(duty_slots, allowed)
    except duty.ScheduleError as exc:
        raise errors.invalid(exc.message, "duty") from None
    return dumps([{"weekday": s.weekday, "deputy_id": s.deputy_id} for s in duty_slots])


def _fill(row: Station, data: dict[str, Any]) -> None:
    row.name, row.kind, row.address = data["name"], data["kind"], data["address"]
    row.lat, row.lng, row.phone = data["lat"], data["lng"], data["phone"]
    row.opening_hours = data["opening_hours"]


def create_station(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(roles.KEEP, place.code)

    def create() -> dict[str, Any]:
        row = Station(id=str(uuid.uuid4()), area_code=place.code, area_path=place.path)
        row.level, row.created_by, row.created_at, row.updated_at = (
            place.level, principal.user_id or "", now, now
        )  # fmt: skip
        _fill(row, data)
        row.duty = _schedule(session, place.path, data["duty"])
        row.public_code = codes.issue(session, "station", row.id, place.level, now)
        session.add(row)
        if _name_taken(session, row):
            raise errors.conflict(TAKEN, {"name": row.name})
        session.flush()
        return station(session, row)

    scope = idempotency.scope_of("create_station", principal)
    return idempotency.create_once(session, scope, idempotency.Request(key, data), create)


def _name_taken(session: Session, row: Station) -> bool:
    query = select(Station.id).where(
        Station.area_code == row.area_code, Station.name == row.name, Station.id != row.id
    )
    return session.scalar(query) is not None


def put_station(
    session: Session, guard: Guard, station_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The whole station again (the schedule included); its area and public code stay."""
    row = load_station(session, guard, station_id, roles.KEEP)
    if data["area_code"] != row.area_code:
        raise errors.invalid("联络站的地区不能更改 (a station's area cannot change)", "area_code")
    _fill(row, data)
    row.duty, row.updated_at = _schedule(session, row.area_path, data["duty"]), now
    if _name_taken(session, row):
        raise errors.conflict(TAKEN, {"name": row.name})
    commit_or_conflict(session, TAKEN)
    return station(session, row)


def station(session: Session, row: Station) -> dict[str, Any]:
    schedule = public.slots(row)
    names = public.names_of(session, [slot.deputy_id for slot in schedule])
    return dump(
        contract.Station,
        {
            "id": row.id,
            "area_code": row.area_code,
            "area_name": area_name(row.area_code),
            "level": row.level,
            "name": row.name,
            "kind": row.kind,
            "kind_name": public.kind_name(row.kind),
            "address": row.address,
            "lat": row.lat,
            "lng": row.lng,
            "phone": row.phone,
            "opening_hours": row.opening_hours,
            "duty": [
                {
                    "weekday": slot.weekday,
                    "weekday_name": duty.WEEKDAY_NAMES[slot.weekday],
                    "deputy_id": slot.deputy_id,
                    "deputy_name": names.get(slot.deputy_id, ""),
                }
                for slot in schedule
            ],
            "public_code": row.public_code,
            "public_url": public_url(row.public_code),
        },
    )


def load_station(
    session: Session, guard: Guard, station_id: str, allowed: frozenset[str]
) -> Station:
    row = session.get(Station, str(station_id))
    if row is None:
        guard.require(allowed)
        raise errors.station_not_found()
    guard.require(allowed, row.area_code)
    return row


def get_station(session: Session, guard: Guard, station_id: str) -> dict[str, Any]:
    return station(session, load_station(session, guard, station_id, roles.READ))


def list_stations(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.READ, place.code)
    where = Station.area_path.startswith(place.path)
    total = session.scalar(select(func.count()).select_from(Station).where(where)) or 0
    offset, limit = page(query)
    rows = session.scalars(
        select(Station).where(where).order_by(Station.area_path, Station.name)
        .offset(offset).limit(limit)
    )  # fmt: skip
    items = [station(session, row) for row in rows]
    return {"items": items, "total": total, "page": query["page"], "page_size": limit}


def get_station_qr(session: Session, guard: Guard, station_id: str, image: str) -> dict[str, Any]:
    if image not in contract.QR_IMAGES:
        raise errors.station_not_found()
    return codes.qr_file(load_station(session, guard, station_id, roles.READ), "station", image)


def get_station_poster(session: Session, guard: Guard, station_id: str) -> dict[str, Any]:
    row = load_station(session, guard, station_id, roles.READ)
    poster = codes.poster_of(session, row, "station")
    return codes.poster_file(poster, row.name, "station", row.public_code)
