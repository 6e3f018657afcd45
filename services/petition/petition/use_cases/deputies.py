"""Deputy profiles: imported from CSV all or nothing, listed and shown to staff, and their QR
codes and posters. A profile is linked to the deputy's gateway account by its username (账号):
a later import with the same account updates the profile and keeps its public code."""

import uuid
from datetime import datetime
from typing import Any

from contracts import petition as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.models import Deputy, Station
from ..domain import deputies as domain
from ..metrics import DEPUTIES_IMPORTED
from . import codes
from .common import area, area_name, dumps, loads, page, public_url


def _places(session: Session, scope: areas.Area) -> domain.Places:
    tree = areas.load()
    stations: dict[str, tuple[str, ...]] = {}
    rows = session.execute(
        select(Station.name, Station.id).where(Station.area_path.startswith(scope.path))
    )
    for name, station_id in rows:
        stations[name] = (*stations.get(name, ()), station_id)

    def level_of(code: str) -> str | None:
        found = tree.get(code)
        return found.level if found else None

    return domain.Places(level_of, lambda code: tree.within(code, scope.code), stations)


def import_deputies(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    """{area_code, csv} → every row created or updated in one transaction, or 422 naming every
    bad row by line, nothing written."""
    scope = area(data["area_code"])
    principal = guard.require(roles.KEEP, scope.code)
    try:
        rows = domain.parse(data["csv"], _places(session, scope))
    except domain.ImportRefused as exc:
        raise errors.rule(exc.message, {"rows": [p.as_dict() for p in exc.problems]}) from None

    _same_levels(session, rows)

    def create() -> dict[str, Any]:
        done = [_upsert(session, row, principal.user_id or "", now) for row in rows]
        created = sum(1 for item in done if item["created"])
        return dump(
            contract.DeputyImportResult,
            {
                "area_code": scope.code,
                "imported": len(done),
                "created": created,
                "updated": len(done) - created,
                "deputies": done,
            },
        )

    scope_key = idempotency.scope_of("import_deputies", principal)
    request = idempotency.Request(key, data)
    then = lambda: DEPUTIES_IMPORTED.inc(guard.level, len(rows))  # noqa: E731
    return idempotency.create_once(session, scope_key, request, create, then)


def _same_levels(session: Session, rows: list[domain.DeputyRow]) -> None:
    """A public code names its level: an account's deputy keeps the level it was imported at
    (a deputy elected at another level is imported under another account)."""
    by_account = {row.username: row for row in rows}
    query = select(Deputy.username, Deputy.level).where(Deputy.username.in_(by_account))
    moved = [
        {"line": by_account[name].line, "errors": {"level": f"该账号已是{level}代表，层级不能改变"}}
        for name, level in session.execute(query)
        if by_account[name].level != level
    ]
    if moved:
        raise errors.rule(
            "账号的代表层级不能改变，未导入任何代表 "
            "(an account's level cannot change: nothing imported)",
            {"rows": moved},
        )


def _upsert(session: Session, row: domain.DeputyRow, by: str, now: datetime) -> dict[str, Any]:
    place = area(row.area_code)
    found = session.scalars(select(Deputy).where(Deputy.username == row.username)).first()
    created = found is None
    if found is None:
        found = Deputy(id=str(uuid.uuid4()), username=row.username, imported_at=now)
        found.public_code = codes.issue(session, "deputy", found.id, row.level, now)
        session.add(found)
    found.name, found.level, found.delegation = row.name, row.level, row.delegation
    found.area_code, found.area_path, found.station_id = place.code, place.path, row.station_id
    found.specialties = dumps(list(row.specialties))
    found.contact_policy, found.public_phone = row.contact_policy, row.public_phone
    found.imported_by, found.updated_at = by, now
    session.flush()
    return {
        "id": found.id,
        "name": found.name,
        "username": found.username,
        "public_code": found.public_code,
        "created": created,
    }


def profile(session: Session, row: Deputy) -> dict[str, Any]:
    station = session.get(Station, row.station_id) if row.station_id else None
    return dump(
        contract.DeputyProfile,
        {
            "id": row.id,
            "name": row.name,
            "level": row.level,
            "area_code": row.area_code,
            "area_name": area_name(row.area_code),
            "delegation": row.delegation,
            "station_id": row.station_id,
            "station_name": station.name if station else None,
            "specialties": loads(row.specialties) or [],
            "contact_policy": row.contact_policy,
            "public_phone": row.public_phone,
            "username": row.username,
            "public_code": row.public_code,
            "public_url": public_url(row.public_code),
            "updated_at": row.updated_at,
        },
    )


def list_deputies(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.READ, place.code)
    where = [Deputy.area_path.startswith(place.path)]
    if query.get("q"):
        where.append(Deputy.name.contains(query["q"], autoescape=True))
    total = session.scalar(select(func.count()).select_from(Deputy).where(*where)) or 0
    offset, limit = page(query)
    rows = session.scalars(
        select(Deputy).where(*where).order_by(Deputy.area_path, Deputy.name, Deputy.id)
        .offset(offset).limit(limit)
    )  # fmt: skip
    items = [profile(session, row) for row in rows]
    return {"items": items, "total": total, "page": query["page"], "page_size": limit}


def load_deputy(session: Session, guard: Guard, deputy_id: str) -> Deputy:
    row = session.get(Deputy, str(deputy_id))
    if row is None:
        guard.require(roles.READ)
        raise errors.deputy_not_found()
    guard.require(roles.READ, row.area_code)
    return row


def get_deputy(session: Session, guard: Guard, deputy_id: str) -> dict[str, Any]:
    return profile(session, load_deputy(session, guard, deputy_id))


def get_deputy_qr(session: Session, guard: Guard, deputy_id: str, image: str) -> dict[str, Any]:
    if image not in contract.QR_IMAGES:
        raise errors.deputy_not_found()
    return codes.qr_file(load_deputy(session, guard, deputy_id), "deputy", image)


def get_deputy_poster(session: Session, guard: Guard, deputy_id: str) -> dict[str, Any]:
    row = load_deputy(session, guard, deputy_id)
    poster = codes.poster_of(session, row, "deputy")
    return codes.poster_file(poster, row.name, "deputy", row.public_code)
