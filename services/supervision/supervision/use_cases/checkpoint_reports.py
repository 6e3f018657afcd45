"""A group's checkpoint report on one of its projects: every question of the checkpoint
answered, a verdict (良好 · 一般 · 较差), findings with their photos' metadata, and the project's
figures at filing time. One per checkpoint × group × project: a second is a conflict, unless
it replays the first with the same Idempotency-Key.

The report and each finding write a line in the project's file (side "supervision").
"""

import json
import uuid
from datetime import date, datetime
from typing import Any

from contracts import supervision_checkpoints as contract
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.errors import ValidationFailed
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import checkpoints as db
from ..db import files
from ..db.checkpoints_models import Checkpoint, CheckpointReport
from ..db.findings import add_finding
from ..db.models import Project
from ..domain import checkpoints as rules
from ..metrics import CHECKPOINT_REPORTS
from .checkpoints import load_checkpoint
from .groups import require_member

SUPERVISION = "supervision"
FILE_ROLES = roles.MEMBERS | roles.STAFF  # then: a member of the group, or the area's staff


def file_report(
    session: Session,
    guard: Guard,
    checkpoint_id: str,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    # Membership of one of the checkpoint's groups is the authority (a member may be an
    # account of another area); staff act in their area (require_member checks either).
    checkpoint = load_checkpoint(session, guard, checkpoint_id, FILE_ROLES, scoped=False)
    group_id, project = _target(session, guard, checkpoint, data)
    answers = _answers(checkpoint, data)
    scope = idempotency.scope_of("checkpoint_report", guard.principal)
    request = idempotency.Request(key, {"checkpoint_id": checkpoint.id, **data})

    def stage() -> dict[str, Any]:
        if db.report_of(session, checkpoint.id, group_id, project.id) is not None:
            raise errors.conflict(
                "该监督组已提交本项目的本次检查报告 (report already filed)",
                {"checkpoint_id": checkpoint.id, "group_id": group_id, "project_id": project.id},
            )
        by = guard.principal.user_id or ""
        row = _stage_report(session, checkpoint, group_id, project, data, answers, by, now)
        return view(row, checkpoint.stage)

    def counted() -> None:
        CHECKPOINT_REPORTS.inc(checkpoint.level, stage=checkpoint.stage, verdict=data["verdict"])

    return idempotency.create_once(session, scope, request, stage, counted)


def _target(
    session: Session, guard: Guard, checkpoint: Checkpoint, data: dict[str, Any]
) -> tuple[str, Project]:
    """The group (the caller one of its members, or the area's staff) and its project."""
    group = require_member(session, guard, data["group_id"])
    if group.area_code != checkpoint.area_code or group.year != checkpoint.year:
        raise errors.invalid("该监督组不属于本次检查 (group not of this checkpoint)", "group_id")
    project = files.project(session, data["project_id"])
    if project is None or not db.is_assigned(session, group.id, project.id):
        raise errors.invalid("该项目未分配给该监督组 (project not assigned to group)", "project_id")
    return group.id, project


def _answers(checkpoint: Checkpoint, data: dict[str, Any]) -> list[dict[str, str]]:
    questions = json.loads(checkpoint.questions)
    pairs = [(item["question"], item["answer"]) for item in data["answers"]]
    try:
        return rules.check_answers(questions, pairs)
    except rules.AnswerError as exc:
        raise ValidationFailed(exc.message, exc.details) from exc


def kept_snapshot(text: str) -> dict[str, Any]:
    """The snapshot as stored (JSON: its date as ISO text), back with its date a date."""
    figures = json.loads(text)
    if figures.get("as_of"):
        figures["as_of"] = date.fromisoformat(figures["as_of"])
    return dict(figures)


def snapshot(project: Project) -> dict[str, Any]:
    """The project's figures as supervision knows them now (kept with the report)."""
    return {
        "status": project.status,
        "actual_percent": project.actual_percent,
        "planned_percent": project.planned_percent,
        "standing": project.standing,
        "as_of": project.as_of.isoformat() if project.as_of else None,
        "budget_fen": project.budget_fen,
        "disbursed_fen": project.disbursed_fen,
        "paid_fen": project.paid_fen,
    }


def _stage_report(
    session: Session,
    checkpoint: Checkpoint,
    group_id: str,
    project: Project,
    data: dict[str, Any],
    answers: list[dict[str, str]],
    by: str,
    now: datetime,
) -> CheckpointReport:
    row = CheckpointReport(
        id=f"{checkpoint.id[0]}-{uuid.uuid4().hex}",
        checkpoint_id=checkpoint.id,
        group_id=group_id,
        project_id=project.id,
        verdict=data["verdict"],
        answers=json.dumps(answers, ensure_ascii=False),
        snapshot=json.dumps(snapshot(project), ensure_ascii=False),
        filed_by=by,
        filed_at=now,
    )
    session.add(row)
    _report_line(session, checkpoint, row, now)
    found = [_finding(session, row, project, item, by, now) for item in data["findings"]]
    row.finding_ids = json.dumps(found)
    session.flush()
    return row


def _report_line(
    session: Session, checkpoint: Checkpoint, row: CheckpointReport, now: datetime
) -> None:
    stage_name = contract.STAGE_NAMES[checkpoint.stage]
    files.add_entry(
        session,
        row.project_id,
        at=now,
        side=SUPERVISION,
        kind="checkpoint_report",
        summary=f"{stage_name}检查报告：{contract.VERDICT_NAMES[row.verdict]}",
        actor=row.group_id,
        ref=row.id,
        detail={"checkpoint_id": checkpoint.id, "stage": checkpoint.stage, "verdict": row.verdict},
    )


def _finding(
    session: Session,
    report: CheckpointReport,
    project: Project,
    item: dict[str, Any],
    by: str,
    now: datetime,
) -> str:
    finding = add_finding(
        session,
        project,
        source="checkpoint",
        source_ref=report.id,
        text=item["text"],
        photos=item["photos"],
        raised_by=by,
        now=now,
        group_id=report.group_id,
    )
    files.add_entry(
        session,
        project.id,
        at=now,
        side=SUPERVISION,
        kind="finding_raised",
        summary=f"检查发现问题：{item['text']}",
        actor=report.group_id,
        ref=finding.id,
        detail={"source": "checkpoint", "report_id": report.id, "photos": len(item["photos"])},
    )
    return finding.id


def view(row: CheckpointReport, stage: str) -> dict[str, Any]:
    return dump(
        contract.CheckpointReport,
        {
            "id": row.id,
            "checkpoint_id": row.checkpoint_id,
            "stage": stage,
            "group_id": row.group_id,
            "project_id": row.project_id,
            "verdict": row.verdict,
            "verdict_name": contract.VERDICT_NAMES[row.verdict],
            "answers": json.loads(row.answers),
            "finding_ids": json.loads(row.finding_ids),
            "snapshot": kept_snapshot(row.snapshot),
            "filed_by": row.filed_by,
            "filed_at": row.filed_at,
        },
    )
