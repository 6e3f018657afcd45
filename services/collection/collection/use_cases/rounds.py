"""Rounds (三上三下): a round sends the previous version down for comment and brings the
revised list back up as the next immutable version, each change with its reason."""

from datetime import datetime
from typing import Any

from servicekit.auth import Guard, Principal
from sqlalchemy.orm import Session

from .. import errors
from ..db import lists as db
from ..domain import lists as domain
from ..metrics import ROUNDS_CLOSED, ROUNDS_OPENED
from .list_views import round_view, version_view
from .lists import (
    _commit,
    _draft_for,
    _library_snapshot,
    _new_version,
    _number,
    _refuse,
    _round_state,
    _version,
)


def open_round(
    session: Session, guard: Guard, draft_list_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Round n sends version n - 1 down to each recipient for comment."""
    draft = _draft_for(session, guard, draft_list_id, domain.BUILD_ROLES, lock=True)
    principal = guard.principal
    current, done = _round_state(session, draft.id)
    _refuse(domain.open_refusal(draft.status == "frozen", current, done, draft.rounds_planned))
    number = done + 1
    row = db.Round(
        draft_list_id=draft.id,
        number=number,
        status="open",
        opened_by=principal.user_id or "",
        opened_at=now,
    )
    session.add(row)
    session.add_all(_comment_requests(draft.id, number, data["recipients"], now))
    draft.status = "in_round"
    session.flush()
    view = round_view(row, db.comment_requests(session, draft.id), {})
    _commit(session, ROUNDS_OPENED.labels(draft.level).inc)
    return view


def _comment_requests(
    draft_list_id: str, number: int, recipients: list[dict[str, Any]], now: datetime
) -> list[db.CommentRequest]:
    """One request per recipient, naming the account that alone may answer it."""
    return [
        db.CommentRequest(
            id=db.new_id(),
            draft_list_id=draft_list_id,
            round_number=number,
            recipient_kind=recipient["kind"],
            recipient=recipient["recipient"],
            recipient_account=recipient["account"],
            requested_at=now,
        )
        for recipient in recipients
    ]


def _answer(
    request: db.CommentRequest, author: Principal, comment: str, now: datetime
) -> db.CommentAnswer:
    """An answer appended to the request; the first one also stays on the request itself."""
    if request.comment is None:
        request.comment, request.answered_at = comment, now
    return db.CommentAnswer(
        comment_request_id=request.id,
        author_id=author.user_id,
        author_name=author.username,
        comment=comment,
        answered_at=now,
    )


def _open_round_row(session: Session, draft: db.DraftList, number: Any) -> db.Round:
    number = _number(number, "round_number")
    _refuse(domain.FROZEN if draft.status == "frozen" else None)
    row = db.round_of(session, draft.id, number)
    if row is None:
        raise errors.round_not_found(number)
    if row.status != "open":
        raise errors.list_conflict(f"第 {number} 轮已结束 (round {number} is closed)")
    return row


def record_comment(
    session: Session,
    guard: Guard,
    draft_list_id: str,
    round_number: Any,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    draft = _draft_for(session, guard, draft_list_id, domain.COMMENT_ROLES, lock=True)
    row = _open_round_row(session, draft, round_number)
    request = db.comment_request(session, str(data["comment_request_id"]))
    if request is None or (request.draft_list_id, request.round_number) != (draft.id, row.number):
        raise errors.comment_request_not_found()
    if not domain.may_answer(request.recipient_account, guard.principal.username):
        raise errors.not_the_recipient()
    session.add(_answer(request, guard.principal, data["comment"], now))
    session.flush()
    view = round_view(row, [request], db.comment_answers(session, [request.id]))
    _commit(session)
    return view["comment_requests"][0]


def close_round(
    session: Session,
    guard: Guard,
    draft_list_id: str,
    round_number: Any,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Bring the list back up: version n, immutable; every change carries its reason."""
    draft = _draft_for(session, guard, draft_list_id, domain.BUILD_ROLES, lock=True)
    row = _open_round_row(session, draft, round_number)
    previous = db.items_of(_version(session, draft.id, row.number - 1))
    known = {item["proposal_id"] for item in previous}
    new_ids = [str(r["proposal_id"]) for r in data["items"] if str(r["proposal_id"]) not in known]
    library = {
        lib.proposal_id: _library_snapshot(lib)
        for lib in db.library_items(session, draft.area_code, draft.year, new_ids)
    }
    items, problems = domain.revise(previous, data["items"], library)
    if problems:
        raise errors.items_invalid(problems)
    given = {str(pid): reason for pid, reason in data["reasons"].items()}
    difference = domain.diff(previous, items, given)
    missing = domain.missing_reasons(difference, given)
    if missing:
        raise errors.reasons_missing(missing)
    reasons = {pid: given[pid] for pid in domain.touched(difference)}  # only what changed
    version = _new_version(draft.id, row.number, items, reasons, guard.principal.user_id, now)
    session.add(version)
    row.status, row.closed_at = "closed", now
    draft.status = "drafting"
    session.flush()
    view = version_view(version)
    _commit(session, ROUNDS_CLOSED.labels(draft.level).inc)
    return view
