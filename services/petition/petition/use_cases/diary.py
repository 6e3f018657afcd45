"""The sentiment diary (民情日记): a deputy's private notes with tags. Only the author reads,
changes or deletes a note — another deputy or congress staff gets "not found", as for a note
that does not exist — and no note reaches a public view, an event, a metric or a log line.

A note becomes a matter through the deputy-entered intake (走访 by default: their own code),
linked to the note in the matter's own transaction; the note stays. It becomes a livelihood
proposal through a matter: the note's matter, converted (`matter_converted_to_proposal_v1`,
which collection turns into a proposal and answers with `proposal_screened_v1`), or, when the
note has none yet, a matter entered, accepted and converted at once. Only what the deputy
writes into the proposal's title and description leaves the diary.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts import matters as matter_contract
from contracts import posts as contract
from contracts.reference import CATEGORIES
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict, write_first
from servicekit.outbox import OutboxWriter
from servicekit.validation import dump, load
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter
from ..db.models import Deputy, DiaryNote, DiaryTag
from ..domain import matters as states
from ..domain.posts import normalize_tags
from . import handling, intake, views
from .common import beijing_day, page, require_deputy

CHANGED = "该日记正被同时修改，请刷新后重试 (changed meanwhile: reload and retry)"


# ---- the author's notes --------------------------------------------------------------------
def _author(session: Session, guard: Guard) -> Deputy:
    guard.require(roles.DIARY)
    return require_deputy(session, guard)


def _my_note(session: Session, guard: Guard, note_id: str, lock: bool = False) -> DiaryNote:
    """The caller's own note; anybody else's is not found (a diary's notes are not said to
    exist)."""
    me = _author(session, guard)
    if lock:
        write_first(session, DiaryNote.id, str(note_id), DiaryNote.updated_at)
    query = select(DiaryNote).where(DiaryNote.id == str(note_id))
    note = session.scalars(query.with_for_update() if lock else query).first()
    if note is None or note.deputy_id != me.id:
        raise errors.note_not_found()
    return note


def _tags_of(session: Session, note_id: str) -> list[str]:
    query = select(DiaryTag.tag).where(DiaryTag.note_id == note_id).order_by(DiaryTag.position)
    return list(session.scalars(query))


def _set_tags(session: Session, note: DiaryNote, tags: list[str]) -> None:
    session.execute(delete(DiaryTag).where(DiaryTag.note_id == note.id))
    for position, tag in enumerate(normalize_tags(tags)):
        session.add(DiaryTag(note_id=note.id, tag=tag, position=position))


def _note_matter(session: Session, note: DiaryNote) -> dict[str, Any] | None:
    matter = session.get(Matter, note.matter_id) if note.matter_id else None
    if matter is None:
        return None
    return {
        "id": matter.id,
        "tracking_code": matter.tracking_code,
        "state": matter.state,
        "state_name": states.STATE_NAMES[matter.state],
    }


def _note_view(session: Session, note: DiaryNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "text": note.text,
        "tags": _tags_of(session, note.id),
        "noted_on": note.noted_on,
        "place": note.place,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "matter": _note_matter(session, note),
        "proposal": views.fate(session, note.matter_id) if note.matter_id else None,
    }


def create_diary_note(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    """{text, tags?, noted_on?, place?} → the note (201)."""
    me = _author(session, guard)

    def stage_note() -> dict[str, Any]:
        note = DiaryNote(
            id=str(uuid.uuid4()),
            deputy_id=me.id,
            text=data["text"],
            noted_on=data.get("noted_on") or beijing_day(now),
            place=data.get("place"),
            created_at=now,
            updated_at=now,
        )
        session.add(note)
        session.flush()
        _set_tags(session, note, data["tags"])
        return dump(contract.DiaryNote, _note_view(session, note))

    scope = idempotency.scope_of("create_diary_note", guard.principal)
    return idempotency.create_once(session, scope, idempotency.Request(key, data), stage_note)


def list_diary_notes(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    """The caller's notes, newest first; `tag` keeps those with that tag."""
    me = _author(session, guard)
    where = [DiaryNote.deputy_id == me.id]
    tags = normalize_tags([query["tag"]]) if query.get("tag") else ()
    if tags:
        where.append(DiaryNote.id.in_(select(DiaryTag.note_id).where(DiaryTag.tag == tags[0])))
    total = session.scalar(select(func.count()).select_from(DiaryNote).where(*where)) or 0
    offset, limit = page(query)
    rows = session.scalars(
        select(DiaryNote).where(*where)
        .order_by(DiaryNote.noted_on.desc(), DiaryNote.created_at.desc(), DiaryNote.id)
        .offset(offset).limit(limit)
    )  # fmt: skip
    mine = select(DiaryNote.id).where(DiaryNote.deputy_id == me.id)
    every = session.scalars(
        select(DiaryTag.tag).where(DiaryTag.note_id.in_(mine)).distinct().order_by(DiaryTag.tag)
    )
    return dump(
        contract.DiaryPage,
        {
            "items": [_note_view(session, row) for row in rows],
            "tags": list(every),
            "total": total,
            "page": query["page"],
            "page_size": limit,
        },
    )


