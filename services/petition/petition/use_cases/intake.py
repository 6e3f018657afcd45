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
from datetime import datetime
from typing import Any

from contracts import matters as contract
from contracts.events import MATTER_SUBMITTED
from servicekit import areas, idempotency
from servicekit.auth import Guard, Principal
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter, MatterDeputy, MatterStep
from ..db.models import Deputy, Station
from ..domain import codes as code_rules
from ..domain import stations as duty
from ..domain import timelimits as t
from ..metrics import MATTERS_SUBMITTED
from . import codes, public, timelimits
from .common import business_day, deputy_of, dumps

REVOKED = "此码已停用，请使用新的代表码 (this code is no longer used: use the new one)"


def _holder(session: Session, code: str) -> Deputy | Station:
    printed = codes.scanned(session, code)
    found = codes.holder_of(session, printed) if printed else None
    if printed is None or found is None:
        raise errors.invalid("没有这个代表码 (no such code)", "code")
    if not printed.active:
        replacement = codes.current(session, printed)
        raise errors.rule(REVOKED, {"code": printed.code, "replaced_by": replacement.code})
    return found


def _enterer(session: Session, guard: Guard, channel: str, holder: Deputy | Station) -> Principal:
    """Who enters a matter on another channel than a resident's own: the deputy themselves (at
    their own code, or their station's), or congress staff of the holder's area."""
    if channel == contract.PUBLIC_MATTER_CHANNEL:
        return guard.principal
    wanted = Deputy if channel in contract.DEPUTY_CHANNELS else Station
    if not isinstance(holder, wanted):
        kind = "代表" if wanted is Deputy else "联络站"
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


def _is_theirs(me: Deputy, holder: Deputy | Station) -> bool:
    if isinstance(holder, Deputy):
        return holder.id == me.id
    on_duty = {slot.deputy_id for slot in public.slots(holder)}
    return me.station_id == holder.id or me.id in on_duty


def _place(session: Session, holder: Deputy | Station, wanted: str | None) -> areas.Area:
    home = areas.require(public.home_area(session, holder))
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


def _addressed(holder: Deputy | Station, now: datetime) -> str | None:
    if isinstance(holder, Deputy):
        return holder.id
    on_duty = duty.on_duty(public.slots(holder), business_day(now))
    return on_duty[0] if on_duty else None


def _tracking_code(session: Session, level: str) -> str:
    code = code_rules.new_tracking_code(level)
    while session.scalar(select(Matter.id).where(Matter.tracking_code == code)) is not None:
        code = code_rules.new_tracking_code(level)
    return code


def _title(data: dict[str, Any]) -> str:
    if data.get("title"):
        return str(data["title"])
    first_line = str(data["text"]).strip().splitlines()[0]
    return first_line[:30] or str(data["text"])[:30]


def new_matter(
    session: Session, data: dict[str, Any], holder: Deputy | Station, by: str | None, now: datetime
) -> Matter:
    place = _place(session, holder, data.get("area_code"))
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
        station_id=holder.id if isinstance(holder, Station) else holder.station_id,
        accept_stage=t.FIRST_CONTACT if deputy_id else t.ACCEPT,
    )


def matter_of(
    session: Session,
    data: dict[str, Any],
    place: areas.Area,
    handling_area_code: str,
    by: str | None,
    now: datetime,
    **holder: Any,
) -> Matter:
    """A received matter in `place`, handled by `handling_area_code`'s level: `holder` names
    the level, the deputy and station it came through (none for Open311) and its first stage."""
    resident = data.get("resident") or {}
    location = data["location"]
    day = business_day(now)
    return Matter(
        id=str(uuid.uuid4()),
        tracking_code=_tracking_code(session, holder["level"]),
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
        reopens=0,
        escalations=0,
        extended_days=0,
        converted=False,
        received_at=now,
        received_on=day,
        accept_stage=holder.get("accept_stage", t.ACCEPT),
        accept_started_on=day,
        documents="[]",
        entered_by=by,
        updated_at=now,
    )


def submitted_event(matter: Matter) -> dict[str, Any]:
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
    build: Callable[[], Matter],
    by: str | None,
    scope: str,
    request: idempotency.Request,
    now: datetime,
    also: Callable[[Matter], None] | None = None,
) -> dict[str, Any]:
    """Every channel's way in: the matter `build` makes, its first step and time limit, the
    submitted event, once per idempotency key; `also` stages what a channel keeps beside it."""

    def create() -> dict[str, Any]:
        matter = build()
        # The due day first (its queries find nothing pending), then the matter, its deputy and
        # its first step go in one flush, with the outbox row.
        timelimits.refresh_due(session, matter, guard.level)
        session.add(matter)
        if matter.deputy_id:
            session.add(MatterDeputy(matter_id=matter.id, deputy_id=matter.deputy_id,
                                     role="addressed", added_at=now))  # fmt: skip
        session.add(
            MatterStep(matter_id=matter.id, action="submit", level=matter.level,
                       details=dumps({"channel": matter.channel}), by=by, at=now)
        )  # fmt: skip
        outbox.add(
            session,
            MATTER_SUBMITTED,
            submitted_event(matter),
            area_code=matter.area_code,
            level=matter.level,
        )
        if also is not None:
            also(matter)
        return dump(contract.MatterCreated, _created(matter))

    then = lambda: MATTERS_SUBMITTED.inc(guard.level, channel=request.body["channel"])  # noqa: E731
    return idempotency.create_once(session, scope, request, create, then)


def _created(matter: Matter) -> dict[str, Any]:
    return {
        "id": matter.id,
        "tracking_code": matter.tracking_code,
        "state": matter.state,
        "area_code": matter.area_code,
        "level": matter.level,
        "received_at": matter.received_at,
        "accept_due": matter.accept_due,
    }
