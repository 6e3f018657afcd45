"""Close → tally → announce → publish, the runoff round, and the street consultation record.

Closing seals the round in the ballot box first, so no cast lands after it, then rewrites the
round's box rows and the roll's issuances in shuffled order (`voting.box.seal`), so neither keeps
the order of casting or issuing. Tallying needs the
paper count complete (every returned sheet entered and agreed). Announcing builds the export
once — ballots shuffled, the audit chain to that point — and its digest is what is announced
on the spot; the document is kept, so every later download is the same bytes of evidence. The
event that tells collection the result is staged only when the result is final (no runoff
pending).
"""

import hashlib
from datetime import datetime
from typing import Any

from contracts import voting as contract
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from sqlalchemy.orm import Session

from .. import errors
from ..box import seal, store
from ..db import roll
from ..db import sessions as db
from ..db.models import Round, VotingSession
from ..domain import sessions as machine
from ..domain.audit import head
from ..domain.ballots import runoff_round, tally
from ..domain.canonical import canonical_json
from ..domain.export import CLOSED, OPENED, build_export, closing_data, digest
from ..domain.satisfaction import satisfaction_tally
from . import announcements
from .common import (
    RUN_ROLES,
    append_audit,
    audit_dicts,
    commit,
    dumps,
    load_session,
    loads,
    refuse,
    round_rules,
    session_view,
    step_done,
)
from .paper import sheets
from .results import result_view
from .sessions import open_box_round, opening


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _step(session: Session, guard: Guard, session_id: str, action: str, pending: bool = False):
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    state = refuse(machine.transition(row.state, action, pending))
    return row, state, db.round_row(session, row.id, row.round)


