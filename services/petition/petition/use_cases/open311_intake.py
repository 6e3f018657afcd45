"""Open311's writing side: a POSTed service request becomes a matter (channel `open311`) in
the jurisdiction's area through intake's own way in (intake.admit: first step, time limit,
event, metric), filed with an integrator's api_key that covers that area; mySociety's POST
servicerequestupdates records an integrator's update as a step, once per update_id; and the
keys themselves, issued and revoked by administrators and kept as SHA-256 hashes (a key is
32 random bytes: a slow KDF would add nothing).

The resident's email, name and phone go into the matter and its Open311 row, nowhere else.
"""

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any

from contracts import open311 as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter, MatterStep
from ..db.open311 import Open311Key, Open311Request, Open311Update
from ..domain import open311 as o
from . import intake
from .common import area, dumps
from .open311 import UPDATE_ACTION, promise

BAD_KEY = "api_key 无效或已停用 (invalid or revoked api_key)"
OUTSIDE = "该 api_key 不能向此地区提交 (this api_key does not cover the jurisdiction)"


def _hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def integrator_of(
    session: Session, guard: Guard, payload: Any, own_area: bool = False
) -> tuple[Open311Key, Any]:
    """The key's row and the jurisdiction it files in (the key's own area by default), read
    before anything else of the request: without a valid key, a 403 and nothing more."""
    sent = payload.get("api_key") if isinstance(payload, dict) else None
    found = (
        session.scalar(select(Open311Key).where(Open311Key.key_hash == _hash(sent)))
        if isinstance(sent, str) and sent
        else None
    )
    if found is None or not found.active:
        raise guard.forbid("bad_api_key", BAD_KEY, {"api_key": "invalid"})
    wanted = (None if own_area else payload.get("jurisdiction_id")) or found.area_code
    place = area(wanted if isinstance(wanted, str) else "")
    if not areas.load().within(place.code, found.area_code):
        raise guard.forbid("open311_area", OUTSIDE, {"jurisdiction_id": place.code}, place.code)
    return found, place


def _matter_data(data: dict[str, Any], category: str) -> dict[str, Any]:
    lat, lng, address = data.get("lat"), data.get("long"), data.get("address_string")
    if (lat is None) != (lng is None):
        raise errors.invalid("lat 与 long 须同时提供 (lat and long go together)", "long")
    if lat is None and not address:
        raise errors.invalid("须提供 address_string 或 lat 与 long (a location)", "address_string")
    name = f"{data.get('last_name') or ''}{data.get('first_name') or ''}" or None
    return {
        "channel": contract.OPEN311_CHANNEL,
        "category": category,
        "text": data["description"],
        "location": {"text": address or f"{lat},{lng}", "lat": lat, "lng": lng},
        "resident": {"name": name, "phone": data.get("phone")},
    }


def submit_georeport_request(
    session: Session,
    outbox: Any,
    guard: Guard,
    integrator: tuple[Open311Key, Any],
    data: dict[str, Any],
    now: datetime,
) -> list[dict[str, Any]]:
    key, place = integrator
    category = o.CATEGORY_OF_CODE.get(data["service_code"])
    if category is None:
        raise errors.invalid("未知的 service_code (unknown service_code)", "service_code")
    matter_data = _matter_data(data, category)
    token = secrets.token_hex(16)

    def link(matter: Matter) -> None:
        session.add(
            Open311Request(
                matter_id=matter.id,
                key_id=key.id,
                token=token,
                resident_email=data.get("email"),
                account_id=data.get("account_id"),
                device_id=data.get("device_id"),
                media_url=data.get("media_url"),
            )
        )

    created = intake.admit(
        session,
        outbox,
        guard,
        lambda: intake.matter_of(
            session, matter_data, place, place.code, None, now, level=place.level
        ),
        None,
        f"open311:{key.id}",
        idempotency.Request(None, {"channel": contract.OPEN311_CHANNEL}),
        now,
        also=link,
    )
    return [
        {
            "service_request_id": created["id"],
            "token": token,
            "service_notice": promise(session, place.code, category),
            "account_id": data.get("account_id"),
        }
    ]


def post_georeport_update(
    session: Session,
    guard: Guard,
    integrator: tuple[Open311Key, Any],
    data: dict[str, Any],
    now: datetime,
) -> list[dict[str, Any]]:
    key, _ = integrator
    matter = session.get(Matter, data["service_request_id"])
    if matter is None:
        raise errors.matter_not_found()
    if not areas.load().within(matter.area_code, key.area_code):
        raise guard.forbid("open311_area", OUTSIDE, {}, matter.area_code)
    prior = session.get(Open311Update, (key.id, data["update_id"]))
    if prior is None:
        prior = _record_update(session, key, matter, data, now)
    return [{"update_id": str(prior.step_id)}]


def _record_update(
    session: Session, key: Open311Key, matter: Matter, data: dict[str, Any], now: datetime
) -> Open311Update:
    details = {
        "update_id": data["update_id"],
        "status": data["status"],
        "updated_datetime": data["updated_datetime"].isoformat(),
        "description": data["description"],
        "media_url": data.get("media_url"),
        "integrator": key.name,
    }
    step = MatterStep(matter_id=matter.id, action=UPDATE_ACTION, level=matter.level,
                      details=dumps(details), by=f"open311:{key.id}", at=now)  # fmt: skip
    session.add(step)
    try:
        session.flush()
        row = Open311Update(
            key_id=key.id,
            update_id=data["update_id"],
            matter_id=matter.id,
            step_id=step.id,
            status=data["status"],
            media_url=data.get("media_url"),
        )
        session.add(row)
        matter.updated_at = now
        session.commit()
    except IntegrityError:  # the same update, sent twice at once: the first one answers
        session.rollback()
        again = session.get(Open311Update, (key.id, data["update_id"]))
        if again is None:
            raise
        return again
    return row


# ---- keys ----------------------------------------------------------------------------------
def _key_view(key: Open311Key) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "area_code": key.area_code,
        "prefix": key.prefix,
        "active": key.active,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def issue_georeport_key(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(roles.OPEN311_KEYS, place.code)
    raw = contract.KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311Key(
        id=str(uuid.uuid4()),
        name=data["name"],
        area_code=place.code,
        key_hash=_hash(raw),
        prefix=raw[:12],
        active=True,
        created_by=principal.user_id or "",
        created_at=now,
    )
    session.add(key)
    commit_or_conflict(session, "api_key 冲突，请重试 (a clash: retry)")
    return dump(contract.Open311KeyIssued, {**_key_view(key), "api_key": raw})


def list_georeport_keys(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.OPEN311_KEYS, place.code)
    tree = areas.load()
    keys = session.scalars(select(Open311Key).order_by(Open311Key.created_at, Open311Key.id))
    items = [_key_view(k) for k in keys if tree.within(k.area_code, place.code)]
    return dump(contract.Open311KeyPage, {"items": items})


def revoke_georeport_key(
    session: Session, guard: Guard, key_id: str, now: datetime
) -> dict[str, Any]:
    """Revoked at once and for good; revoking again changes nothing."""
    key = session.get(Open311Key, str(key_id)[:36])
    if key is None:
        raise errors.open311_key_not_found()
    guard.require(roles.OPEN311_KEYS, key.area_code)
    if key.active:
        key.active, key.revoked_at = False, now
        session.commit()
    return dump(contract.Open311Key, _key_view(key))
