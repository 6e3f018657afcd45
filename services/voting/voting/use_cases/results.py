"""The result page, the audit log and the exports of a session. Public once published; before
that, congress staff and supervisors of the area."""

import json
from typing import Any

from contracts import voting as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, exports, pabulib
from ..db import sessions as db
from ..db import setup as setup_db
from ..db.models import Round, VotingSession
from ..domain.ballots import note_for
from .common import audit_dicts, existing_session, loads, may_read

ROW_FIELDS = {
    contract.SATISFACTION: (
        "satisfied",
        "basically",
        "dissatisfied",
        "abstain",
        "rate",
        "rate_permille",
    ),
    contract.CONSULTATION: ("adopted", "rank"),
}
ELECTION_FIELDS = ("approve", "oppose", "abstain", "rank", "elected")


def _rows(row: VotingSession, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The tally's rows with each candidate's position, title and cost."""
    info = {c["id"]: c for c in loads(row.candidates)}
    fields = ROW_FIELDS.get(row.kind, ELECTION_FIELDS)
    rows = []
    for position, r in enumerate(result["results"], 1):
        cid = r.get("candidate_id", r.get("project_id"))
        rows.append(
            {
                "candidate_id": cid,
                "position": position,
                "title": info[cid]["title"],
                "estimated_cost_fen": info[cid].get("estimated_cost_fen"),
                **{name: r.get(name) for name in fields},
                **({"elected": r["adopted"]} if row.kind == contract.CONSULTATION else {}),
            }
        )
    return rows


def _round_view(row: VotingSession, round_row: Round) -> dict[str, Any]:
    result = loads(round_row.result)
    return {
        "round": round_row.number,
        "outcome": round_row.outcome,
        "note": note_for(result) if row.kind in contract.ELECTION_KINDS else None,
        "tally": result,
        "candidates": _rows(row, result),
        "digest": round_row.digest,
        "audit_head": round_row.audit_head,
    }


def result_view(session: Session, row: VotingSession) -> dict[str, Any]:
    rounds = [r for r in db.rounds(session, row.id) if r.result is not None]
    views = [_round_view(row, r) for r in rounds]
    elected = [
        {
            "candidate_id": c["candidate_id"],
            "title": c["title"],
            "round": v["round"],
            "rank": c["rank"],
        }
        for v in views
        for c in sorted(
            (c for c in v["candidates"] if c.get("elected")),
            key=lambda c: (c["rank"] or 0, c["position"]),
        )
    ]
    rules = setup_db.rules_version(session, row.area_code, row.rules_version)
    consultation = loads(row.consultation)
    return dump(
        contract.SessionResult,
        {
            "session_id": row.id,
            "area_code": row.area_code,
            "year": row.year,
            "kind": row.kind,
            "title": row.title,
            "state": row.state,
            "rules_version": row.rules_version,
            "publication_channel": rules.publication_channel,
            "rounds": views,
            "elected": elected,
            "consultation": consultation,
            "announced_at": as_utc(row.announced_at) if row.announced_at else None,
            "published_at": as_utc(row.published_at) if row.published_at else None,
        },
    )


def get_result(session: Session, guard: Guard, session_id: str) -> dict[str, Any]:
    row = existing_session(session, session_id)
    may_read(guard, row)
    return result_view(session, row)


def get_audit(session: Session, guard: Guard, session_id: str) -> dict[str, Any]:
    row = existing_session(session, session_id)
    may_read(guard, row)
    entries = audit_dicts(session, row.id)
    return dump(
        contract.AuditLog,
        {
            "session_id": row.id,
            "head": entries[-1]["hash"] if entries else "0" * 64,
            "entries": entries,
        },
    )


def _announced_round(session: Session, row: VotingSession, number: int | None) -> Round:
    rounds = [r for r in db.rounds(session, row.id) if r.digest is not None]
    if number is not None:
        rounds = [r for r in rounds if r.number == number]
    if not rounds:
        raise errors.conflict("该轮结果尚未宣布，暂无导出 (no announced result to export yet)")
    return rounds[-1]


def get_export(
    session: Session, guard: Guard, session_id: str, fmt: str, query: dict[str, Any]
) -> dict[str, Any]:
    row = existing_session(session, session_id)
    may_read(guard, row)
    round_row = _announced_round(session, row, query.get("round"))
    result = result_view(session, row)
    if fmt in ("csv", "xlsx"):
        return exports.export_result(result, fmt, round_row.number)
    if round_row.export is None:
        raise errors.conflict("会商制没有选票，只提供 CSV 和 Excel (a consultation has no ballots)")
    document = loads(round_row.export)
    if fmt == "json":
        content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    else:
        projects = {
            c["id"]: (c["title"], c.get("estimated_cost_fen")) for c in loads(row.candidates)
        }
        try:
            text = pabulib.pabulib_text(
                document, projects, title=row.title, voted_on=as_utc(row.announced_at).date()
            )
        except ValueError as exc:
            raise errors.conflict(str(exc)) from None
        content = text.encode()
    return exports.export_file(result, fmt, content, round_row.number)
