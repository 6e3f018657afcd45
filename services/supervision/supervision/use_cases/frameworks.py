"""Indicator frameworks (绩效评价指标体系) as versioned data: the default template, adopting a
framework for an area, revising it (a new version with its reason; old ones stay readable)."""

import json
from datetime import datetime
from typing import Any

from contracts import supervision_evaluation as contract
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import evaluation as db
from ..db.evaluation_models import EvaluationFramework, FrameworkVersion
from ..domain import default_framework
from ..domain import evaluation as rules


def template(guard: Guard) -> dict[str, Any]:
    guard.require(roles.FRAMEWORK_READ)
    return dump(contract.FrameworkTemplate, default_framework.template())


def checked(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(indicators, bands) as stored: weights as decimal text; a 422 naming the wrong node."""
    try:
        rules.check_framework(data["indicators"], data["weight_unit"])
        bands = rules.check_bands(data["grade_bands"])
    except rules.FrameworkRefused as refused:
        raise errors.rule(refused.message, {"indicator": refused.path}) from refused
    stored = json.loads(json.dumps(data["indicators"], default=str, ensure_ascii=False))
    return stored, [{"grade": g, "min": rules.show_number(edge)} for g, edge in bands]


def create_framework(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    place = areas.require(data["area_code"])
    principal = guard.require(roles.FRAMEWORK_WRITE, place.code)
    indicators, bands = checked(data)

    def stage() -> dict[str, Any]:
        row = EvaluationFramework(
            id=contract.new_record_id(place.level),
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            scope=data["scope"],
            latest_version=1,
            created_by=principal.user_id or "",
            created_at=now,
        )
        session.add(row)
        session.flush()
        _add_version(session, row, data, indicators, bands, None, principal.user_id, now)
        return view(session, row, 1)

    scope = idempotency.scope_of("evaluation_framework", principal)
    return idempotency.create_once(session, scope, idempotency.Request(key, data), stage)


def _add_version(
    session: Session,
    row: EvaluationFramework,
    data: dict[str, Any],
    indicators: list[dict[str, Any]],
    bands: list[dict[str, Any]],
    reason: str | None,
    by: str | None,
    now: datetime,
) -> None:
    template = default_framework.template()
    session.add(
        FrameworkVersion(
            framework_id=row.id,
            version=row.latest_version,
            name=data["name"],
            weight_unit=data["weight_unit"],
            indicators=json.dumps(indicators, ensure_ascii=False),
            grade_bands=json.dumps(bands, ensure_ascii=False),
            # Still the template's tree (weights and keys): shown as "editable default".
            editable_default=_shape(indicators) == _shape(template["indicators"]),
            reason=reason,
            created_by=by or "",
            created_at=now,
        )
    )
    session.flush()


def _shape(indicators: list[dict[str, Any]]) -> list[Any]:
    return [
        (n["key"], str(rules.exact(n["weight"])), _shape(n.get("children") or []))
        for n in indicators
    ]


def revise_framework(
    session: Session, guard: Guard, framework_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = _load(session, framework_id, lock=True)
    principal = guard.require(roles.FRAMEWORK_WRITE, row.area_code)
    latest = db.version(session, row.id, row.latest_version)
    assert latest is not None  # a framework has its first version from the start
    merged = {
        **data,
        "name": data.get("name") or latest.name,
        "weight_unit": data.get("weight_unit") or latest.weight_unit,
    }
    indicators, bands = checked(merged)
    row.latest_version += 1
    _add_version(session, row, merged, indicators, bands, data["reason"], principal.user_id, now)
    session.commit()
    return view(session, row, row.latest_version)


def _load(session: Session, framework_id: str, lock: bool = False) -> EvaluationFramework:
    row = db.framework(session, framework_id)
    if row is None:
        raise errors.not_found("指标体系", "framework")
    if lock:
        session.refresh(row, with_for_update=True)
    return row


def get_framework(
    session: Session, guard: Guard, framework_id: str, query: dict[str, Any]
) -> dict[str, Any]:
    row = _load(session, framework_id)
    guard.require(roles.FRAMEWORK_READ, row.area_code)
    number = query.get("version") or row.latest_version
    if db.version(session, row.id, number) is None:
        raise errors.not_found("指标体系版本", "framework version")
    return view(session, row, number)


def list_frameworks(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = areas.require(query["area_code"])
    guard.require(roles.FRAMEWORK_READ, place.code)
    rows = db.frameworks_of(session, place.code)
    items = [_view(session, row, row.latest_version) for row in rows]
    return dump(contract.FrameworkList, {"items": items})


def view(session: Session, row: EvaluationFramework, number: int) -> dict[str, Any]:
    return dump(contract.Framework, _view(session, row, number))


def _view(session: Session, row: EvaluationFramework, number: int) -> dict[str, Any]:
    every = db.versions(session, row.id)
    shown = next(v for v in every if v.version == number)
    indicators = json.loads(shown.indicators)
    return {
        "id": row.id,
        "area_code": row.area_code,
        "name": shown.name,
        "scope": row.scope,
        "weight_unit": shown.weight_unit,
        "version": shown.version,
        "latest_version": row.latest_version,
        "editable_default": shown.editable_default,
        "indicators": indicators,
        "grade_bands": json.loads(shown.grade_bands),
        "leaves": len(rules.check_framework(indicators, shown.weight_unit)),
        "versions": [
            {
                "version": v.version,
                "reason": v.reason,
                "created_by": v.created_by,
                "created_at": as_utc(v.created_at),
            }
            for v in every
        ],
    }
