"""Public codes (码上找代表): issuing one, revoking and replacing it, what a scan opens, and the
QR code and poster that carry it.

A revoked code is never reused: it keeps pointing to the code that replaced it (the holder's
new one, or a successor deputy's), so an old poster still leads somewhere — its page says
此码已停用 and shows who now answers.
"""

from datetime import datetime
from typing import Any

from contracts import petition as contract
from servicekit import qr as sheets
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, qr, roles
from ..db.models import Deputy, PublicCode, Station
from ..domain import codes as domain
from ..metrics import CODES_REPLACED
from . import public
from .common import public_url

REVOKED = "此码已停用 (this code is no longer used)"
MAX_HOPS = 20  # replaced codes followed to the current one


def issue(session: Session, kind: str, holder_id: str, level: str, now: datetime) -> str:
    """A new code for a deputy or a station (staged; a clash is a 409 at the commit)."""
    code = domain.new_public_code(level)
    while session.get(PublicCode, code) is not None:  # 35 bits: all but impossible
        code = domain.new_public_code(level)
    session.add(PublicCode(code=code, kind=kind, holder_id=holder_id, active=True, created_at=now))
    session.flush()
    return code


def scanned(session: Session, code: str) -> PublicCode | None:
    """The code as printed, whatever a resident typed of it (None: no such code)."""
    normal = domain.normalize(code)
    return session.get(PublicCode, normal) if normal else None


def current(session: Session, row: PublicCode) -> PublicCode:
    """The active code `row` is, or was replaced by."""
    hops = 0
    while not row.active and row.replaced_by and hops < MAX_HOPS:
        row = session.get(PublicCode, row.replaced_by) or row
        hops += 1
    return row


def holder_of(session: Session, row: PublicCode) -> Deputy | Station | None:
    return session.get(Deputy if row.kind == "deputy" else Station, row.holder_id)


def get_public_code(session: Session, code: str) -> dict[str, Any]:
    """What anyone scanning `code` sees: the deputy or station, how to reach them, and where a
    matter sent through it belongs; a revoked code says so and shows its replacement."""
    printed = scanned(session, code)
    row = current(session, printed) if printed else None
    found = holder_of(session, row) if row else None
    if printed is None or row is None or found is None:
        raise errors.code_not_found()
    return dump(
        contract.PublicCodePage,
        {
            "code": printed.code,
            "active": printed.active,
            "message": None if printed.active else REVOKED,
            "holder": public.holder_view(session, row.kind, found),
        },
    )


def replace_code(
    session: Session, guard: Guard, kind: str, holder_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Revoke the holder's code; it points from now on to the holder's new code, or to the
    successor deputy's current one."""
    model = Deputy if kind == "deputy" else Station
    found = session.get(model, str(holder_id))
    if found is None:
        guard.require(roles.KEEP)
        raise errors.deputy_not_found() if kind == "deputy" else errors.station_not_found()
    principal = guard.require(roles.KEEP, found.area_code)
    target = _successor(session, guard, kind, found, data.get("successor_deputy_id"))
    old = session.get(PublicCode, found.public_code)
    new_code = issue(session, kind, found.id, found.level, now)
    found.public_code, found.updated_at = new_code, now
    if old is not None:
        old.active, old.replaced_by = False, target.public_code if target else new_code
        old.revoked_reason, old.revoked_by, old.revoked_at = data["reason"], principal.user_id, now
    commit_or_conflict(
        session,
        "代表码正被他人同时更换，请重试 (replaced meanwhile: retry)",
        _count(kind, guard.level),
    )
    pointed = target.public_code if target else new_code
    return dump(
        contract.CodeReplaced,
        {
            "revoked_code": old.code if old else "",
            "public_code": pointed,
            "public_url": public_url(pointed),
            "kind": "deputy" if target else kind,
            "holder_id": target.id if target else found.id,
        },
    )


def _count(kind: str, level: str) -> Any:
    return lambda: CODES_REPLACED.inc(level, kind=kind)


def _successor(
    session: Session, guard: Guard, kind: str, found: Deputy | Station, successor_id: str | None
) -> Deputy | None:
    if not successor_id:
        return None
    successor = session.get(Deputy, successor_id)
    if successor is None or successor.id == found.id:
        raise errors.invalid("接任代表不存在 (no such successor deputy)", "successor_deputy_id")
    guard.require(roles.KEEP, successor.area_code)
    return successor


def qr_file(row: Deputy | Station, kind: str, image: str) -> dict[str, Any]:
    url = public_url(row.public_code)
    title = f"码上找代表：{row.name}" if kind == "deputy" else f"码上找联络站：{row.name}"
    content = sheets.image(url, title, image)
    return sheets.file_answer(
        content, f"{row.name}-二维码.{image}", f"{kind}-{row.public_code}.{image}", image
    )


def poster_file(poster: qr.Poster, name: str, kind: str, code: str) -> dict[str, Any]:
    content = qr.poster_svg(poster).encode()
    return sheets.file_answer(content, f"{name}-海报.svg", f"{kind}-{code}-poster.svg", "svg")


def poster_of(session: Session, row: Deputy | Station, kind: str) -> qr.Poster:
    url = public_url(row.public_code)
    words = domain.grouped(row.public_code)
    if isinstance(row, Deputy):
        station = session.get(Station, row.station_id) if row.station_id else None
        return qr.Poster(
            "码上找代表",
            row.name,
            f"{public.level_name(row.level)}人大代表 · {public.area_name(row.area_code)}",
            station.name if station else None,
            station.address if station else None,
            f"代表码 {words}",
            url,
            "您的姓名和电话仅代表及工作人员可见，不会公开",
        )
    return qr.Poster(
        "码上找联络站",
        row.name,
        f"{public.kind_name(row.kind)} · {public.area_name(row.area_code)}",
        None,
        row.address,
        f"站点码 {words}",
        url,
        "您的姓名和电话仅代表及工作人员可见，不会公开",
    )
