"""交办问题: a finding handed to the government with a due date (rectification_requested_v1,
which implementation turns into a problem), the government's report coming back
(rectification_reported_v1), and the requests read with all their rounds."""

import logging
from datetime import date, datetime
from typing import Any

from contracts import supervision_inspections as contract
from contracts.events import RECTIFICATION_REQUESTED
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc, business_date_of
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import files as file_db
from ..db import inspections as db
from ..db.inspections_models import Rectification, RectificationRound
from ..db.models import Finding
from ..domain import rectification as rules
from ..metrics import RECTIFICATIONS_REQUESTED
from . import acting
from .inspection_findings import SUPERVISION, handed_only, load_finding

log = logging.getLogger(__name__)
GOVERNMENT = "government"


today = business_date_of  # the Beijing date of `now`, or development's made-up day


def refusal(exc: rules.RectificationError) -> Exception:
    if exc.kind == "invalid":
        return errors.invalid(exc.message, exc.field or "body")
    if exc.kind == "rule":
        return errors.rule(exc.message)
    return errors.conflict(exc.message)


def request_rectification(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    finding_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    finding = load_finding(session, guard, finding_id, roles.INSPECT)
    group = acting.acting_group(session, guard, data["group_id"], finding.area_code)
    assert group is not None  # a request always names its group (the schema requires it)
    acting.check_assigned(session, group, [finding.project_id])
    scope = idempotency.scope_of("rectification", guard.principal)
    request = idempotency.Request(key, {"finding_id": finding.id, **data})

    def stage() -> dict[str, Any]:
        if finding.state != "open" or db.rectification_of_finding(session, finding.id):
            raise errors.conflict("该问题已交办 (the finding is already handed over)")
        try:
            due, lookback = rules.request_dates(data["due_date"], data["lookback_on"], today(now))
        except rules.RectificationError as exc:
            raise refusal(exc) from exc
        row = _new(session, finding, group, guard.principal.user_id or "", now)
        open_round(session, outbox, row, finding, (due, lookback), now)
        finding.state = "requested"
        session.flush()
        return view(session, row)

    return idempotency.create_once(
        session,
        scope,
        request,
        stage,
        then=lambda: RECTIFICATIONS_REQUESTED.inc(finding_level(finding), round="first"),
    )


def finding_level(finding: Finding) -> str:
    return areas.require(finding.area_code).level


def _new(session: Session, finding: Finding, group: Any, by: str, now: datetime) -> Rectification:
    level = finding_level(finding)
    row = Rectification(
        id=acting.new_id(level),
        finding_id=finding.id,
        project_id=finding.project_id,
        area_code=finding.area_code,
        area_path=finding.area_path,
        level=level,
        year=finding.year,
        group_id=group.id,
        group_name=group.name,
        state=rules.REQUESTED,
        round=1,
        max_rounds=db.max_rounds(session, finding.area_path) or rules.DEFAULT_MAX_ROUNDS,
        requested_by=by,
        requested_at=now,
    )
    session.add(row)
    session.flush()
    return row


def open_round(
    session: Session,
    outbox: OutboxWriter,
    row: Rectification,
    finding: Finding,
    dates: tuple[date, date],
    now: datetime,
) -> RectificationRound:
    """Stage the request's current round, its line in the file and its request to the
    government (each round its own request id, so implementation makes it a new problem)."""
    due, lookback = dates
    current = RectificationRound(
        request_id=rules.round_request_id(row.id, row.round),
        rectification_id=row.id,
        round=row.round,
        due_date=due,
        lookback_on=lookback,
        requested_at=now,
    )
    session.add(current)
    again = f"（第 {row.round} 轮）" if row.round > 1 else ""
    file_db.add_entry(
        session,
        row.project_id,
        at=now,
        side=SUPERVISION,
        kind="rectification_requested",
        summary=f"交办问题{again}：{finding.text}，限 {due.isoformat()} 前整改",
        actor=row.group_name,
        ref=current.request_id,
        detail={"round": row.round, "due_date": due, "lookback_on": lookback},
    )
    payload = _request(row, current, finding)
    outbox.add(session, RECTIFICATION_REQUESTED, payload, area_code=row.area_code, level=row.level)
    return current


def _request(row: Rectification, current: RectificationRound, finding: Finding) -> dict[str, Any]:
    # A reopened round is a new problem on implementation's list: say which round it is.
    text = f"【回头看后第 {row.round} 轮交办】{finding.text}" if row.round > 1 else finding.text
    return {
        "request_id": current.request_id,
        "project_id": row.project_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "group_id": row.group_id,
        "group_name": row.group_name,
        "finding": text,
        "due_date": current.due_date,
        "requested_at": current.requested_at,
    }


def on_reported(session: Session, fact: dict[str, Any]) -> None:
    """implementation's rectification_reported_v1: the round is reported, with the measure and
    the note; the request becomes reported if it is its current round (consumer's
    transaction: staged, never committed)."""
    current = db.round_of(session, fact["request_id"])
    if current is None:
        log.warning(
            "report for an unknown rectification request ignored",
            extra={"request_id": fact["request_id"]},
        )
        return
    if _already(current, fact):
        return  # the same report published again under a new event id: one effect
    row = db.rectification(session, current.rectification_id)
    current.problem_id = fact["problem_id"]
    current.reported_at = fact["reported_at"]
    current.measure, current.report_note = fact["measure"], fact["note"]
    if current.round == row.round:
        row.state = rules.reported(row.state)
    file_db.add_entry(
        session,
        row.project_id,
        at=fact["reported_at"],
        side=GOVERNMENT,
        kind="rectification_reported",
        summary=f"政府报告整改（第 {current.round} 轮）：{fact['note']}",
        ref=current.request_id,
        detail={"problem_id": fact["problem_id"], "measure": fact["measure"]},
    )


def _already(current: RectificationRound, fact: dict[str, Any]) -> bool:
    return (
        current.reported_at is not None
        and as_utc(current.reported_at) == fact["reported_at"]
        and current.problem_id == fact["problem_id"]
    )


def list_rectifications(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    principal = guard.require(roles.FINDINGS_READ, query["area_code"])
    place = areas.require(query["area_code"])
    unit = principal.department or "" if _department_only(principal) else None
    rows, total = db.page(
        session,
        db.rectifications(place.path, query["year"], query["state"], unit),
        query["page"],
        query["page_size"],
    )
    answer = {"items": [_fields(session, r) for r in rows], "total": total}
    page = {"page": query["page"], "page_size": query["page_size"]}
    return dump(contract.RectificationPage, {**answer, **page})


def _department_only(principal: Any) -> bool:
    return handed_only(principal) and principal.has_role({"department_staff"})


def get_rectification(session: Session, guard: Guard, rectification_id: str) -> dict[str, Any]:
    row = db.rectification(session, rectification_id)
    principal = guard.require(roles.FINDINGS_READ, row.area_code if row is not None else None)
    if row is None or (_department_only(principal) and not _led_by(session, row, principal)):
        raise errors.not_found("交办问题", "rectification request")
    return view(session, row)


def _led_by(session: Session, row: Rectification, principal: Any) -> bool:
    project = file_db.project(session, row.project_id)
    return project is not None and project.lead_department == (principal.department or "")


def view(session: Session, row: Rectification) -> dict[str, Any]:
    return dump(contract.Rectification, _fields(session, row))


def _fields(session: Session, row: Rectification) -> dict[str, Any]:
    rounds = db.rounds(session, row.id)
    finding = session.get(Finding, row.finding_id)
    return {
        "id": row.id,
        "finding_id": row.finding_id,
        "project_id": row.project_id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "group_id": row.group_id,
        "group_name": row.group_name,
        "finding": finding.text if finding is not None else "",
        "state": row.state,
        "state_name": contract.RECTIFICATION_STATE_NAMES[row.state],
        "round": row.round,
        "max_rounds": row.max_rounds,
        "due_date": rounds[-1].due_date,
        "lookback_on": rounds[-1].lookback_on,
        "rounds": [_round(r) for r in rounds],
        "requested_at": as_utc(row.requested_at),
    }


def _round(r: RectificationRound) -> dict[str, Any]:
    def utc(moment: datetime | None) -> datetime | None:
        return as_utc(moment) if moment is not None else None

    return {
        "round": r.round,
        "request_id": r.request_id,
        "due_date": r.due_date,
        "lookback_on": r.lookback_on,
        "requested_at": as_utc(r.requested_at),
        "problem_id": r.problem_id,
        "reported_at": utc(r.reported_at),
        "measure": r.measure,
        "report_note": r.report_note,
        "outcome": r.outcome,
        "lookback_note": r.lookback_note,
        "looked_back_at": utc(r.looked_back_at),
        "next": r.next,
    }