# ---- close ------------------------------------------------------------------------------------
def close_session(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row, state, round_row = _step(session, guard, session_id, "close")
    if row.kind == contract.CONSULTATION and row.consultation is None:
        raise errors.conflict("须先记录会商结果再结束 (record the consultation before closing)")
    seal.seal_round(box, row.id, row.round)  # sealed, then rewritten in shuffled order
    round_row.present = db.present(session, row.id)
    electronic = store.count(box, row.id, row.round, "electronic")
    roll.forget_token_refs(session, row.id, row.round)  # nothing is retried once closed
    db.shuffle_issuances(session, row.id, row.round)
    append_audit(session, row.id, "voting_closed", {"round": row.round, "electronic": electronic})
    row.state = state
    commit(session, step_done(row))
    seal.scrub(box)
    db.scrub_issuances(session)
    return session_view(session, box, row)


def record_consultation(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    if row.kind != contract.CONSULTATION:
        raise errors.rule("只有会商制会议记录会商结果 (only a street consultation)")
    refuse(machine.allowed_in(row.state, machine.CONSULTATION_STATES, "记录会商结果"))
    if row.consultation is not None:
        raise errors.conflict("会商结果已记录，不能更改 (the consultation is recorded and final)")
    known = {c["id"] for c in loads(row.candidates)}
    unknown = [c for c in data["adopted"] if c not in known]
    if unknown:
        raise errors.rule(
            "采纳的项目不在候选名单上 (not on the candidate list)", {"unknown": unknown}
        )
    row.consultation = dumps(data)
    append_audit(
        session,
        row.id,
        "consultation_recorded",
        {
            "participants": len(data["participants"]),
            "adopted": data["adopted"],
            "minutes_sha256": _sha256(data["minutes"]),
        },
    )
    commit(session)
    return session_view(session, box, row)


# ---- tally ------------------------------------------------------------------------------------
def _paper_returned(session: Session, box: Session, row: VotingSession, round_row: Round) -> int:
    """Paper sheets returned, once every one of them is entered and agreed; else 409."""
    statuses = sheets(box, row)
    if not statuses and db.issued(session, row.id, row.round, "paper") == 0:
        return 0
    returned = round_row.paper_returned
    if returned is None:
        raise errors.conflict("请先记录收回的纸质选票数 (record the paper ballots returned first)")
    open_sheets = sorted(
        n for n, s in statuses.items() if s in ("awaiting_second_entry", "mismatch")
    )
    done = {n for n, s in statuses.items() if s in ("matched", "resolved")}
    missing = sorted(set(range(1, returned + 1)) - done - set(open_sheets))
    extra = sorted(done - set(range(1, returned + 1)))
    if open_sheets or missing or extra:
        raise errors.conflict(
            "纸质选票尚未全部录入一致，不能计票 (paper ballots are not all entered and agreed)",
            {"unfinished": open_sheets, "missing": missing[:50], "beyond_returned": extra},
        )
    return returned


def round_counts(session: Session, box: Session, row: VotingSession, round_row: Round):
    """(present, issued, returned, ballots) of a closed round, from the roll and the box."""
    paper = _paper_returned(session, box, row, round_row)
    ballots = store.ballots(box, row.id, row.round)
    returned = store.count(box, row.id, row.round, "electronic") + paper
    return round_row.present, db.issued(session, row.id, row.round), returned, ballots


def _count(row: VotingSession, round_row: Round, counts) -> dict[str, Any]:
    present, issued, returned, ballots = counts
    candidates = loads(round_row.candidates)
    if row.kind == contract.SATISFACTION:
        return satisfaction_tally(candidates, ballots, issued, returned).as_dict()
    return tally(round_rules(round_row), candidates, ballots, present, issued, returned).as_dict()


def _consultation_result(row: VotingSession) -> dict[str, Any]:
    record = loads(row.consultation)
    adopted = record["adopted"]
    return {
        "outcome": "consultation",
        "participants": len(record["participants"]),
        "adopted": adopted,
        "elected": adopted,
        "results": [
            {
                "candidate_id": c["id"],
                "adopted": c["id"] in adopted,
                "rank": adopted.index(c["id"]) + 1 if c["id"] in adopted else None,
            }
            for c in loads(row.candidates)
        ],
    }


def outcome_of(result: dict[str, Any]) -> str:
    if "outcome" in result:
        return result["outcome"]
    return "void" if result.get("void") else "decided"  # a satisfaction vote


def tally_session(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row, state, round_row = _step(session, guard, session_id, "tally")
    if row.kind == contract.CONSULTATION:
        result = _consultation_result(row)
    else:
        counts = round_counts(session, box, row, round_row)
        present, issued, returned, ballots = counts
        receipts = store.receipts(box, row.id, row.round)
        closing = closing_data(present, issued, returned, len(ballots), row.round)
        append_audit(session, row.id, CLOSED, {**closing, "receipts_sha256": _sha256(receipts)})
        result = _count(row, round_row, counts)
    round_row.result, round_row.outcome = dumps(result), outcome_of(result)
    append_audit(
        session,
        row.id,
        "round_tallied",
        {"round": row.round, "outcome": round_row.outcome, "result_sha256": _sha256(result)},
    )
    row.state = state
    commit(session, step_done(row))
    return result_view(session, row)


# ---- announce, publish, runoff ----------------------------------------------------------------
def _export(session: Session, box: Session, row: VotingSession, round_row: Round) -> dict:
    present, issued, returned, ballots = round_counts(session, box, row, round_row)
    return build_export(
        opening(row, round_row, present)["session"],
        round_rules(round_row),
        loads(round_row.candidates),
        present,
        issued,
        returned,
        ballots,
        loads(round_row.result),
        audit_dicts(session, row.id),
    )


def announce_session(
    session: Session,
    box: Session,
    outbox: OutboxWriter,
    guard: Guard,
    session_id: str,
    now: datetime,
) -> dict[str, Any]:
    row, state, round_row = _step(session, guard, session_id, "announce")
    if row.kind == contract.CONSULTATION:
        audit_head = head(audit_dicts(session, row.id))
        round_row.digest = digest(loads(round_row.result), [], audit_head)
    else:
        document = _export(session, box, row, round_row)
        audit_head, round_row.digest = document["audit_head"], document["digest"]
        round_row.export = dumps(document)
    round_row.audit_head = audit_head
    append_audit(
        session,
        row.id,
        "result_announced",
        {"round": row.round, "digest": round_row.digest, "audit_head": audit_head},
    )
    row.state, row.announced_at = state, now
    if round_row.outcome != "runoff":
        announcements.stage(session, outbox, row, db.rounds(session, row.id), now)
    commit(session, step_done(row))
    return result_view(session, row)


def publish_session(
    session: Session, guard: Guard, session_id: str, now: datetime
) -> dict[str, Any]:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    round_row = db.round_row(session, row.id, row.round)
    row.state = refuse(machine.transition(row.state, "publish", round_row.outcome == "runoff"))
    row.published_at = now
    append_audit(session, row.id, "result_published", {"round": row.round})
    commit(session, step_done(row))
    return result_view(session, row)


def open_runoff(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    last = db.round_row(session, row.id, row.round)
    state = refuse(machine.transition(row.state, "runoff", last.outcome == "runoff"))
    result = loads(last.result)
    rules, tied = runoff_round(round_rules(last), result["runoff"], result["runoff_seats"])
    number = row.round + 1
    runoff = Round(
        session_id=row.id, number=number, rules=dumps(rules.as_dict()), candidates=dumps(tied)
    )
    session.add(runoff)
    open_box_round(box, row.id, number)
    row.round, row.state = number, state
    append_audit(session, row.id, OPENED, opening(row, runoff, db.present(session, row.id)))
    commit(session, step_done(row))
    return session_view(session, box, row)
