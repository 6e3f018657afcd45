"""The statements of a matter's way in (use_cases.intake), built once with bound parameters.

A resident's submission is petition's most frequent write. The ORM's per-call statement
building, identity map and unit of work cost several times what the database does, so the
code's holder is read in one statement, the time-limit rules in one, and the matter, its
deputy and its first step are written as Core inserts of plain values.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Row, and_, bindparam, case, exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from .matters import Matter, MatterDeputy, MatterStep, TimeLimitVersion
from .models import Deputy, PublicCode, Station

_C, _D, _S = PublicCode.__table__, Deputy.__table__, Station.__table__
_M, _V = Matter.__table__, TimeLimitVersion.__table__

# The code as printed, its holder (a deputy or a station) and the station a matter sent
# through it reaches: the holder itself, or the deputy's own station; and whether a tracking
# code drawn for the matter is taken already (one round trip fewer).
_HOLDER = (
    select(
        _C.c.code,
        _C.c.kind,
        _C.c.holder_id,
        _C.c.active,
        _D.c.id.label("deputy_id"),
        _D.c.level.label("deputy_level"),
        _D.c.area_code.label("deputy_area_code"),
        _D.c.station_id.label("deputy_station_id"),
        _D.c.public_code.label("deputy_public_code"),
        _S.c.id.label("station_id"),
        _S.c.level.label("station_level"),
        _S.c.area_code.label("station_area_code"),
        _S.c.duty.label("station_duty"),
        _S.c.public_code.label("station_public_code"),
        exists().where(_M.c.tracking_code == bindparam("tracking_code")).label("tracking_taken"),
    )
    .select_from(_C)
    .outerjoin(_D, and_(_C.c.kind == "deputy", _D.c.id == _C.c.holder_id))
    .outerjoin(_S, _S.c.id == case((_C.c.kind == "station", _C.c.holder_id), else_=_D.c.station_id))
    .where(_C.c.code == bindparam("code"))
)
_TRACKING_TAKEN = select(exists().where(_M.c.tracking_code == bindparam("tracking_code")))

# The latest version of each area of a chain that has one (at most one row an area).
_LATER = aliased(TimeLimitVersion.__table__)


@cache
def _latest_rules(depth: int) -> Any:
    """Built once per chain length: an expanding IN would be rendered again on every call."""
    return select(_V.c.area_code, _V.c.version, _V.c.body).where(
        _V.c.area_code.in_([bindparam(f"area_{n}") for n in range(depth)]),
        _V.c.version
        == select(func.max(_LATER.c.version))
        .where(_LATER.c.area_code == _V.c.area_code)
        .scalar_subquery(),
    )


_ADD_MATTER = insert(_M)
_ADD_DEPUTY = insert(MatterDeputy.__table__)
_ADD_STEP = insert(MatterStep.__table__)


def holder_row(session: Session, code: str, tracking_code: str) -> Row[Any] | None:
    """The code's row with its holder's and station's columns, and `tracking_taken`: whether
    a matter has `tracking_code` (None: no such code)."""
    return session.execute(_HOLDER, {"code": code, "tracking_code": tracking_code}).first()


def tracking_code_taken(session: Session, code: str) -> bool:
    return bool(session.scalar(_TRACKING_TAKEN, {"tracking_code": code}))


def latest_rules(session: Session, chain: Sequence[str]) -> Sequence[Row[Any]]:
    """(area_code, version, body) of the latest version of each area in `chain` with one."""
    params = {f"area_{n}": code for n, code in enumerate(chain)}
    return session.execute(_latest_rules(len(chain)), params).all()


def add_matter(session: Session, values: dict[str, Any]) -> None:
    session.execute(_ADD_MATTER, [values])


def add_matter_deputy(session: Session, values: dict[str, Any]) -> None:
    session.execute(_ADD_DEPUTY, [values])


def add_matter_step(session: Session, values: dict[str, Any]) -> None:
    session.execute(_ADD_STEP, [values])
