"""Checkpoints (年初问选题 · 年中问进度 · 年底问效果): set by the area's congress staff, read by
everyone supervising, with what is expected of the groups, what is filed and what is missing.

Setting a checkpoint is idempotent: an area's year has one checkpoint per stage (its id derives
from area, year and stage), and setting it again changes the due date or the questions —
the questions only while no report has answered them.
"""

import json
import uuid
from datetime import date, datetime
from typing import Any

from contracts import supervision_checkpoints as contract
from contracts.reference import LEVEL_LETTERS
from servicekit import areas
from servicekit.auth import Guard
from servicekit.clock import business_date_of
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import checkpoints as db
from ..db.checkpoints_models import Checkpoint, CheckpointReminder, CheckpointReport
from ..domain import checkpoints as rules

# uuid5 namespace of checkpoint ids: the same area, year and stage, the same id.
CHECKPOINT_NAMESPACE = uuid.UUID("3c5b1e9a-7d24-4f0b-9e61-5a8f2c7d0b43")


today_of = business_date_of  # the Beijing date of `now`, or development's made-up day


def checkpoint_id_for(level: str, area_code: str, year: int, stage: str) -> str:
    token = uuid.uuid5(CHECKPOINT_NAMESPACE, f"{area_code}/{year}/{stage}")
    return f"{LEVEL_LETTERS[level]}-{token.hex}"


def set_checkpoint(
    session: Session, guard: Guard, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Create or change the stage's checkpoint of an area's year (congress staff, admins)."""
    place = areas.require(data["area_code"])
    principal = guard.require(roles.STAFF, place.code)
    questions = _questions(data)
    row = db.checkpoint_of(session, place.code, data["year"], data["stage"])
    if row is None:
        row = Checkpoint(
            id=checkpoint_id_for(place.level, place.code, data["year"], data["stage"]),
            area_code=place.code,
            area_path=place.path,
            level=place.level,
            year=data["year"],
            stage=data["stage"],
            created_by=principal.user_id or "",
            created_at=now,
        )
        session.add(row)
    elif json.loads(row.questions) != questions and db.reports(session, row.id):
        raise errors.conflict(
            "已有报告回答了原问题，不能再改问题 (reports already answer these questions)",
            {"checkpoint_id": row.id},
        )
    row.due_date = data["due_date"]
    row.questions = json.dumps(questions, ensure_ascii=False)
    row.updated_at = now
    commit_or_conflict(session, "该检查节点正在被同时设定，请重试 (set concurrently: retry)")
    return dump(contract.Checkpoint, view(row, today_of(now)))


def _questions(data: dict[str, Any]) -> list[str]:
    try:
        return rules.questions_for(data["stage"], data.get("questions"))
    except rules.AnswerError as exc:
        raise errors.invalid(exc.message, "questions") from exc


def list_checkpoints(
    session: Session, guard: Guard, query: dict[str, Any], now: datetime
) -> dict[str, Any]:
    place = areas.require(query["area_code"])
    guard.require(roles.READ, place.code)
    rows = db.checkpoints_of(session, place.code, query["year"])
    items = [view(row, today_of(now)) for row in rows]
    return dump(contract.CheckpointList, {"items": items})


def load_checkpoint(
    session: Session,
    guard: Guard,
    checkpoint_id: str,
    allowed: frozenset[str] = roles.READ,
    scoped: bool = True,
) -> Checkpoint:
    """The checkpoint for a caller with one of `allowed` roles in its area (404 unknown, 403
    another area); not `scoped`: the area is left to a finer check (a group's membership)."""
    row = db.checkpoint(session, str(checkpoint_id))
    guard.require(allowed, row.area_code if row is not None and scoped else None)
    if row is None:
        raise errors.not_found("检查节点", "checkpoint")
    return row


def get_checkpoint(
    session: Session, guard: Guard, checkpoint_id: str, now: datetime
) -> dict[str, Any]:
    row = load_checkpoint(session, guard, checkpoint_id)
    return dump(contract.CheckpointDetail, detail(session, row, today_of(now)))


def view(row: Checkpoint, today: date) -> dict[str, Any]:
    return {
        "id": row.id,
        "area_code": row.area_code,
        "year": row.year,
        "stage": row.stage,
        "stage_name": contract.STAGE_NAMES[row.stage],
        "due_date": row.due_date,
        "questions": json.loads(row.questions),
        "overdue": today > row.due_date,
        "created_at": row.created_at,
    }


def detail(
    session: Session, row: Checkpoint, today: date, group_id: str | None = None
) -> dict[str, Any]:
    """The checkpoint with every expected report: filed, missing, reminded (of one group when
    `group_id` says so)."""
    filed = {(r.group_id, r.project_id): r for r in db.reports(session, row.id)}
    sent: dict[tuple[str, str], list[CheckpointReminder]] = {}
    for reminder in db.reminders(session, row.id):
        sent.setdefault((reminder.group_id, reminder.project_id), []).append(reminder)
    expected = []
    for group, project in db.assignments(session, row.area_code, row.year, group_id):
        report: CheckpointReport | None = filed.get((group.id, project.id))
        expected.append(
            {
                "group_id": group.id,
                "group_name": group.name,
                "project_id": project.id,
                "project_title": project.title,
                "report_id": report.id if report else None,
                "verdict": report.verdict if report else None,
                "missing": rules.is_missing(row.due_date, today, report is not None),
                "reminders": [_reminder(r) for r in sent.get((group.id, project.id), [])],
            }
        )
    return {**view(row, today), "counts": counts(expected), "expected": expected}


def counts(expected: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = dict.fromkeys(contract.VERDICTS, 0)
    for item in expected:
        if item["verdict"]:
            verdicts[item["verdict"]] += 1
    return {
        "expected": len(expected),
        "filed": sum(1 for item in expected if item["report_id"]),
        "missing": sum(1 for item in expected if item["missing"]),
        "verdicts": verdicts,
    }


def _reminder(row: CheckpointReminder) -> dict[str, Any]:
    return {
        "step": row.step,
        "step_name": rules.STEP_NAMES[row.step],
        "overdue_working_days": row.overdue_working_days,
        "sent_at": row.sent_at,
    }
