"""Sessions: creating one bound to a frozen candidate list (or, for a satisfaction vote, a list
of projects), a roster snapshot and one version of the voting rules; listing; deliberation; and
opening the vote once the quorum is present."""

from datetime import datetime
from typing import Any

from contracts import voting as contract
from servicekit import idempotency
from servicekit.areas import Area
from servicekit.auth import Guard, Principal
from sqlalchemy.orm import Session

from .. import errors
from ..box import store
from ..db import sessions as db
from ..db import setup as setup_db
from ..db.models import Deliberation, Round, VotingSession
from ..domain import sessions as machine
from ..domain.export import OPENED, opening_data
from ..domain.rules import candidates_problem, quorum_met, quorum_needed
from ..tokens import new_session_id
from .common import (
    READ_ROLES,
    RUN_ROLES,
    append_audit,
    area,
    commit,
    dumps,
    load_session,
    loads,
    refuse,
    round_rules,
    session_rules,
    session_view,
    step_done,
)


def _candidates(session: Session, data: dict[str, Any], area_code: str):
    """(candidate rows, seats, list id, list hash) the session binds."""
    if data["kind"] == contract.SATISFACTION:
        rows = [
            {"id": p["project_id"], "position": n, "title": p["title"], "estimated_cost_fen": None}
            for n, p in enumerate(data["projects"], 1)
        ]
        return rows, None, None, None
    list_id = str(data["candidate_list_id"])
    frozen = setup_db.candidate_list(session, list_id)
    if frozen is None:
        raise errors.candidate_list_unknown(list_id)
    if frozen.area_code != area_code or frozen.year != data["year"]:
        raise errors.rule(
            "候选项目名单不属于本地区本年度 (the candidate list is for another area or year)",
            {"candidate_list_id": list_id, "area_code": frozen.area_code, "year": frozen.year},
        )
    return loads(frozen.candidates), frozen.seats, frozen.id, frozen.content_hash


def create_session(
    session: Session,
    box: Session,
    guard: Guard,
    data: dict[str, Any],
    raw: dict[str, Any],
    idempotency_key: str | None,
    now: datetime,
) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(RUN_ROLES, place.code)
    return idempotency.create_once(
        session,
        idempotency.scope_of("session", principal),
        idempotency.Request(idempotency_key, raw),
        lambda: _stage_session(session, box, place, principal, data, now),
    )


