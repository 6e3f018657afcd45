"""The events a final announcement stages: session_results_announced_v1 for a vote on a
candidate list (and a consultation, in the same shape), satisfaction_vote_completed_v1 for a
satisfaction vote.

Per candidate the event carries the first round's counts and rank (the vote over the whole
list) and whether it was elected in any round (the first, or a runoff among the tied).
"""

from datetime import datetime
from typing import Any

from contracts import voting as contract
from contracts.events import SATISFACTION_VOTE_COMPLETED, SESSION_RESULTS_ANNOUNCED
from servicekit.outbox import OutboxWriter
from sqlalchemy.orm import Session

from ..db.models import Round, VotingSession
from .common import loads


def _counts(result: dict[str, Any]) -> dict[str, int]:
    return {
        "issued": result.get("issued") or 0,
        "returned": result.get("returned") or 0,
        "valid": result.get("valid") or 0,
        "invalid": result.get("invalid") or 0,
    }


def _candidate_rows(row: VotingSession, rounds: list[Round]) -> list[dict[str, Any]]:
    first = {r["candidate_id"]: r for r in loads(rounds[0].result)["results"]}
    elected = {cid for r in rounds for cid in loads(r.result)["elected"]}
    return [
        {
            "proposal_id": c["id"],
            "title": c["title"],
            "approve": first[c["id"]].get("approve", 0),
            "oppose": first[c["id"]].get("oppose", 0),
            "abstain": first[c["id"]].get("abstain", 0),
            "elected": c["id"] in elected,
            "rank": first[c["id"]]["rank"],
            # Lists received before these were kept: none.
            "category": c.get("category"),
            "estimated_cost_fen": c.get("estimated_cost_fen"),
            "lead_department": c.get("lead_department"),
        }
        for c in loads(row.candidates)
    ]


def _satisfaction_payload(row: VotingSession, last: Round, now: datetime) -> dict[str, Any]:
    result = loads(last.result)
    titles = {c["id"]: c["title"] for c in loads(row.candidates)}
    return {
        "session_id": row.id,
        "area_code": row.area_code,
        "level": row.level,
        "year": row.year,
        "digest": last.digest,
        "void": result["void"],
        "completed_at": now,
        "ballots": _counts(result),
        "projects": [{**r, "title": titles[r["project_id"]]} for r in result["results"]],
    }


def stage(
    session: Session, outbox: OutboxWriter, row: VotingSession, rounds: list[Round], now: datetime
) -> None:
    last = rounds[-1]
    if row.kind == contract.SATISFACTION:
        spec, payload = SATISFACTION_VOTE_COMPLETED, _satisfaction_payload(row, last, now)
    else:
        spec = SESSION_RESULTS_ANNOUNCED
        payload = {
            "session_id": row.id,
            "candidate_list_id": row.candidate_list_id,
            "area_code": row.area_code,
            "level": row.level,
            "year": row.year,
            "rules_version": row.rules_version,
            "digest": last.digest,
            "announced_at": now,
            "ballots": _counts(loads(rounds[0].result)),
            "candidates": _candidate_rows(row, rounds),
        }
    # Times go as objects: the outbox writes them as the ISO text the contract reads.
    outbox.add(session, spec, payload, area_code=row.area_code, level=row.level)
