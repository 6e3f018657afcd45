"""Matters in (码上找代表): a resident through a deputy's or a station's public code, no account;
or a deputy entering what they heard on a visit, at a 庭院会, a 板凳会 or 代表赶大集; or a station
recording its reception. The area is the station's (else the deputy's), and may be set to a
place under the deputy's or station's own area. The matter gets a tracking code whose first
letter is its level, and its first time limit: 3 working days for a deputy's first contact by
default, 15 days for a station's acceptance.

The resident's name and phone go into the matter's row and nowhere else: not the event, not a
metric, not a log line, not the remembered answer of a retried submission.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from contracts import matters as contract
from contracts.events import MATTER_SUBMITTED
from servicekit import areas, idempotency
from servicekit.auth import Guard, Principal
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy import Row
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import intake as db
from ..db.matters import Matter
from ..db.models import Deputy, PublicCode, Station
from ..domain import codes as code_rules
from ..domain import stations as duty
from ..domain import timelimits as t
from ..metrics import MATTERS_SUBMITTED
from . import codes, public, timelimits
from .common import business_day, deputy_of, dumps

REVOKED = "此码已停用，请使用新的代表码 (this code is no longer used: use the new one)"


@dataclass(frozen=True)
class Holder:
    """The deputy or station a code names, as a matter through it needs them (one read:
    db.intake.holder_row): `station_id` is the station itself or the deputy's own, `home` the
    area a matter through it belongs to (the station's, else the deputy's), `duty` a station's
    schedule (JSON text), `tracking_code` one of the holder's level that no matter had at the
    read (None: matter_of draws one)."""

    kind: str  # deputy / station
    id: str
    level: str
    area_code: str
    public_code: str
    station_id: str | None
    home: str
    duty: str | None = None
    tracking_code: str | None = None


def _holder_of(row: Row[Any], drawn: str) -> Holder | None:
    """The holder of the row; `drawn` its tracking code if free and of the holder's level."""
    if row.kind == "deputy":
        if row.deputy_id is None:
            return None
        home = row.station_area_code if row.station_id is not None else row.deputy_area_code
        found = Holder("deputy", row.deputy_id, row.deputy_level, row.deputy_area_code,
                       row.deputy_public_code, row.deputy_station_id, home)  # fmt: skip
    elif row.station_id is None:
        return None
    else:
        found = Holder("station", row.station_id, row.station_level, row.station_area_code,
                       row.station_public_code, row.station_id, row.station_area_code,
                       row.station_duty)  # fmt: skip
    if row.tracking_taken or drawn[:1] != code_rules.LEVEL_LETTERS[found.level]:
        return found
    return replace(found, tracking_code=drawn)


def _holder(session: Session, code: str) -> Holder:
    normal = code_rules.normalize(code)
    # a tracking code of the level the code's letter names, checked in the same read
    level = code_rules.level_of(normal) if normal else None
    drawn = code_rules.new_tracking_code(level) if level else ""
    row = db.holder_row(session, normal, drawn) if normal else None
    found = _holder_of(row, drawn) if row is not None else None
    if row is None or found is None:
        raise errors.invalid("没有这个代表码 (no such code)", "code")
    if not row.active:
        printed = session.get(PublicCode, row.code)
        replacement = codes.current(session, printed) if printed else None
        replaced_by = replacement.code if replacement else row.code
        raise errors.rule(REVOKED, {"code": row.code, "replaced_by": replaced_by})
    return found


def _enterer(session: Session, guard: Guard, channel: str, holder: Holder) -> Principal:
    """Who enters a matter on another channel than a resident's own: the deputy themselves (at
    their own code, or their station's), or congress staff of the holder's area."""
    if channel == contract.PUBLIC_MATTER_CHANNEL:
        return guard.principal
    wanted = "deputy" if channel in contract.DEPUTY_CHANNELS else "station"
    if holder.kind != wanted:
        kind = "代表" if wanted == "deputy" else "联络站"
        raise errors.invalid(f"该渠道须使用{kind}的码 (this channel needs a {kind} code)", "code")
    principal = guard.require(roles.ENTER)
    if "congress_staff" in principal.roles and principal.covers(holder.area_code):
        return principal
    me = deputy_of(session, principal)
    if me is not None and _is_theirs(me, holder):
        return principal
    raise guard.forbid(
        "not_own_code",
        "代表只能通过本人或本人所在联络站的码录入事项 (only your own code, or your station's)",
        {"code": holder.public_code},
        holder.area_code,
    )


