"""Documents for the chairpersons' meeting (主任会议), generated from the records: a checkpoint's
reports of the whole area or of one group, in Word (checkpoint_word) and in Excel
(servicekit.tables). Both carry the title, each expected report (group, verdict, answers,
findings, the progress figures filed with it, or that it is missing) and the summary counts.

The file crosses RPC as base64 text (contracts.reports.ExportFile), as every export does.
"""

import base64
import json
from datetime import datetime
from typing import Any

from contracts import supervision_checkpoints as contract
from contracts.reports import ExportFile
from servicekit import areas
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import checkpoints as db
from ..db.checkpoints_models import Checkpoint
from . import checkpoint_tables, checkpoint_word
from .checkpoints import detail, load_checkpoint, today_of
from .groups import require_member

# The meeting's papers are the congress side's: the groups' members and the area's staff.
DOCUMENT_ROLES = roles.MEMBERS | roles.STAFF


def get_document(
    session: Session,
    guard: Guard,
    checkpoint_id: str,
    fmt: str,
    query: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """The meeting document as a file: `docx` or `xlsx`, of one group or the whole area."""
    group_id = query.get("group_id")
    # One group's papers: its members (from any area) and the area's staff; the whole area's:
    # the area's deputies and staff.
    checkpoint = load_checkpoint(session, guard, checkpoint_id, DOCUMENT_ROLES, not group_id)
    group_name = None
    if group_id:
        group = require_member(session, guard, group_id)
        if (group.area_code, group.year) != (checkpoint.area_code, checkpoint.year):
            raise errors.invalid(
                "该监督组不属于本次检查 (group not of this checkpoint)", "group_id"
            )
        group_name = group.name
    records = gather(session, checkpoint, group_id, group_name, now)
    content = (
        checkpoint_word.to_docx(records) if fmt == "docx" else checkpoint_tables.to_xlsx(records)
    )
    part = f"_{group_name}" if group_name else ""
    return dump(
        ExportFile,
        {
            "file_name": f"{records['title']}{part}.{fmt}",
            "ascii_file_name": f"checkpoint-{checkpoint.area_code}-{checkpoint.year}-"
            f"{checkpoint.stage}.{fmt}",
            "content_type": contract.CONTENT_TYPES[fmt],
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )


def title_of(checkpoint: Checkpoint) -> str:
    stage = contract.STAGE_TITLES[checkpoint.stage]
    return f"关于{checkpoint.year}年民生实事项目{stage}监督情况的报告"


def gather(
    session: Session,
    checkpoint: Checkpoint,
    group_id: str | None,
    group_name: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Everything the documents say, from the records, in one shape for both formats."""
    seen = detail(session, checkpoint, today_of(now), group_id)
    reports = {r.id: r for r in db.reports(session, checkpoint.id)}
    findings = _findings_by_report(session, [i["report_id"] for i in seen["expected"]])
    items = []
    for item in seen["expected"]:
        report = reports.get(item["report_id"] or "")
        items.append(
            {
                **item,
                "verdict_name": contract.VERDICT_NAMES[report.verdict] if report else None,
                "answers": json.loads(report.answers) if report else [],
                "findings": findings.get(report.id, []) if report else [],
                "snapshot": json.loads(report.snapshot) if report else None,
            }
        )
    return {
        "title": title_of(checkpoint),
        "area_name": areas.require(checkpoint.area_code).name,
        "group_name": group_name,
        "stage_name": contract.STAGE_NAMES[checkpoint.stage],
        "due_date": checkpoint.due_date.isoformat(),
        "questions": seen["questions"],
        "counts": seen["counts"],
        "items": items,
    }


def _findings_by_report(
    session: Session, report_ids: list[str | None]
) -> dict[str, list[dict[str, Any]]]:
    """Each report's findings as the documents show them: the text and the photos' names."""
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in db.findings_of_reports(session, [i for i in report_ids if i]):
        photos = [photo["file_name"] for photo in json.loads(finding.photos)]
        found.setdefault(finding.source_ref or "", []).append(
            {"text": finding.text, "photos": photos}
        )
    return found
