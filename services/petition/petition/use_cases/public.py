"""What the public sees of deputies and stations (码上找代表): names, places, how to reach them
— never an account, a personal phone or anything of a resident."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Deputy, Station
from ..domain import stations as duty
from ..domain.deputies import CONTACT_NAMES
from . import posts as duty_posts  # a module, not its names: posts → codes → public
from .common import area_name, loads, public_url, today

LEVEL_NAMES = {"city": "市级", "banner": "旗区级", "township": "苏木乡镇（街道）级"}


def level_name(level: str) -> str:
    return LEVEL_NAMES[level]


def kind_name(kind: str) -> str:
    return duty.KIND_NAMES[kind]


def slots(row: Station) -> list[duty.DutySlot]:
    return [duty.DutySlot(int(s["weekday"]), str(s["deputy_id"])) for s in loads(row.duty) or []]


def names_of(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(set(ids))))
    return {row.id: row.name for row in rows}


def station_view(session: Session, row: Station) -> dict[str, Any]:
    schedule = slots(row)
    names = names_of(session, [slot.deputy_id for slot in schedule])
    return {
        "name": row.name,
        "kind_name": kind_name(row.kind),
        "area_code": row.area_code,
        "area_name": area_name(row.area_code),
        "address": row.address,
        "lat": row.lat,
        "lng": row.lng,
        "phone": row.phone,
        "opening_hours": row.opening_hours,
        "duty": [
            {
                "weekday": slot.weekday,
                "weekday_name": duty.WEEKDAY_NAMES[slot.weekday],
                "deputy_name": names.get(slot.deputy_id, ""),
            }
            for slot in schedule
        ],
        "on_duty_today": [names[d] for d in duty.on_duty(schedule, today()) if d in names],
    }


def contact_words(row: Deputy, station: Station | None) -> str:
    if row.contact_policy == "phone" and row.public_phone:
        return f"{CONTACT_NAMES['phone']}：{row.public_phone}"
    if row.contact_policy == "station" and station is not None:
        return f"{CONTACT_NAMES['station']}：{station.name}（{station.address}）"
    return "扫码在线反映，代表将尽快联系您 (online: the deputy will contact you)"


def deputy_view(session: Session, row: Deputy) -> dict[str, Any]:
    station = session.get(Station, row.station_id) if row.station_id else None
    return {
        "name": row.name,
        "level": row.level,
        "level_name": level_name(row.level),
        "area_code": row.area_code,
        "area_name": area_name(row.area_code),
        "delegation": row.delegation,
        "specialties": loads(row.specialties) or [],
        "contact_policy": row.contact_policy,
        "contact": contact_words(row, station),
        "public_phone": row.public_phone if row.contact_policy == "phone" else None,
        "station": station_view(session, station) if station else None,
        "recent_posts": duty_posts.recent_duty_posts(session, row),
    }


def home_area(session: Session, row: Deputy | Station) -> str:
    """Where a matter sent through the holder's code belongs: the station's area, else the
    deputy's own."""
    if isinstance(row, Deputy) and row.station_id:
        station = session.get(Station, row.station_id)
        return station.area_code if station else row.area_code
    return row.area_code


def holder_view(session: Session, kind: str, row: Deputy | Station) -> dict[str, Any]:
    return {
        "code": row.public_code,
        "kind": kind,
        "url": public_url(row.public_code),
        "deputy": deputy_view(session, row) if isinstance(row, Deputy) else None,
        "station": station_view(session, row) if isinstance(row, Station) else None,
        "area_code": home_area(session, row),
    }