def _is_theirs(me: Deputy, holder: Holder) -> bool:
    if holder.kind == "deputy":
        return holder.id == me.id
    on_duty = {slot.deputy_id for slot in public.duty_slots_of(holder.duty)}
    return me.station_id == holder.id or me.id in on_duty


def _place(holder: Holder, wanted: str | None) -> areas.Area:
    home = areas.require(holder.home)
    if wanted is None or wanted == home.code:
        return home
    place = areas.require(wanted)
    if not (areas.load().within(place.code, holder.area_code) or place.path.startswith(home.path)):
        raise errors.invalid(
            "事项地区须在该代表或联络站的地区之内 "
            "(the area must lie within the deputy's or station's)",
            "area_code",
        )
    return place


def _addressed(holder: Holder, now: datetime) -> str | None:
    if holder.kind == "deputy":
        return holder.id
    on_duty = duty.on_duty(public.duty_slots_of(holder.duty), business_day(now))
    return on_duty[0] if on_duty else None


def _tracking_code(session: Session, level: str) -> str:
    code = code_rules.new_tracking_code(level)
    while db.tracking_code_taken(session, code):
        code = code_rules.new_tracking_code(level)
    return code


def _title(data: dict[str, Any]) -> str:
    if data.get("title"):
        return str(data["title"])
    first_line = str(data["text"]).strip().splitlines()[0]
    return first_line[:30] or str(data["text"])[:30]


def holder_of_profile(session: Session, row: Deputy | Station) -> Holder:
    """A deputy's or station's loaded row as a Holder (a channel that has the row already:
    a work order's deputy)."""
    home = public.home_area(session, row)
    if isinstance(row, Deputy):
        return Holder("deputy", row.id, row.level, row.area_code, row.public_code,
                      row.station_id, home)  # fmt: skip
    return Holder("station", row.id, row.level, row.area_code, row.public_code, row.id, home,
                  row.duty)  # fmt: skip


def new_matter(
    session: Session,
    data: dict[str, Any],
    holder: Holder | Deputy | Station,
    by: str | None,
    now: datetime,
) -> SimpleNamespace:
    if not isinstance(holder, Holder):
        holder = holder_of_profile(session, holder)
    place = _place(holder, data.get("area_code"))
    deputy_id = _addressed(holder, now)
    return matter_of(
        session,
        data,
        place,
        holder.area_code,
        by,
        now,
        level=holder.level,
        deputy_id=deputy_id,
        station_id=holder.station_id,
        accept_stage=t.FIRST_CONTACT if deputy_id else t.ACCEPT,
        tracking_code=holder.tracking_code,
    )


