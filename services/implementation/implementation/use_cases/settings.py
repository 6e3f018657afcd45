"""An area's parameters of judgement, inherited down the area tree: a banner's setting holds
for its townships unless a township sets its own."""

import json
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import implementation as contract
from servicekit import areas
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import projects as db
from ..db.models import AreaSetting
from ..domain.cadence import DEFAULT_DUE_WORKING_DAYS
from ..domain.plan import PlanError
from ..domain.reminders import DEFAULT_STEPS, check_steps

DEFAULT_TOLERANCE_POINTS = 10  # ahead / on track / lagging: ±10 points of 序时进度
DEFAULT_FLAG_AFTER = 3  # lagging in 3 reports in a row → 挂牌督办


def _nearest(session: Session, area_path: str) -> AreaSetting | None:
    """The area's own setting, else its nearest ancestor's, in one query for the whole path
    (every report asks; most areas set nothing, and a read per ancestor came back empty thrice)."""
    codes = [code for code in area_path.split("/") if code]
    found = {row.area_code: row for row in db.area_settings(session, codes)}
    return next((found[code] for code in reversed(codes) if code in found), None)


def tolerance(session: Session, area_path: str) -> int:
    found = _nearest(session, area_path)
    return found.tolerance_points if found else DEFAULT_TOLERANCE_POINTS


def flag_after(session: Session, area_path: str) -> int:
    found = _nearest(session, area_path)
    return found.flag_after_lagging if found else DEFAULT_FLAG_AFTER


def judgement(session: Session, area_path: str) -> tuple[int, int]:
    """(tolerance, flag after): what a report is judged by, from one lookup of two columns."""
    codes = [code for code in area_path.split("/") if code]
    found = dict(db.judgements(session, codes))
    nearest = next((found[code] for code in reversed(codes) if code in found), None)
    return nearest or (DEFAULT_TOLERANCE_POINTS, DEFAULT_FLAG_AFTER)


def close_threshold(session: Session, area_path: str) -> Fraction | None:
    """销号 only at this satisfaction; None (the default) closes on the staff's word."""
    found = _nearest(session, area_path)
    return Fraction(found.close_threshold) if found and found.close_threshold else None


def due_working_days(session: Session, area_path: str) -> dict[str, int]:
    found = _nearest(session, area_path)
    chosen = json.loads(found.due_working_days) if found and found.due_working_days else {}
    return {**DEFAULT_DUE_WORKING_DAYS, **chosen}


def reminder_steps(session: Session, area_path: str) -> tuple[tuple[str, int], ...]:
    found = _nearest(session, area_path)
    if found and found.reminder_steps:
        return tuple((step, days) for step, days in json.loads(found.reminder_steps))
    return DEFAULT_STEPS


SETTINGS_ROLES = frozenset({"government_staff"})


def put_area_settings(
    session: Session, guard: Guard, area_code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    principal = guard.require(SETTINGS_ROLES, area_code)
    steps = data.get("reminder_steps")
    if steps is not None:
        if [step for step, _ in steps] != [step for step, _ in DEFAULT_STEPS]:
            raise errors.invalid(
                "催办步骤应依次为 温馨提示、限期督促、专报通报 (steps in their order)",
                "reminder_steps",
            )
        try:
            check_steps(steps)  # thresholds rising: escalation only climbs
        except PlanError as exc:
            raise errors.invalid(exc.message, "reminder_steps") from exc
    row = session.get(AreaSetting, area_code) or AreaSetting(area_code=area_code)
    row.tolerance_points, row.flag_after_lagging = (
        data["tolerance_points"],
        data["flag_after_lagging"],
    )
    row.close_threshold = (
        str(Fraction(data["close_threshold"])) if data.get("close_threshold") else None
    )
    if row.close_threshold is not None and Fraction(row.close_threshold) > 1:
        raise errors.invalid("满意度阈值不能超过 1 (at most 1)", "close_threshold")
    row.due_working_days = (
        json.dumps(data["due_working_days"]) if data.get("due_working_days") else None
    )
    row.reminder_steps = json.dumps([list(s) for s in steps]) if steps else None
    row.updated_by, row.updated_at = principal.user_id or "", now
    session.add(row)
    commit_or_conflict(session, "设置正被他人同时修改，请重试 (changed meanwhile: retry)")
    return get_area_settings(session, guard, area_code)


def get_area_settings(session: Session, guard: Guard, area_code: str) -> dict[str, Any]:
    guard.require(roles.READ, area_code)
    place = areas.require(area_code)
    path = place.path
    found = _nearest(session, path)
    return dump(
        contract.AreaSettingsOut,
        {
            "area_code": place.code,
            "tolerance_points": tolerance(session, path),
            "flag_after_lagging": flag_after(session, path),
            "close_threshold": found.close_threshold if found else None,
            "due_working_days": due_working_days(session, path),
            "reminder_steps": [list(s) for s in reminder_steps(session, path)],
            "inherited_from": found.area_code if found else None,
        },
    )
