"""Casting with a one-time token (no login at that moment), and checking a receipt.

Nothing here writes the token, the choices or the receipt anywhere but the ballot box: no log
line, no audit entry, no metric label carries them.

The receipt is derived from the token, so a cast whose reply was lost and is sent again with the
same token answers the original receipt (201, `repeated` true) and the box still holds one
ballot: the retried choices are ignored. Unknown, other sessions' and sealed tokens keep their
refusals.
"""

from functools import lru_cache
from typing import Any

from contracts import voting as contract
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..box import store
from ..box.models import BallotToken
from ..db import sessions as db
from ..domain import sessions as machine
from ..domain.ballots import ballot_problem
from ..domain.satisfaction import satisfaction_problem
from ..metrics import BALLOTS_CAST, CAST_REFUSALS
from ..tokens import receipt_for, token_hash
from .common import dumps, existing_session, loads, rules_of

REFUSALS = {
    "unknown_token": lambda: errors.not_found_token(),
    "spent": lambda: errors.conflict(
        "该选票凭证已经投过票，每张凭证只能投一次 (token already used)"
    ),
    "wrong_session": lambda: errors.conflict(
        "该选票凭证不属于本次会议 (the token belongs to another session)"
    ),
    "sealed": lambda: errors.conflict("本轮投票已结束，不能再投票 (this round is closed)"),
}


def _refused(level: str, reason: str) -> None:
    CAST_REFUSALS.inc(level, reason=reason)


def cast_ballot(session: Session, box: Session, data: dict[str, Any]) -> dict[str, Any]:
    row = db.casting_view(session, data["session_id"])
    if row is None:
        raise errors.session_not_found()
    refusal = machine.cast_refusal(row.state)
    if refusal is not None:
        _refused(row.level, "not_open")
        raise errors.conflict(refusal.message)
    session.rollback()  # read done: the roll's snapshot is not held through the box transaction
    choices = data["choices"]
    problem = _ballot_problem(row.kind, row.rules, row.candidates, choices)
    if problem:
        _refused(row.level, "invalid")
        raise errors.rule(f"选票无效，未投出：{problem}", {"choices": problem})
    receipt = receipt_for(data["token"])
    outcome = store.spend_and_store(box, row.id, token_hash(data["token"]), dumps(choices), receipt)
    if outcome.status not in ("stored", "repeated"):
        box.rollback()
        _refused(row.level, outcome.status)
        raise REFUSALS[outcome.status]()
    box.commit()
    if outcome.status == "stored":
        BALLOTS_CAST.inc(row.level, medium="electronic")
    return dump(
        contract.Receipt,
        {
            "session_id": row.id,
            "round": outcome.round,
            "receipt": receipt,
            "repeated": outcome.status == "repeated",
        },
    )


def _ballot_problem(kind: str, rules: str, candidates: str, choices: dict[str, str]) -> Any:
    if kind == contract.SATISFACTION:
        return satisfaction_problem(_ballot_order(candidates), choices)
    return ballot_problem(rules_of(rules), _ballot_order(candidates), choices)


@lru_cache(maxsize=256)  # as common.rules_of: the round's text is the key
def _ballot_order(text: str) -> tuple[str, ...]:
    return tuple(loads(text))


def open_ballot(session: Session, box: Session, data: dict[str, Any]) -> dict[str, Any]:
    """The ballot a token votes on, for the ballot page: found by the token's hash in the box
    (unknown tokens: 404, as the cast), the session's current round and its candidates with
    what the deputy weighs (summary, cost, lead department). Once this token's ballot is in
    the box the receipt comes back too, so a reload shows it and never a second ballot."""
    hashed = token_hash(data["token"])
    token = box.get(BallotToken, hashed)
    if token is None:
        box.rollback()
        raise errors.not_found_token()
    row = existing_session(session, token.session_id)
    round_row = db.round_row(session, row.id, token.round)
    box_receipt = receipt_for(data["token"])
    cast = token.spent and store.has_receipt(box, row.id, box_receipt)
    box.rollback()
    assert round_row is not None  # a token is only ever issued for an existing round
    order = loads(round_row.candidates)
    known = {c["id"]: c for c in loads(row.candidates)}
    satisfaction = row.kind == contract.SATISFACTION
    rules = None if satisfaction else rules_of(round_row.rules)
    return dump(
        contract.BallotPaper,
        {
            "session_id": row.id,
            "kind": row.kind,
            "title": row.title,
            # A token of an earlier round (before a runoff) votes no more: its round is closed.
            "state": row.state if token.round == row.round else "closed",
            "round": token.round,
            "form": rules.form if rules else "approve_oppose_abstain",
            "max_approvals": rules.seats if rules else None,
            "choices": list(contract.SATISFACTION_CHOICES if satisfaction else contract.CHOICES),
            "candidates": [
                {
                    "id": cid,
                    "position": n,
                    "title": known[cid]["title"],
                    "summary": known[cid].get("summary"),
                    "estimated_cost_fen": known[cid].get("estimated_cost_fen"),
                    "lead_department": known[cid].get("lead_department"),
                }
                for n, cid in enumerate(order, 1)
            ],
            "receipt": box_receipt if cast else None,
        },
    )


def check_receipt(session: Session, box: Session, session_id: str, code: str) -> dict[str, Any]:
    row = existing_session(session, session_id)
    return dump(
        contract.ReceiptCheck,
        {
            "session_id": row.id,
            "receipt": str(code),
            "included": store.has_receipt(box, row.id, str(code).upper()),
        },
    )