def matter_of(
    session: Session,
    data: dict[str, Any],
    place: areas.Area,
    handling_area_code: str,
    by: str | None,
    now: datetime,
    **holder: Any,
) -> SimpleNamespace:
    """A received matter in `place`, handled by `handling_area_code`'s level: `holder` names
    the level, the deputy and station it came through (none for Open311), its first stage and
    perhaps a tracking code found free already. Plain values, every column of `matters` (admit
    writes them with one insert)."""
    resident = data.get("resident") or {}
    location = data["location"]
    day = business_day(now)
    return SimpleNamespace(
        id=str(uuid.uuid4()),
        tracking_code=holder.get("tracking_code") or _tracking_code(session, holder["level"]),
        channel=data["channel"],
        category=data["category"],
        title=_title(data),
        text=data["text"],
        year=day.year,
        area_code=place.code,
        area_path=place.path,
        origin_level=holder["level"],
        level=holder["level"],
        handling_area_code=handling_area_code,
        deputy_id=holder.get("deputy_id"),
        station_id=holder.get("station_id"),
        location_text=location["text"],
        lat=location.get("lat"),
        lng=location.get("lng"),
        attachments=dumps(data.get("attachments") or []),
        resident_name=resident.get("name"),
        resident_phone=resident.get("phone"),
        state="received",
        tier=None,
        reopens=0,
        escalations=0,
        converted=False,
        received_at=now,
        received_on=day,
        accept_stage=holder.get("accept_stage", t.ACCEPT),
        accept_started_on=day,
        accept_due=None,
        accepted_at=None,
        handle_started_on=None,
        handle_due=None,
        due_unit=None,
        extended_days=0,
        due_pending_year=None,
        resolved_at=None,
        resolved_on=None,
        result=None,
        documents="[]",
        satisfaction=None,
        rated_by=None,
        entered_by=by,
        updated_at=now,
    )


def submitted_event(matter: Matter | SimpleNamespace) -> dict[str, Any]:
    return {
        "matter_id": matter.id,
        "tracking_code": matter.tracking_code,
        "area_code": matter.area_code,
        "level": matter.level,
        "channel": matter.channel,
        "category": matter.category,
        "deputy_id": matter.deputy_id,
        "station_id": matter.station_id,
        "submitted_at": matter.received_at,
    }


def submit_matter(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
    with_matter: Callable[[Matter], None] | None = None,
) -> dict[str, Any]:
    """`with_matter` stages more in the matter's transaction (use_cases.diary links a note)."""
    holder = _holder(session, data["code"])
    principal = _enterer(session, guard, data["channel"], holder)
    staff = data["channel"] != contract.PUBLIC_MATTER_CHANNEL

    by = principal.user_id if staff else None
    scope = idempotency.scope_of("submit_matter", principal if staff else None)
    return admit(
        session,
        outbox,
        guard,
        lambda: new_matter(session, data, holder, by, now),
        by,
        scope,
        idempotency.Request(key, data),
        now,
        also=with_matter,
    )


def admit(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    build: Callable[[], SimpleNamespace],
    by: str | None,
    scope: str,
    request: idempotency.Request,
    now: datetime,
    also: Callable[[Matter], None] | None = None,
) -> dict[str, Any]:
    """Every channel's way in: the matter `build` makes, its first step and time limit, the
    submitted event, once per idempotency key; `also` stages what a channel keeps beside it
    (given the matter as an ORM row, read back in the transaction)."""

    def create() -> dict[str, Any]:
        matter = build()
        # The due day first (its queries find nothing pending), then the matter, its deputy and
        # its first step, as Core inserts of the plain values, and the outbox row.
        timelimits.refresh_due(session, matter, guard.level)
        db.add_matter(session, vars(matter))
        if matter.deputy_id:
            db.add_matter_deputy(session, {"matter_id": matter.id, "deputy_id": matter.deputy_id,
                                           "role": "addressed", "added_at": now})  # fmt: skip
        db.add_matter_step(
            session,
            {"matter_id": matter.id, "action": "submit", "level": matter.level, "method": None,
             "details": dumps({"channel": matter.channel}), "by": by, "at": now},
        )  # fmt: skip
        outbox.add(
            session,
            MATTER_SUBMITTED,
            submitted_event(matter),
            area_code=matter.area_code,
            level=matter.level,
        )
        if also is not None:
            also(session.get_one(Matter, matter.id))
        return dump(contract.MatterCreated, _created(matter))

    then = lambda: MATTERS_SUBMITTED.inc(guard.level, channel=request.body["channel"])  # noqa: E731
    return idempotency.create_once(session, scope, request, create, then)


def _created(matter: SimpleNamespace) -> dict[str, Any]:
    return {
        "id": matter.id,
        "tracking_code": matter.tracking_code,
        "state": matter.state,
        "area_code": matter.area_code,
        "level": matter.level,
        "received_at": matter.received_at,
        "accept_due": matter.accept_due,
    }
