"""Checkpoints (年初问选题 · 年中问进度 · 年底问效果): setting them, the groups' reports, the
reminders of missing ones (hourly timer), and the chairpersons' meeting documents."""

from typing import Any

from contracts import calendar as calendar_contract
from contracts import supervision_checkpoints as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import (
    checkpoint_calendar,
    checkpoint_documents,
    checkpoint_reminders,
    checkpoint_reports,
    checkpoints,
)

REMINDER_INTERVAL_SECONDS = 3600  # hourly: a step is recorded once, so running often is safe


class CheckpointEntrypoints:
    """Mixed into SupervisionService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def set_checkpoint(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "stage": "midyear", "due_date", "questions"?} -> the checkpoint"""
        data = load(contract.CheckpointIn, payload)
        return checkpoints.set_checkpoint(self.db, self.auth, data, utcnow())

    @rpc
    def list_checkpoints(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> {"items": [checkpoint, …]} by due date"""
        data = load(contract.CheckpointsQuery, query)
        return checkpoints.list_checkpoints(self.db, self.auth, data, utcnow())

    @rpc
    def get_checkpoint(self, checkpoint_id: str) -> dict[str, Any]:
        """ "T-…" -> the checkpoint, every expected report, filed or missing, and counts"""
        return checkpoints.get_checkpoint(self.db, self.auth, checkpoint_id, utcnow())

    @rpc
    def file_checkpoint_report(
        self, checkpoint_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", {"group_id", "project_id", "answers", "verdict": "good", "findings"} -> report"""
        data = load(contract.CheckpointReportIn, payload)
        return checkpoint_reports.file_report(
            self.db, self.auth, checkpoint_id, data, idempotency_key, utcnow()
        )

    @rpc
    def run_checkpoint_reminders(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code"} -> how many reminder steps were recorded now (the timer does the same)"""
        data = load(contract.CheckpointRemindersRun, payload)
        return checkpoint_reminders.run_reminders(self.db, self.auth, data, utcnow())

    @timer(interval=REMINDER_INTERVAL_SECONDS)
    def send_checkpoint_reminders(self) -> None:
        checkpoint_reminders.hourly(self.db, self.auth.level, utcnow())

    @rpc
    def get_checkpoint_document(
        self, checkpoint_id: str, fmt: str, query: dict[str, Any]
    ) -> dict[str, Any]:
        """ "T-…", "docx" | "xlsx", {"group_id"?} -> the meeting document as an ExportFile"""
        if fmt not in contract.DOCUMENT_FORMATS:
            raise NotFound("没有该格式 (unknown format)")
        data = load(contract.CheckpointDocumentQuery, query)
        return checkpoint_documents.get_document(
            self.db, self.auth, checkpoint_id, fmt, data, utcnow()
        )

    @rpc
    def put_supervision_calendar_year(self, year: int, payload: dict[str, Any]) -> dict[str, Any]:
        """2027, {"holidays": [...], "workdays": [...], "document_ref"} -> that year, known"""
        data = load(calendar_contract.CalendarYearIn, payload)
        return checkpoint_calendar.put_year(self.db, self.auth, year, data, utcnow())

    @rpc
    def get_supervision_calendar_year(self, year: int) -> dict[str, Any]:
        return checkpoint_calendar.get_year(self.db, self.auth, year)
