"""Supervision · checkpoints (年初问选题 · 年中问进度 · 年底问效果), their reports, the
chairpersons' meeting documents: its RPC names and schemas.

A checkpoint is one stage of one area's year, with a due date and the questions every group
answers for each project assigned to it. Its id starts with the area's level letter, so the
gateway routes `/api/v1/checkpoints/<id>` to the right level's workers.
"""

import re

from marshmallow import fields, validate

from .fields import StrictSchema, Whole, area_code, bounded_int, one_of, text
from .proposals import AttachmentIn
from .reference import MAX_ATTACHMENTS, level_of_tracking_code
from .reports import CONTENT_TYPES as TABLE_CONTENT_TYPES

STAGES = ("opening", "midyear", "yearend")
STAGE_NAMES = {"opening": "年初·问选题", "midyear": "年中·问进度", "yearend": "年底·问效果"}
# The stage as a meeting document's title says it: 关于2027年民生实事项目年中监督情况的报告.
STAGE_TITLES = {"opening": "年初", "midyear": "年中", "yearend": "年底"}
VERDICTS = ("good", "fair", "poor")
VERDICT_NAMES = {"good": "良好", "fair": "一般", "poor": "较差"}
REMINDER_STEPS = ("friendly_reminder", "deadline_order", "special_report")
DOCUMENT_FORMATS = ("docx", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": TABLE_CONTENT_TYPES["xlsx"],
}
CHECKPOINT_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
GROUP_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"
MAX_QUESTIONS = 20


def checkpoint_level(checkpoint_id: str) -> str | None:
    """The level a checkpoint id names (its first letter), or None for a malformed id."""
    if not isinstance(checkpoint_id, str) or not re.fullmatch(CHECKPOINT_ID_PATTERN, checkpoint_id):
        return None
    return level_of_tracking_code(checkpoint_id)


class CheckpointsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""

    set_checkpoint = "set_checkpoint"
    list_checkpoints = "list_checkpoints"
    get_checkpoint = "get_checkpoint"
    file_checkpoint_report = "file_checkpoint_report"
    run_checkpoint_reminders = "run_checkpoint_reminders"
    get_checkpoint_document = "get_checkpoint_document"
    put_supervision_calendar_year = "put_supervision_calendar_year"
    get_supervision_calendar_year = "get_supervision_calendar_year"


class CheckpointIn(StrictSchema):
    """Set a stage of an area's year; without `questions` the stage's default template."""

    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)
    stage = one_of(STAGES, required=True)
    due_date = fields.Date(required=True)
    questions = fields.List(
        text(1, 300),
        load_default=None,
        validate=validate.Length(min=1, max=MAX_QUESTIONS),
    )


class CheckpointsQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2018, 2100, required=True)


class CheckpointReminder(StrictSchema):
    step = one_of(REMINDER_STEPS, required=True)
    step_name = fields.String(required=True)
    overdue_working_days = fields.Integer(required=True)
    sent_at = fields.AwareDateTime(required=True)


class CheckpointExpected(StrictSchema):
    """One group × one of its projects: filed (report_id) or not, and missing once overdue."""

    group_id = fields.String(required=True)
    group_name = fields.String(required=True)
    project_id = fields.String(required=True)
    project_title = fields.String(required=True)
    report_id = fields.String(required=True, allow_none=True)
    verdict = one_of(VERDICTS, required=True, allow_none=True)
    missing = fields.Boolean(required=True)  # the due date passed without a report
    reminders = fields.List(fields.Nested(CheckpointReminder), required=True)


class CheckpointCounts(StrictSchema):
    expected = fields.Integer(required=True)
    filed = fields.Integer(required=True)
    missing = fields.Integer(required=True)
    verdicts = fields.Dict(keys=one_of(VERDICTS), values=fields.Integer(), required=True)


class Checkpoint(StrictSchema):
    id = fields.String(required=True)
    area_code = area_code(required=True)
    year = fields.Integer(required=True)
    stage = one_of(STAGES, required=True)
    stage_name = fields.String(required=True)
    due_date = fields.Date(required=True)
    questions = fields.List(fields.String(), required=True)
    overdue = fields.Boolean(required=True)  # today is after the due date
    created_at = fields.AwareDateTime(required=True)


class CheckpointDetail(Checkpoint):
    counts = fields.Nested(CheckpointCounts, required=True)
    expected = fields.List(fields.Nested(CheckpointExpected), required=True)


class CheckpointList(StrictSchema):
    items = fields.List(fields.Nested(Checkpoint), required=True)


class CheckpointAnswerIn(StrictSchema):
    question = text(1, 300, required=True)
    answer = text(1, 4000, required=True)


class CheckpointFindingIn(StrictSchema):
    """A finding and its photos as metadata, under the shared attachment rules (types, size,
    sha256: contracts.proposals.AttachmentIn, as collection and petition check them)."""

    text = text(1, 2000, required=True)
    photos = fields.List(
        fields.Nested(AttachmentIn),
        load_default=list,
        validate=validate.Length(max=MAX_ATTACHMENTS),
    )


class CheckpointReportIn(StrictSchema):
    group_id = fields.String(
        required=True, validate=Whole(GROUP_ID_PATTERN, error="监督组编号格式不正确 (group id)")
    )
    project_id = fields.String(
        required=True,
        validate=Whole(r"[CBT]-[0-9a-f]{32}", error="项目编号格式不正确 (project id)"),
    )
    answers = fields.List(
        fields.Nested(CheckpointAnswerIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_QUESTIONS),
    )
    verdict = one_of(VERDICTS, required=True)
    findings = fields.List(
        fields.Nested(CheckpointFindingIn), load_default=list, validate=validate.Length(max=20)
    )


class CheckpointAnswer(StrictSchema):
    question = fields.String(required=True)
    answer = fields.String(required=True)


class CheckpointSnapshot(StrictSchema):
    """The project's figures when the report was filed (the midyear question is progress)."""

    status = fields.String(required=True)
    actual_percent = fields.String(required=True, allow_none=True)
    planned_percent = fields.String(required=True, allow_none=True)
    standing = fields.String(required=True, allow_none=True)
    as_of = fields.Date(required=True, allow_none=True)
    budget_fen = fields.Integer(required=True)
    disbursed_fen = fields.Integer(required=True)
    paid_fen = fields.Integer(required=True)


class CheckpointReport(StrictSchema):
    id = fields.String(required=True)
    checkpoint_id = fields.String(required=True)
    stage = one_of(STAGES, required=True)
    group_id = fields.String(required=True)
    project_id = fields.String(required=True)
    verdict = one_of(VERDICTS, required=True)
    verdict_name = fields.String(required=True)
    answers = fields.List(fields.Nested(CheckpointAnswer), required=True)
    finding_ids = fields.List(fields.String(), required=True)
    snapshot = fields.Nested(CheckpointSnapshot, required=True)
    filed_by = fields.String(required=True)
    filed_at = fields.AwareDateTime(required=True)


class CheckpointRemindersRun(StrictSchema):
    area_code = area_code(required=True)


class CheckpointRemindersResult(StrictSchema):
    area_code = area_code(required=True)
    sent = fields.Integer(required=True)
    skipped_unknown_years = fields.List(fields.Integer(), required=True)


class CheckpointDocumentQuery(StrictSchema):
    """A meeting document of the whole area, or of one group (`group_id`)."""

    group_id = fields.String(
        load_default=None, validate=Whole(GROUP_ID_PATTERN, error="监督组编号格式不正确 (group id)")
    )
