"""Paper ballots (纸质选票): the tellers' count of sheets returned, and double entry.

Two different tellers (计票人) enter every sheet independently. Equal readings put the ballot in
the box; different readings wait for the count supervisor (监票人), whose reading, with a note,
is final; a supervisor who also entered a reading of that sheet (holding both roles) may not
resolve it. A sheet is entered as read, so an over-marked sheet is stored and counted invalid;
only keys and answers that could not be on the printed sheet are refused as typing errors.
"""

from typing import Any, NamedTuple

from contracts import voting as contract
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..box import store
from ..db import sessions as db
from ..db.models import Round, VotingSession
from ..domain import sessions as machine
from ..domain.export import choices_for
from ..metrics import BALLOTS_CAST
from .common import (
    READ_ROLES,
    SUPERVISOR_ROLES,
    TELLER_ROLES,
    append_audit,
    commit,
    dumps,
    load_session,
    loads,
    refuse,
)

RESOLUTION = 0  # the supervisor's entry number; tellers' entries are 1 and 2


class Reading(NamedTuple):
    entry: int
    content: str


def _readable(row: VotingSession, round_row: Round, choices: dict | None) -> str:
    """The canonical content to store, after refusing what no printed sheet could say."""
    if choices is None:
        return "null"
    unknown = sorted(set(choices) - set(loads(round_row.candidates)))
    allowed = choices_for(row.kind)
    wrong = sorted(k for k, v in choices.items() if v not in allowed)
    if unknown or wrong:
        raise errors.validation(
            "选票上没有这些项目或选项，请核对录入 (not on the printed sheet: check the entry)",
            {"unknown_candidates": unknown, "unknown_choices": wrong},
        )
    return dumps(choices)


def sheet_status(entries: list) -> str:
    if any(e.entry == RESOLUTION for e in entries):
        return "resolved"
    if len(entries) < 2:
        return "awaiting_second_entry"
    return "matched" if entries[0].content == entries[1].content else "mismatch"


def _sheet_view(row: VotingSession, sheet: int, entries: list) -> dict[str, Any]:
    return dump(
        contract.PaperSheet,
        {
            "session_id": row.id,
            "round": row.round,
            "sheet": sheet,
            "status": sheet_status(entries),
            "entries": len(entries),
        },
    )


def _paper_session(session: Session, guard: Guard, session_id: str, roles) -> VotingSession:
    row = load_session(session, guard, session_id, roles)
    refuse(machine.allowed_in(row.state, machine.PAPER_ENTRY_STATES, "录入纸质选票"))
    if db.issued(session, row.id, row.round, "paper") == 0:
        raise errors.rule("本轮没有发出纸质选票 (no paper ballots were issued in this round)")
    return row


def enter_paper_ballot(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    row = _paper_session(session, guard, session_id, TELLER_ROLES)
    content = _readable(row, db.round_row(session, row.id, row.round), data["choices"])
    teller = guard.principal.user_id or ""
    entries = store.sheet_entries(box, row.id, row.round, data["sheet"])
    status = sheet_status(entries) if entries else None
    if status in ("matched", "resolved"):
        raise errors.conflict("该张选票已录入完毕 (this sheet is already entered)")
    if status == "mismatch":
        raise errors.conflict(
            "两次录入不一致，待监票人裁定 (entries differ: the supervisor decides)"
        )
    if entries and entries[0].entered_by == teller:
        raise errors.conflict(
            "同一计票人不能录入两次，须由另一名计票人录入 (a second teller enters)"
        )
    store.add_paper_entry(box, row.id, row.round, data["sheet"], len(entries) + 1, teller, content)
    entries = [*entries, Reading(len(entries) + 1, content)]
    if sheet_status(entries) == "matched":
        store.store_ballot(box, row.id, row.round, "paper", content)
    commit(box)
    if sheet_status(entries) == "matched":
        BALLOTS_CAST.inc(row.level, medium="paper")
    return _sheet_view(row, data["sheet"], entries)


def resolve_paper_ballot(
    session: Session, box: Session, guard: Guard, session_id: str, sheet: int, data: dict
) -> dict[str, Any]:
    row = _paper_session(session, guard, session_id, SUPERVISOR_ROLES)
    content = _readable(row, db.round_row(session, row.id, row.round), data["choices"])
    entries = store.sheet_entries(box, row.id, row.round, int(sheet))
    if not entries or sheet_status(entries) != "mismatch":
        raise errors.conflict(
            "只有两次录入不一致的选票需要裁定 (only a mismatched sheet is resolved)"
        )
    supervisor = guard.principal.user_id or ""
    if supervisor in {entry.entered_by for entry in entries}:
        raise errors.resolver_entered_the_sheet()  # one person with both roles: not their own
    store.add_paper_entry(
        box, row.id, row.round, int(sheet), RESOLUTION, supervisor, content, data["note"]
    )
    store.store_ballot(box, row.id, row.round, "paper", content)
    commit(box)
    BALLOTS_CAST.inc(row.level, medium="paper")
    return _sheet_view(row, int(sheet), [*entries, Reading(RESOLUTION, content)])


def record_paper_count(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    row = _paper_session(session, guard, session_id, TELLER_ROLES)
    round_row = db.round_row(session, row.id, row.round)
    if round_row.paper_returned is not None:
        raise errors.conflict(
            f"本轮收回纸质选票数已记录为 {round_row.paper_returned} 张，不能更改 "
            "(the count is recorded and final)"
        )
    round_row.paper_returned = data["returned"]
    issued = db.issued(session, row.id, row.round, "paper")
    append_audit(
        session,
        row.id,
        "paper_counted",
        {"round": row.round, "issued": issued, "returned": data["returned"]},
    )
    commit(session)
    return paper_view(session, box, row)


def paper_status(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row = load_session(session, guard, session_id, READ_ROLES)
    return paper_view(session, box, row)


def sheets(box: Session, row: VotingSession) -> dict[int, str]:
    """Sheet number → status, for every sheet with an entry in this round."""
    grouped: dict[int, list] = {}
    for entry in store.paper_entries(box, row.id, row.round):
        grouped.setdefault(entry.sheet, []).append(entry)
    return {sheet: sheet_status(entries) for sheet, entries in grouped.items()}


def paper_view(session: Session, box: Session, row: VotingSession) -> dict[str, Any]:
    statuses = sheets(box, row)
    return dump(
        contract.PaperStatus,
        {
            "session_id": row.id,
            "round": row.round,
            "issued": db.issued(session, row.id, row.round, "paper"),
            "returned": db.round_row(session, row.id, row.round).paper_returned,
            "matched": sum(s in ("matched", "resolved") for s in statuses.values()),
            "awaiting_second_entry": sorted(
                n for n, s in statuses.items() if s == "awaiting_second_entry"
            ),
            "mismatches": sorted(n for n, s in statuses.items() if s == "mismatch"),
        },
    )
