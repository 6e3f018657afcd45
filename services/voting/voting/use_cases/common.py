"""What every voting use case shares: roles, loading a session the caller may act on, the
session's rules, the audit log, commits, and the session view."""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from contracts import voting as contract
from servicekit import areas
from servicekit.auth import Guard, Principal
from servicekit.clock import as_utc
from servicekit.db import commit_or_conflict
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors
from ..box import store
from ..db import sessions as db
from ..db.models import AuditEntry, Round, RulesVersion, VotingSession
from ..domain.canonical import GENESIS, canonical_text, entry_hash
from ..domain.rules import Rules, quorum_needed
from ..domain.sessions import Refusal
from ..metrics import SESSION_STEPS

RUN_ROLES = frozenset({"congress_staff"})  # only congress staff of the area run a session
READ_ROLES = frozenset({"congress_staff", "supervisor"})  # unpublished results and the roll
TELLER_ROLES = frozenset({"congress_staff"})  # 计票人
SUPERVISOR_ROLES = frozenset({"supervisor"})  # 监票人
DEPUTY = "deputy"


def area(code: str) -> areas.Area:
    return areas.require(str(code))


def dumps(value: Any) -> str:
    return canonical_text(value)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def load_session(
    session: Session, guard: Guard, session_id: str, roles: frozenset[str], lock: bool = False
) -> VotingSession:
    """The session if the caller may act on it; unknown ids are 404 only for those roles."""
    row = db.session_row(session, str(session_id), lock)
    if row is None:
        guard.require(roles)
        raise errors.session_not_found()
    guard.require(roles, row.area_code)
    return row


def existing_session(session: Session, session_id: str) -> VotingSession:
    """For public routes: the session or 404, without a role check."""
    row = db.session_row(session, str(session_id))
    if row is None:
        raise errors.session_not_found()
    return row


def may_read(guard: Guard, row: VotingSession) -> None:
    """Published results are public; before that only staff and supervisors of the area."""
    if row.published_at is None:
        guard.require(READ_ROLES, row.area_code)


def refuse(outcome: Refusal | Any) -> Any:
    if isinstance(outcome, Refusal):
        raise errors.state_conflict(outcome.message)
    return outcome


def session_rules(rules: RulesVersion, seats: int | None, deputies_total: int) -> Rules:
    return Rules(
        seats=seats or 1,
        deputies_total=deputies_total,
        form=rules.form,
        threshold_base=rules.threshold_base,
        differential_ratio_permille=rules.differential_ratio_permille,
        quorum_permille=rules.quorum_permille,
    )


def round_rules(round_row: Round) -> Rules:
    return rules_of(round_row.rules)


@lru_cache(maxsize=256)
def rules_of(text: str) -> Rules:
    """A round's rules, parsed once per process: a round's rules text never changes once it
    opens, and the text is the key, so nothing can go stale (Rules is frozen)."""
    return Rules(**loads(text))


def append_audit(session: Session, session_id: str, kind: str, data: Any) -> AuditEntry:
    """The next hash-chained entry, in the caller's transaction (the session row is locked)."""
    last = db.audit_head(session, session_id)
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    entry = AuditEntry(
        session_id=session_id,
        seq=seq,
        kind=kind,
        data=dumps(data),
        prev=prev,
        hash=entry_hash(seq, kind, data, prev),
    )
    session.add(entry)
    return entry


def audit_dicts(session: Session, session_id: str) -> list[dict[str, Any]]:
    """The session's audit log as {seq, kind, data, prev, hash} dicts, in order."""
    return [
        {"seq": e.seq, "kind": e.kind, "data": loads(e.data), "prev": e.prev, "hash": e.hash}
        for e in db.audit_entries(session, session_id)
    ]


def commit(session: Session, then: Callable[[], None] | None = None) -> None:
    commit_or_conflict(
        session,
        "会议已被他人同时修改，请刷新后重试 (the session changed meanwhile; reload and retry)",
        then,
    )


def step_done(row: VotingSession) -> Callable[[], None]:
    return SESSION_STEPS.labels(row.level, state=row.state).inc


def is_staff(principal: Principal, roles: frozenset[str] = RUN_ROLES) -> bool:
    return principal.has_role(roles)


def current_candidates(row: VotingSession, round_row: Round) -> list[dict[str, Any]]:
    """This round's candidates with their titles, in ballot order."""
    by_id = {c["id"]: c for c in loads(row.candidates)}
    ids = loads(round_row.candidates)
    return [
        {"id": cid, "position": n, "title": by_id[cid]["title"]} for n, cid in enumerate(ids, 1)
    ]


def session_view(session: Session, box: Session, row: VotingSession) -> dict[str, Any]:
    round_row = db.round_row(session, row.id, row.round)
    rules = round_rules(round_row)
    present = db.present(session, row.id)
    return dump(
        contract.Session,
        {
            "id": row.id,
            "area_code": row.area_code,
            "level": row.level,
            "year": row.year,
            "kind": row.kind,
            "title": row.title,
            "state": row.state,
            "round": row.round,
            "rules_version": row.rules_version,
            "rules": rules.as_dict(),
            "candidate_list_id": row.candidate_list_id,
            "candidate_list_hash": row.candidate_list_hash,
            "roster_id": row.roster_id,
            "roster_hash": row.roster_hash,
            "deputies_total": row.deputies_total,
            "present": present,
            "quorum_needed": quorum_needed(rules),
            "seats": row.seats,
            "candidates": current_candidates(row, round_row),
            "issued": db.issued(session, row.id, row.round),
            "cast": store.count(box, row.id, row.round),
            "created_at": as_utc(row.created_at),
        },
    )