def _stage_session(
    session: Session,
    box: Session,
    place: Area,
    principal: Principal,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    row = stage_session_row(session, place, principal.user_id or "", data, now)
    return session_view(session, box, row)


def stage_session_row(
    session: Session,
    place: Area,
    created_by: str,
    data: dict[str, Any],
    now: datetime,
    session_id: str | None = None,
) -> VotingSession:
    """Stage a draft session (its first round and audit entry); `session_id` when the id was
    fixed by whoever asked for it (supervision's satisfaction vote: use_cases.requested)."""
    rules = setup_db.rules_version(session, place.code, data.get("rules_version"))
    if rules is None:
        raise errors.no_rules(place.code, data.get("rules_version"))
    roster = setup_db.latest_roster(session, place.code)
    if roster is None:
        raise errors.no_roster(place.code)
    candidates, seats, list_id, list_hash = _candidates(session, data, place.code)
    round_rules_ = session_rules(rules, seats, roster.deputies)
    if data["kind"] in contract.ELECTION_KINDS:
        problem = candidates_problem(round_rules_, [c["id"] for c in candidates])
        if problem:
            raise errors.rule(problem, {"rules_version": rules.version})
    row = VotingSession(
        id=session_id or new_session_id(place.level),
        area_code=place.code,
        level=place.level,
        year=data["year"],
        kind=data["kind"],
        title=data["title"],
        state="draft",
        round=1,
        rules_id=rules.id,
        rules_version=rules.version,
        candidate_list_id=list_id,
        candidate_list_hash=list_hash,
        roster_id=roster.id,
        roster_hash=roster.content_hash,
        deputies_total=roster.deputies,
        seats=seats,
        candidates=dumps(candidates),
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        Round(
            session_id=row.id,
            number=1,
            rules=dumps(round_rules_.as_dict()),
            candidates=dumps([c["id"] for c in candidates]),
        )
    )
    append_audit(
        session,
        row.id,
        "session_created",
        {"kind": row.kind, "title": row.title, "created_by_role": "congress_staff"},
    )
    session.flush()
    return row


def list_sessions(session: Session, box: Session, guard: Guard, query: dict[str, Any]) -> dict:
    place = area(query["area_code"])
    guard.require(READ_ROLES | {"deputy"}, place.code)
    rows = db.sessions_of(session, place.code, query.get("year"))
    return {"items": [session_view(session, box, row) for row in rows]}


def get_session(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row = load_session(session, guard, session_id, READ_ROLES | {"deputy"})
    return session_view(session, box, row)


def start_deliberation(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    row.state = refuse(machine.transition(row.state, "start_deliberation"))
    append_audit(session, row.id, "deliberation_started", {})
    commit(session, step_done(row))
    return session_view(session, box, row)


# ---- deliberation -----------------------------------------------------------------------------
def record_deliberation(
    session: Session, guard: Guard, session_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    refuse(machine.allowed_in(row.state, machine.DELIBERATION_STATES, "代表团审议"))
    if data["delegation"] not in setup_db.delegation_names(session, row.roster_id):
        raise errors.rule(
            "名册中没有这个代表团 (no such delegation in the roster)",
            {"delegation": data["delegation"]},
        )
    known = {c["id"] for c in loads(row.candidates)}
    unknown = sorted({o["candidate_id"] for o in data["opinions"]} - known)
    if unknown:
        raise errors.rule("意见针对的项目不在候选名单上 (unknown candidates)", {"unknown": unknown})
    principal = guard.principal
    session.add_all(
        Deliberation(
            session_id=row.id,
            delegation=data["delegation"],
            candidate_id=o["candidate_id"],
            stance=o["stance"],
            comment=o.get("comment"),
            recorded_by=principal.user_id or "",
            recorded_at=now,
        )
        for o in data["opinions"]
    )
    append_audit(
        session,
        row.id,
        "deliberation_recorded",
        {"delegation": data["delegation"], "opinions": len(data["opinions"])},
    )
    commit(session)
    return _summary(session, row)


def deliberation_summary(session: Session, guard: Guard, session_id: str) -> dict[str, Any]:
    row = load_session(session, guard, session_id, READ_ROLES | {"deputy"})
    return _summary(session, row)


def _summary(session: Session, row: VotingSession) -> dict[str, Any]:
    """Each delegation's latest opinion per candidate, counted per candidate (主席团 summary)."""
    latest = {(d.delegation, d.candidate_id): d for d in db.deliberations(session, row.id)}
    reported = sorted({delegation for delegation, _ in latest})
    everyone = setup_db.delegation_names(session, row.roster_id)
    candidates = []
    for c in loads(row.candidates):
        opinions = [d for (_, cid), d in sorted(latest.items()) if cid == c["id"]]
        stances = [d.stance for d in opinions]
        candidates.append(
            {
                "candidate_id": c["id"],
                "title": c["title"],
                **{stance: stances.count(stance) for stance in contract.STANCES},
                "comments": [
                    {"delegation": d.delegation, "stance": d.stance, "comment": d.comment}
                    for d in opinions
                    if d.comment
                ],
            }
        )
    return {
        "session_id": row.id,
        "delegations_reported": reported,
        "delegations_missing": [name for name in everyone if name not in reported],
        "candidates": candidates,
    }


# ---- opening the vote -------------------------------------------------------------------------
def open_session(session: Session, box: Session, guard: Guard, session_id: str) -> dict:
    row = load_session(session, guard, session_id, RUN_ROLES, lock=True)
    state = refuse(machine.transition(row.state, "open"))
    round_row = db.round_row(session, row.id, row.round)
    rules = round_rules(round_row)
    present = db.present(session, row.id)
    if row.kind != contract.CONSULTATION and not quorum_met(rules, present):
        needed = quorum_needed(rules)
        raise errors.rule(
            f"出席代表 {present} 人，未达到法定人数 {needed} 人，不能开始投票 "
            f"(quorum not met: {present} present, {needed} needed of {rules.deputies_total})",
            {"present": present, "quorum_needed": needed, "deputies_total": rules.deputies_total},
        )
    open_box_round(box, row.id, row.round)
    row.state = state
    append_audit(session, row.id, OPENED, opening(row, round_row, present))
    commit(session, step_done(row))
    return session_view(session, box, row)


def open_box_round(box: Session, session_id: str, number: int) -> None:
    """The box's round row first: if the session commit then fails, a retry finds it there."""
    if not store.round_exists(box, session_id, number):
        store.open_round(box, session_id, number)
        box.commit()


def opening(row: VotingSession, round_row: Round, present: int) -> dict[str, Any]:
    """The session_opened entry: the export's header, plus the bound list and roster hashes."""
    header = {
        "id": row.id,
        "area_code": row.area_code,
        "year": row.year,
        "kind": row.kind,
        "rules_version": row.rules_version,
        "round": round_row.number,
    }
    return opening_data(
        header,
        round_rules(round_row),
        loads(round_row.candidates),
        candidate_list_sha256=row.candidate_list_hash,
        roster_sha256=row.roster_hash,
        present=present,
    )
