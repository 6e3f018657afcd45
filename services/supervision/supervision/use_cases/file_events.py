"""Implementation's facts in a project's file (监督档案): each event writes one line (side
"government") and brings the project's figures up to date, never backwards
(domain.file_facts).

A fact whose project supervision does not know yet (its project_created_v1 still on the way,
queues deliver in any order) is kept in `pending_facts` and applied when the file opens,
rather than raised back to the broker: a retry with backoff would dead-letter it if the
creation took longer than the retries, and the line would be lost.

Handlers stage and never commit (the consumer's transaction holds the effect and the
processed event id together). The same fact published twice under two event ids writes one
line: a line of the same kind, reference and time is the same fact.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts.events import (
    FUNDS_DISBURSED,
    PLAN_ADOPTED,
    PROBLEM_OVERDUE,
    PROGRESS_REPORTED,
    PROJECT_COMPLETED,
    PROJECT_FLAGGED,
    EventSpec,
)
from servicekit.validation import load
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..db import files as db
from ..db.groups_models import FactClock, PendingFact
from ..db.models import FileEntry, Project
from ..domain import file_facts as rules
from ..metrics import FACTS_PENDING, count_entry
from .files import GOVERNMENT
from .files import open_file as open_project_file


def _plan(session: Session, row: Project, fact: dict[str, Any]) -> None:
    if fact["version"] > row.plan_version:
        row.plan_version = fact["version"]
        row.lead_leader = fact["lead_leader"]
        row.lead_department = fact["lead_department"]
        row.deadline = fact["deadline"]
    row.status = rules.advanced(row.status, "planned")


def _progress(session: Session, row: Project, fact: dict[str, Any]) -> None:
    if _newer(session, row, "progress", rules.progress_mark(fact["as_of"], fact["reported_at"])):
        row.actual_percent = fact["actual_percent"]
        row.planned_percent = fact["planned_percent"]
        row.standing = fact["standing"]
        row.as_of = fact["as_of"]
    row.status = rules.advanced(row.status, "in_progress")


def _flagged(session: Session, row: Project, fact: dict[str, Any]) -> None:
    row.flagged = True


def _overdue(session: Session, row: Project, fact: dict[str, Any]) -> None:
    session.flush()  # the line just staged counts
    distinct = select(func.count(func.distinct(FileEntry.ref))).where(
        FileEntry.project_id == row.id, FileEntry.kind == "problem_overdue"
    )
    row.overdue_problems = int(session.scalar(distinct) or 0)


def _funds(session: Session, row: Project, fact: dict[str, Any]) -> None:
    if _newer(session, row, "funds", rules.funds_mark(fact["recorded_at"], str(fact["flow_id"]))):
        row.budget_fen = fact["budget_fen"]
        row.disbursed_fen = fact["disbursed_fen"]
        row.paid_fen = fact["paid_fen"]


def _completed(session: Session, row: Project, fact: dict[str, Any]) -> None:
    row.completed_on = fact["completed_on"]
    row.same_year = fact["same_year"]
    row.status = rules.advanced(row.status, "completed")


Effect = Callable[[Session, Project, dict[str, Any]], None]
# event -> (the file's kind, the fact's time, its reference, what it changes)
FACTS: dict[str, tuple[EventSpec, str, Callable[[dict[str, Any]], str | None], Effect]] = {
    "plan_adopted": (PLAN_ADOPTED, "adopted_at", lambda f: str(f["version"]), _plan),
    "progress_reported": (PROGRESS_REPORTED, "reported_at", lambda f: f["report_id"], _progress),
    "project_flagged": (PROJECT_FLAGGED, "flagged_at", lambda f: None, _flagged),
    "problem_overdue": (PROBLEM_OVERDUE, "raised_at", lambda f: f["problem_id"], _overdue),
    "funds_disbursed": (FUNDS_DISBURSED, "recorded_at", lambda f: str(f["flow_id"]), _funds),
    "project_completed": (PROJECT_COMPLETED, "completed_at", lambda f: None, _completed),
}
KIND_OF_EVENT = {spec.name: kind for kind, (spec, *_) in FACTS.items()}


def _newer(session: Session, row: Project, kind: str, mark: str) -> bool:
    """Whether the fact marked `mark` is the latest of its kind; if so, it becomes the mark."""
    clock = session.get(FactClock, (row.id, kind))
    if clock is None:
        session.add(FactClock(project_id=row.id, kind=kind, mark=mark))
        return True
    if not rules.is_newer(mark, clock.mark):
        return False
    clock.mark = mark
    return True


AfterCommit = Callable[[Callable[[], None]], None]  # servicekit.consumer.Delivery.after_commit


def apply_fact(
    session: Session, kind: str, fact: dict[str, Any], now: datetime, after_commit: AfterCommit
) -> bool:
    """Stage the fact's line and effect; False when it waits for its project (pending).
    Metrics are counted by `after_commit`, once the consumer's transaction holds."""
    spec = FACTS[kind][0]
    row = db.project(session, fact["project_id"])
    if row is None:
        payload = json.dumps(spec.schema().dump(fact), ensure_ascii=False, sort_keys=True)
        session.add(
            PendingFact(
                project_id=fact["project_id"],
                event_type=spec.name,
                payload=payload,
                received_at=now,
            )
        )
        after_commit(lambda: FACTS_PENDING.inc(fact["level"]))
        return False
    level = row.level
    if _apply(session, row, kind, fact):
        after_commit(lambda: count_entry(GOVERNMENT, level))
    return True


def _apply(session: Session, row: Project, kind: str, fact: dict[str, Any]) -> bool:
    _, at_field, ref_of, effect = FACTS[kind]
    at, ref = fact[at_field], ref_of(fact)
    if _already_filed(session, row.id, kind, ref, at):
        return False  # the same fact published again under another event id
    db.add_entry(
        session,
        row.id,
        at=at,
        side=GOVERNMENT,
        kind=kind,
        summary=rules.summary(kind, fact),
        actor=row.lead_department,
        ref=ref,
        detail=fact,
    )
    effect(session, row, fact)
    return True


def _already_filed(
    session: Session, project_id: str, kind: str, ref: str | None, at: datetime
) -> bool:
    same = select(FileEntry.seq).where(
        FileEntry.project_id == project_id,
        FileEntry.kind == kind,
        FileEntry.ref.is_(None) if ref is None else FileEntry.ref == ref,
        FileEntry.at == at,
    )
    return session.execute(same.limit(1)).first() is not None


def open_file(
    session: Session, fact: dict[str, Any], now: datetime, after_commit: AfterCommit
) -> Project | None:
    """project_created_v1: the file opens, then the facts that came before it are applied."""
    # Read before the project is staged: no autoflush, and nothing to delete when (as almost
    # always) no fact came first.
    waiting = select(PendingFact).where(PendingFact.project_id == fact["project_id"])
    early = list(session.scalars(waiting.order_by(PendingFact.seq)))
    row = open_project_file(session, fact, now)
    if row is None:
        return None
    lines = 1
    for pending in early:
        kind = KIND_OF_EVENT[pending.event_type]
        payload = load(FACTS[kind][0].schema, json.loads(pending.payload))
        lines += _apply(session, row, kind, payload)
    if early:
        session.execute(delete(PendingFact).where(PendingFact.project_id == row.id))
    level = row.level
    after_commit(lambda: count_entry(GOVERNMENT, level, lines))
    return row
