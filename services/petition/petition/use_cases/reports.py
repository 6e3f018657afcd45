"""The figures of an area and of each area under it (ARCHITECTURE §9): matters by state and
tier, open ones by tier, overdue, on-time rate, resolved-locally rate (就地化解率: not passed up
beyond the banner), satisfaction rate, reported up, converted. Computed from the matters
themselves, never from counting messages; no personal data."""

from collections import Counter
from typing import Any

from contracts import time_limits as contract
from servicekit import areas
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import roles
from ..db.matters import Matter
from ..domain import figures
from ..domain import matters as states
from .common import area, today
from .timelimits import running_due

COLUMNS = (
    Matter.area_path,
    Matter.state,
    Matter.tier,
    Matter.origin_level,
    Matter.level,
    Matter.resolved_on,
    Matter.handle_due,
    Matter.accept_due,
    Matter.satisfaction,
    Matter.escalations,
    Matter.converted,
)


def _figures(rows: list[Any]) -> dict[str, Any]:
    on = today()
    resolved = [
        figures.Resolved(r.origin_level, r.level, r.resolved_on, r.handle_due, r.satisfaction)
        for r in rows
        if r.state in (states.RESOLVED, states.CLOSED) and r.resolved_on is not None
    ]
    open_rows = [r for r in rows if r.state in states.OPEN_STATES]
    return {
        "matters": len(rows),
        "by_state": {state: sum(r.state == state for r in rows) for state in states.STATES},
        "by_tier": dict(Counter(r.tier or "none" for r in rows)),
        "open_by_tier": dict(Counter(r.tier or "none" for r in open_rows)),
        "overdue": sum(1 for r in open_rows if (due := running_due(r)) is not None and on > due),
        "on_time": figures.on_time_rate(resolved),
        "locally_resolved": figures.locally_resolved_rate(resolved),
        "satisfaction": figures.satisfaction_rate(resolved),
        "escalated": sum(1 for r in rows if r.escalations),
        "converted": sum(1 for r in rows if r.converted),
    }


def get_petition_report(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.REPORT, place.code)
    select_rows = select(*COLUMNS).where(Matter.area_path.startswith(place.path))
    if query.get("year") is not None:
        select_rows = select_rows.where(Matter.year == query["year"])
    rows = list(session.execute(select_rows))
    children = []
    for child in areas.load().children(place.code):
        mine = [r for r in rows if r.area_path.startswith(child.path)]
        children.append({"area_code": child.code, "area_name": child.name, **_figures(mine)})
    return dump(
        contract.PetitionReport,
        {
            "area_code": place.code,
            "area_name": place.name,
            "level": place.level,
            "year": query.get("year"),
            "as_of": today(),
            "totals": _figures(rows),
            "children": children,
        },
    )