def get_diary_note(session: Session, guard: Guard, note_id: str) -> dict[str, Any]:
    return dump(contract.DiaryNote, _note_view(session, _my_note(session, guard, note_id)))


def put_diary_note(
    session: Session, guard: Guard, note_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The whole note again (a note that became a matter keeps its link)."""
    note = _my_note(session, guard, note_id, lock=True)
    note.text, note.place, note.updated_at = data["text"], data.get("place"), now
    note.noted_on = data.get("noted_on") or note.noted_on
    _set_tags(session, note, data["tags"])
    commit_or_conflict(session, CHANGED)
    return dump(contract.DiaryNote, _note_view(session, note))


def delete_diary_note(session: Session, guard: Guard, note_id: str) -> dict[str, Any]:
    """Gone for good (a matter it became stays: it is the resident's now)."""
    note = _my_note(session, guard, note_id, lock=True)
    session.execute(delete(DiaryTag).where(DiaryTag.note_id == note.id))
    session.delete(note)
    commit_or_conflict(session, CHANGED)
    return dump(contract.DiaryNoteDeleted, {"id": str(note_id), "deleted": True})


# ---- a note becomes a matter or a proposal -------------------------------------------------
def _matter_body(me: Deputy, note: DiaryNote, data: dict[str, Any]) -> dict[str, Any]:
    """The deputy-entered matter (contracts.matters.MatterSubmit) a note becomes."""
    location = data.get("location") or ({"text": note.place} if note.place else None)
    missing = [name for name, value in (("category", data.get("category")), ("location", location))
               if value is None]  # fmt: skip
    if missing:
        raise errors.missing(*missing)
    body = {
        "code": me.public_code,
        "channel": data["channel"],
        "title": data.get("title"),
        "text": data.get("text") or note.text,
        "category": data["category"],
        "area_code": data.get("area_code"),
        "location": location,
        "resident": data.get("resident"),
    }
    return load(matter_contract.MatterSubmit, body)


def _enter_note_matter(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    note: DiaryNote,
    body: dict[str, Any],
    now: datetime,
    then: Callable[[Matter], None] | None = None,
) -> dict[str, Any]:
    """The matter entered through intake, the note linked in the same transaction."""
    if note.matter_id:
        raise errors.conflict(
            "该日记已转为事项 (this note is a matter already)", {"matter_id": note.matter_id}
        )

    def link_note(matter: Matter) -> None:
        note.matter_id, note.updated_at = matter.id, now
        if then is not None:
            then(matter)

    try:
        return intake.submit_matter(session, outbox, guard, body, None, now, link_note)
    except Exception:
        session.rollback()  # nothing staged stays, the note's lock released
        raise


def _proposal_fields(data: dict[str, Any]) -> dict[str, Any]:
    needed = ("title", "description", "category", "location")  # nothing of the note by default
    missing = [name for name in needed if not data.get(name)]
    if missing:
        raise errors.missing(*missing)
    if data["category"] not in CATEGORIES:
        raise errors.invalid("须选择民生实事建议类别 (a proposal category)", "category")
    return {"title": data["title"], "description": data["description"],
            "category": data["category"], "method": None}  # fmt: skip


def _note_to_proposal(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    note: DiaryNote,
    data: dict[str, Any],
    now: datetime,
) -> str:
    """The note's matter converted; a note without one gets one, accepted and converted."""
    wanted = _proposal_fields(data)
    if note.matter_id:
        matter_id = note.matter_id
        session.rollback()  # the note's lock: act_on_matter takes the matter's
        handling.act_on_matter(session, outbox, guard, matter_id, "convert", wanted, now)
        return matter_id
    me = _author(session, guard)
    body = _matter_body(me, note, {**data, "text": data.get("text") or wanted["description"]})
    after: list[Callable[[], None]] = []

    def accept_and_convert(matter: Matter) -> None:
        for action, given in ((states.ACCEPT, {}), (states.CONVERT, wanted)):
            act = handling.step(session, outbox, guard, matter, action, given, now)
            after.extend(act.then)

    created = _enter_note_matter(session, outbox, guard, note, body, now, accept_and_convert)
    for done in after:
        done()
    return str(created["id"])


def convert_diary_note(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    note_id: str,
    target: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """ "matter" | "proposal", {…} → the note (linked) and its matter."""
    note = _my_note(session, guard, note_id, lock=True)
    if target == "matter":
        body = _matter_body(_author(session, guard), note, data)
        matter_id = str(_enter_note_matter(session, outbox, guard, note, body, now)["id"])
    else:
        matter_id = _note_to_proposal(session, outbox, guard, note, data, now)
    session.expire_all()
    note = _my_note(session, guard, note_id)
    matter = session.get(Matter, matter_id)
    return dump(
        contract.DiaryConverted,
        {
            "note": _note_view(session, note),
            "matter_id": matter_id,
            "tracking_code": matter.tracking_code if matter else "",
        },
    )
