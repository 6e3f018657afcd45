"""The sentiment diary (民情日记): a deputy's own notes, and a note becoming a matter or a
proposal."""

from typing import Any

from contracts import posts as contract
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import diary


class DiaryEntrypoints:
    """Mixed into PetitionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def create_diary_note(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"text": "…", "tags": ["养老", "#路灯"], "noted_on"?, "place"?} -> the note"""
        data = load(contract.DiaryNoteIn, payload)
        return diary.create_diary_note(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def list_diary_notes(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"tag"?: "养老"} -> the caller's own notes, newest first"""
        return diary.list_diary_notes(self.db, self.auth, load(contract.DiaryQuery, query))

    @rpc
    def get_diary_note(self, note_id: str) -> dict[str, Any]:
        return diary.get_diary_note(self.db, self.auth, note_id)

    @rpc
    def put_diary_note(self, note_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.DiaryNoteIn, payload)
        return diary.put_diary_note(self.db, self.auth, note_id, data, utcnow())

    @rpc
    def delete_diary_note(self, note_id: str) -> dict[str, Any]:
        return diary.delete_diary_note(self.db, self.auth, note_id)

    @rpc
    def convert_diary_note(
        self, note_id: str, target: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """ "…", "matter", {"category": "基础设施"} | "proposal", {"title", "description",
        "category"} -> the note, linked to its matter"""
        if target not in contract.DIARY_TARGETS:
            raise NotFound("没有该操作 (unknown action)")
        data = load(contract.DiaryConvert, payload)
        return diary.convert_diary_note(
            self.db, self.outbox, self.auth, note_id, target, data, utcnow()
        )
