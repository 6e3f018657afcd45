"""What petition's use cases share: areas and Beijing dates, JSON text columns, the public URL
of a code, and who the caller is as a deputy."""

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from servicekit import areas, config
from servicekit.auth import Guard, Principal
from servicekit.clock import business_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Deputy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Time limits are counted in Beijing days: today's, or in development the made-up
    MINSHENG_TODAY (servicekit.clock.business_date, as implementation judges by), so a matter
    can be walked past its time limits on a developer's stack."""
    return business_date()


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def business_day(moment: datetime) -> date:
    """The day an act at `moment` counts from (received, accepted, reported up, resolved,
    reopened): its Beijing day, or the development clock's day (MINSHENG_TODAY), the same
    day `today()` judges time limits by."""
    return config.dev_today() or beijing_day(moment)


def area(code: str) -> areas.Area:
    return areas.require(str(code))


def area_name(code: str) -> str:
    found = areas.load().get(code)
    return found.name if found else code


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def public_url(code: str) -> str:
    """What a poster's QR code encodes: the resident page of the deputy or station."""
    return config.public_url(f"/d/{code}")


def deputy_of(session: Session, principal: Principal) -> Deputy | None:
    """The profile linked to the caller's account (账号), if the caller is a deputy."""
    if "deputy" not in principal.roles or not principal.username:
        return None
    return session.scalars(select(Deputy).where(Deputy.username == principal.username)).first()


def require_deputy(session: Session, guard: Guard) -> Deputy:
    deputy = deputy_of(session, guard.principal)
    if deputy is None:
        raise guard.forbid(
            "no_deputy_profile",
            "该账号未关联代表信息，请联系人大工作人员导入 "
            "(no deputy profile is linked to this account)",
            {"username": guard.principal.username},
        )
    return deputy


def page(query: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) of a query's page."""
    size = int(query["page_size"])
    return (int(query["page"]) - 1) * size, size
