"""回头看: a member of the request's group looks back on or after the set date — rectified
closes the request and its finding (销号); partly or not rectified opens a new round with a new
due date, requested again; after the area's last round it goes to the chairpersons' meeting.
Every look-back publishes lookback_completed_v1 and writes a line in the project's file."""

from datetime import datetime
from typing import Any

from contracts import supervision_inspections as contract
from contracts.events import LOOKBACK_COMPLETED
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as file_db
from ..db import inspections as db
from ..db.inspections_models import Rectification, RectificationRound, RectificationSetting
from ..db.models import Finding
from ..domain import rectification as rules
from ..metrics import ESCALATIONS, LOOKBACKS, RECTIFICATIONS_REQUESTED
from . import groups
from .inspection_findings import SUPERVISION
from .rectifications import open_round, refusal, today, view


def record_lookback(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    rectification_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    row = db.rectification(session, rectification_id, lock=True)
    guard.require(roles.INSPECT, row.area_code if row is not None else None)
    if row is None:
        raise errors.not_found("交办问题", "rectification request")
    groups.require_member(session, guard, row.group_id)
    scope = idempotency.scope_of("lookback", guard.principal)
    request = idempotency.Request(key, {"rectification_id": row.id, **data})
    decided: list[rules.Decision] = []

    def stage() -> dict[str, Any]:
        decided.append(_look_back(session, outbox, guard, row, data, now))
        session.flush()
        return view(session, row)

    def counted() -> None:
        LOOKBACKS.inc(row.level, outcome=data["outcome"])
        if decided[0].next == "escalated":
            ESCALATIONS.inc(row.level)
        if decided[0].next == "reopened":
            RECTIFICATIONS_REQUESTED.inc(row.level, round="reopened")

    return idempotency.create_once(session, scope, request, stage, then=counted)


def _look_back(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    row: Rectification,
    data: dict[str, Any],
    now: datetime,
) -> rules.Decision:
    current = db.rounds(session, row.id)[-1]
    decision = _decide(row, current, data, now)
    current.outcome, current.lookback_note = data["outcome"], data["note"]
    current.next = decision.next
    current.looked_back_by, current.looked_back_at = guard.principal.user_id or "", now
    finding = session.get(Finding, row.finding_id)
    assert finding is not None  # a request is made from a finding (foreign key)
    row.state, finding.state = decision.state, rules.FINDING_STATE[decision.state]
    _file_line(session, row, current, decision, now)
    if decision.next == "reopened":
        assert decision.due_date is not None and decision.lookback_on is not None
        row.round = decision.round
        open_round(session, outbox, row, finding, (decision.due_date, decision.lookback_on), now)
    completed = _completed(row, current, decision, now)
    outbox.add(session, LOOKBACK_COMPLETED, completed, area_code=row.area_code, level=row.level)
    return decision


def _decide(
    row: Rectification, current: RectificationRound, data: dict[str, Any], now: datetime
) -> rules.Decision:
    try:
        return rules.look_back(
            row.state, row.round, row.max_rounds, current.lookback_on, today(now),
            data["outcome"], data["new_due_date"], data["new_lookback_on"],
        )  # fmt: skip
    except rules.RectificationError as exc:
        raise refusal(exc) from exc


def _file_line(
    session: Session,
    row: Rectification,
    current: RectificationRound,
    decision: rules.Decision,
    now: datetime,
) -> None:
    outcome = rules.OUTCOME_NAMES[current.outcome or ""]
    file_db.add_entry(
        session,
        row.project_id,
        at=now,
        side=SUPERVISION,
        kind="lookback",
        summary=f"回头看（第 {current.round} 轮）：{outcome}，{rules.NEXT_NAMES[decision.next]}"
        f"；{current.lookback_note}",
        actor=row.group_name,
        ref=current.request_id,
        detail={
            "round": current.round,
            "outcome": current.outcome,
            "next": decision.next,
            "reported": current.reported_at is not None,
        },
    )


def _completed(
    row: Rectification, current: RectificationRound, decision: rules.Decision, now: datetime
) -> dict[str, Any]:
    return {
        "request_id": current.request_id,
        "project_id": row.project_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "group_id": row.group_id,
        "round": current.round,
        "outcome": current.outcome,
        "next": decision.next,
        "new_due_date": decision.due_date,
        "completed_at": now,
    }


def set_rectification_rounds(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """An area's limit of rounds (congress staff of the area); requests made afterwards keep
    the limit they were made with."""
    principal = guard.require(roles.STAFF, data["area_code"])
    place = areas.require(data["area_code"])
    row = db.setting(session, place.code) or RectificationSetting(area_code=place.code)
    row.area_path, row.max_rounds = place.path, data["max_rounds"]
    row.updated_by, row.updated_at = principal.user_id or "", now
    session.add(row)
    answer = dump(
        contract.RectificationRounds, {"area_code": place.code, "max_rounds": row.max_rounds}
    )
    commit_or_conflict(session, "设置正被他人同时修改，请重试 (changed meanwhile: retry)")
    return answer
