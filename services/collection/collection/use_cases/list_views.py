"""Contract-shaped views of draft lists, rounds, versions and candidate lists, and the payload
of candidate_list_frozen_v1 (the contract test builds its sample with the same function)."""

from collections.abc import Iterable, Mapping
from typing import Any

from contracts import lists as contract
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from ..db import lists as db

CANDIDATE_FIELDS = (
    "position",
    "proposal_id",
    "title",
    "summary",
    "category",
    "estimated_cost_fen",
    "lead_department",
    "rationale",
)


Answers = Mapping[str, list[db.CommentAnswer]]  # comment request id -> its answers, in order


def _answer_view(answer: db.CommentAnswer) -> dict[str, Any]:
    return {
        "comment": answer.comment,
        "author": answer.author_id,
        "author_name": answer.author_name,
        "answered_at": as_utc(answer.answered_at),
    }


def _request_view(request: db.CommentRequest, answers: Answers) -> dict[str, Any]:
    return {
        "id": request.id,
        "round_number": request.round_number,
        "recipient_kind": request.recipient_kind,
        "recipient": request.recipient,
        "account": request.recipient_account,
        "comment": request.comment,
        "requested_at": as_utc(request.requested_at),
        "answered_at": as_utc(request.answered_at) if request.answered_at else None,
        "answers": [_answer_view(a) for a in answers.get(request.id, ())],
    }


def _round_body(
    row: db.Round, requests: Iterable[db.CommentRequest], answers: Answers
) -> dict[str, Any]:
    return {
        "number": row.number,
        "sends_version": row.number - 1,
        "status": row.status,
        "opened_at": as_utc(row.opened_at),
        "closed_at": as_utc(row.closed_at) if row.closed_at else None,
        "comment_requests": [
            _request_view(r, answers) for r in requests if r.round_number == row.number
        ],
    }


def round_view(
    row: db.Round, requests: Iterable[db.CommentRequest], answers: Answers
) -> dict[str, Any]:
    return dump(contract.Round, _round_body(row, requests, answers))


def draft_list_view(session: Session, draft: db.DraftList, summary: bool = False) -> dict[str, Any]:
    rounds = db.rounds(session, draft.id)
    body: dict[str, Any] = {
        column: getattr(draft, column)
        for column in ("id", "area_code", "level", "year", "title", "status", "rounds_planned")
    }
    body.update(
        rounds_done=sum(1 for r in rounds if r.status == "closed"),
        latest_version=db.latest_version_number(session, draft.id),
        created_at=as_utc(draft.created_at),
    )
    if summary:
        return dump(contract.DraftListSummary, body)
    requests = db.comment_requests(session, draft.id)
    answers = db.comment_answers(session, [r.id for r in requests])
    frozen = db.candidate_list_of(session, draft.id)
    body.update(
        rounds=[_round_body(r, requests, answers) for r in rounds],
        candidate_list_id=frozen.id if frozen else None,
    )
    return dump(contract.DraftList, body)


def version_view(row: db.DraftListVersion) -> dict[str, Any]:
    body = {
        "draft_list_id": row.draft_list_id,
        "number": row.number,
        "items": db.items_of(row),
        "reasons": db.reasons_of(row),
        "content_hash": row.content_hash,
        "created_at": as_utc(row.created_at),
    }
    return dump(contract.Version, body)


def _results(row: db.CandidateList) -> dict[str, Any] | None:
    if row.results_session_id is None or row.results_announced_at is None:
        return None
    return {
        "session_id": row.results_session_id,
        "digest": row.results_digest or "",
        "announced_at": as_utc(row.results_announced_at),
    }


def candidate_list_view(row: db.CandidateList) -> dict[str, Any]:
    body = {
        column: getattr(row, column)
        for column in (
            "id",
            "draft_list_id",
            "version_number",
            "area_code",
            "level",
            "year",
            "seats",
            "differential_ratio_permille",
            "content_hash",
        )
    }
    body.update(
        frozen_at=as_utc(row.frozen_at),
        candidates=db.items_of(row),
        results=_results(row),
    )
    return dump(contract.CandidateList, body)


def frozen_payload(row: db.CandidateList) -> dict[str, Any]:
    """candidate_list_frozen_v1: each candidate in ballot order, as frozen (no personal data)."""
    return {
        "candidate_list_id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "seats": row.seats,
        "differential_ratio_permille": row.differential_ratio_permille,
        "content_hash": row.content_hash,
        "frozen_at": as_utc(row.frozen_at).isoformat(),
        "candidates": [
            {name: item.get(name) for name in CANDIDATE_FIELDS} for item in db.items_of(row)
        ],
    }
