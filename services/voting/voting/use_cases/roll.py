"""The roll: deputies checking in (at the desk, or confirming on their own account), and one
ballot per deputy per round — a token made on the deputy's device (or by the desk's printer), of
which only its hash arrives here, or a paper ballot.

The hash goes into the ballot box *first*, then the roll records that the deputy received a
ballot, who issued it, and the hash under a pad only the workers' secret makes (`token_ref`,
voting.tokens). A retry with the same hash answers the same; another hash for a deputy who has a
ballot is 409 — a lost device is a *reissue*: the unspent token is voided in the box, the new
hash takes its place, and both steps go into the audit log with who did them. If the process dies
between the box and the roll, the hash left in the box is claimed by nobody, and the retry
with that hash adopts it.
"""

from datetime import datetime
from typing import Any

from contracts import voting as contract
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors
from ..box import store
from ..db import roll as roll_db
from ..db import sessions as db
from ..db import setup as setup_db
from ..db.models import CheckIn, Issuance, VotingSession
from ..domain import sessions as machine
from ..domain.rules import quorum_met, quorum_needed
from ..tokens import hash_of_ref, token_ref
from .common import (
    DEPUTY,
    READ_ROLES,
    RUN_ROLES,
    append_audit,
    commit,
    load_session,
    refuse,
    round_rules,
)

ROLL_ROLES = RUN_ROLES | {DEPUTY}
HASH_TAKEN = "该凭证哈希已登记，请在设备上重新生成凭证 (this token hash is already registered)"
REISSUED_MEANWHILE = "该代表的凭证刚被他人补发，请刷新后重试 (reissued meanwhile; reload and retry)"
SPENT = (
    "该代表本轮的选票凭证已经投出，不能补发 (the deputy's token was already used to vote; it "
    "cannot be reissued)"
)


def _is_self(guard: Guard) -> bool:
    return not guard.principal.has_role(RUN_ROLES)


def _own_number(session: Session, guard: Guard, row: VotingSession, wanted: list[str]) -> None:
    """A deputy acts only for themselves: their account must be on the session's roster."""
    if not _is_self(guard):
        return
    # The roster names the deputy's login name (账号); user_id is the account's opaque id.
    own = setup_db.deputy_by_username(session, row.roster_id, guard.principal.username or "")
    if own is None or wanted != [own.number]:
        raise errors.forbidden_for_deputy()


# ---- check-in ------------------------------------------------------------------------------
def check_in(
    session: Session, guard: Guard, session_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The desk checks deputies in; a deputy checks in, or confirms the desk's check-in, on
    their own account. Quorum counts both; the reply says how many the deputies confirmed."""
    row = load_session(session, guard, session_id, ROLL_ROLES, lock=True)
    numbers = data["deputy_numbers"]
    _own_number(session, guard, row, numbers)
    refuse(machine.allowed_in(row.state, machine.CHECK_IN_STATES, "签到"))
    unknown = [n for n in numbers if setup_db.deputy(session, row.roster_id, n) is None]
    if unknown:
        raise errors.rule("名册中没有这些代表 (not on the roster)", {"unknown": unknown})
    rows = {r.deputy_number: r for r in roll_db.check_ins(session, row.id)}
    by_self, user = _is_self(guard), guard.principal.user_id or ""
    new = [n for n in numbers if n not in rows]
    session.add_all(_check_in(row.id, n, user, now, by_self) for n in new)
    for number in numbers:
        if by_self and number in rows and rows[number].confirmed_at is None:
            rows[number].confirmed_at = now  # the deputy confirms the desk's check-in
    commit(session)
    rules = round_rules(db.round_row(session, row.id, row.round))
    present = len(rows) + len(new)
    return dump(
        contract.Attendance,
        {
            "session_id": row.id,
            "present": present,
            "confirmed": roll_db.confirmed(session, row.id),
            "deputies_total": row.deputies_total,
            "quorum_needed": quorum_needed(rules),
            "quorum_met": quorum_met(rules, present),
            "checked_in": new,
            "already": [n for n in numbers if n in rows],
        },
    )


def _check_in(session_id: str, number: str, by: str, now: datetime, by_self: bool) -> CheckIn:
    return CheckIn(
        session_id=session_id,
        deputy_number=number,
        checked_in_by=by,
        checked_in_at=now,
        confirmed_at=now if by_self else None,
    )


def attendance(session: Session, guard: Guard, session_id: str) -> dict[str, Any]:
    """Who checked whom in, who confirmed, who issued each ballot: the roll, never the box."""
    row = load_session(session, guard, session_id, READ_ROLES)
    issued = {i.deputy_number: i for i in roll_db.issuances(session, row.id, row.round)}
    rows = [
        _attendance_row(c, issued.get(c.deputy_number)) for c in roll_db.check_ins(session, row.id)
    ]
    confirmed = sum(r["confirmed_by_deputy"] for r in rows)
    rules = round_rules(db.round_row(session, row.id, row.round))
    return dump(
        contract.AttendanceView,
        {
            "session_id": row.id,
            "round": row.round,
            "deputies_total": row.deputies_total,
            "present": len(rows),
            "confirmed": confirmed,
            "desk_only": len(rows) - confirmed,
            "quorum_needed": quorum_needed(rules),
            "quorum_met": quorum_met(rules, len(rows)),
            "deputies": sorted(rows, key=lambda r: r["deputy_number"]),
        },
    )


def _attendance_row(check: CheckIn, issuance: Issuance | None) -> dict[str, Any]:
    return {
        "deputy_number": check.deputy_number,
        "checked_in_by": check.checked_in_by,
        "checked_in_at": check.checked_in_at,
        "confirmed_by_deputy": check.confirmed_at is not None,
        "confirmed_at": check.confirmed_at,
        "medium": issuance.medium if issuance else None,
        "issued_by": issuance.issued_by if issuance else None,
        "reissues": issuance.reissues if issuance else 0,
    }


# ---- issuing -------------------------------------------------------------------------------
def issue_ballot(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    # Under the lock closing takes: a round being closed is never issued into (issue 11).
    row = _issuing(session, guard, session_id, data["deputy_number"], lock=True)
    number, medium, hash_ = data["deputy_number"], data["medium"], data["token_hash"]
    if number not in db.checked_in(session, row.id):
        raise errors.rule("该代表尚未签到，须先签到再领取选票 (check in first)", {"deputy": number})
    existing = db.issuance(session, row.id, row.round, number)
    if existing is not None:
        if hash_ is None or _hash_of(row, existing) != hash_:
            raise errors.already_issued(number, row.round)
        return _reply(session, row, existing, hash_)  # the same hash again: a retried issue
    added = hash_ is not None and _put_token(session, box, row, number, hash_)
    issuance = Issuance(
        session_id=row.id,
        round=row.round,
        deputy_number=number,
        medium=medium,
        issued_by=guard.principal.user_id or "",
        token_ref=_ref(row, number, 0, hash_),
        reissues=0,
    )
    session.add(issuance)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return _raced(session, box, row, number, hash_, added)
    return _reply(session, row, issuance, hash_)


def _raced(
    session: Session, box: Session, row: VotingSession, number: str, hash_: str | None, added: bool
) -> dict[str, Any]:
    """Another issue for this deputy committed first. With the same hash it was this request's
    own retry (or the original): answer it, and keep the hash it now owns. Else 409, and the
    hash this request added comes out of the box again."""
    existing = db.issuance(session, row.id, row.round, number)
    if existing is not None and hash_ is not None and _hash_of(row, existing) == hash_:
        return _reply(session, row, existing, hash_)
    if added and hash_ is not None:
        store.remove_token(box, hash_)
        box.commit()
    raise errors.already_issued(number, row.round)


def _issuing(
    session: Session, guard: Guard, session_id: str, number: str, lock: bool = False
) -> VotingSession:
    """The session, if the caller may issue this deputy's ballot in it now."""
    row = load_session(session, guard, session_id, ROLL_ROLES, lock)
    _own_number(session, guard, row, [number])
    if row.kind == contract.CONSULTATION:
        raise errors.rule("会商制不投票，不发选票 (a consultation has no ballot)")
    refuse(machine.allowed_in(row.state, machine.ISSUE_STATES, "发放选票"))
    return row


def _put_token(session: Session, box: Session, row: VotingSession, number: str, hash_: str) -> bool:
    """The hash into the box (committed); False when it is there already and not another
    deputy's: an issue that died before its roll row, or one still running, now retried.
    Another deputy's hash is 409."""
    if store.token_of_round(box, row.id, row.round, hash_):
        box.rollback()
        if _claimed(session, row, hash_, number):
            raise errors.conflict(HASH_TAKEN)
        return False
    store.add_token(box, row.id, row.round, hash_)
    try:
        box.commit()
    except IntegrityError:  # the same hash raced in, or another round's: never two owners
        box.rollback()
        raise errors.conflict(HASH_TAKEN) from None
    return True


def _claimed(session: Session, row: VotingSession, hash_: str, number: str) -> bool:
    """Whether another deputy's issuance of this round holds this hash."""
    others = (i for i in roll_db.issuances(session, row.id, row.round) if i.deputy_number != number)
    return any(_hash_of(row, i) == hash_ for i in others)


def _ref(row: VotingSession, number: str, generation: int, hash_: str | None) -> str | None:
    return None if hash_ is None else token_ref(hash_, row.id, row.round, number, generation)


def _hash_of(row: VotingSession, issuance: Issuance) -> str | None:
    if issuance.token_ref is None:
        return None
    ref, number = issuance.token_ref, issuance.deputy_number
    return hash_of_ref(ref, row.id, row.round, number, issuance.reissues)


def _reply(
    session: Session, row: VotingSession, issuance: Issuance, hash_: str | None
) -> dict[str, Any]:
    return dump(
        contract.IssuedBallot,
        {
            "session_id": row.id,
            "round": row.round,
            "deputy_number": issuance.deputy_number,
            "medium": issuance.medium,
            "token_hash": hash_,
            "issued_by": issuance.issued_by,
            "reissues": issuance.reissues,
            "issued": db.issued(session, row.id, row.round),
        },
    )


# ---- reissuing (a lost device) -------------------------------------------------------------
def reissue_ballot(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Void the deputy's unspent token and register the new hash; 409 once it has voted."""
    number, new = data["deputy_number"], data["token_hash"]
    row = _issuing(session, guard, session_id, number, lock=True)  # one reissue at a time
    issuance = db.issuance(session, row.id, row.round, number)
    if issuance is None:
        raise errors.rule("该代表本轮尚未领取选票，不能补发 (no ballot issued yet)")
    if issuance.medium != "electronic":
        raise errors.conflict("纸质选票不能补发电子凭证 (a paper ballot is not reissued)")
    old = _hash_of(row, issuance)
    if old == new:
        return _reply(session, row, issuance, new)  # a retried reissue
    added, seen = _swap_tokens(box, row, old, new), issuance.reissues
    if not roll_db.record_reissue(session, issuance, _ref(row, number, seen + 1, new)):
        session.rollback()  # another reissue got there first (a guard: the lock serialises them)
        if added:
            store.remove_token(box, new)
            box.commit()
        raise errors.conflict(REISSUED_MEANWHILE)
    by = guard.principal.user_id or ""
    entry = {"round": row.round, "deputy_number": number, "by": by, "reason": data["reason"]}
    append_audit(session, row.id, "ballot_token_voided", entry)
    append_audit(session, row.id, "ballot_token_reissued", {**entry, "reissues": seen + 1})
    commit(session)
    return _reply(session, row, db.issuance(session, row.id, row.round, number) or issuance, new)


def _swap_tokens(box: Session, row: VotingSession, old: str | None, new: str) -> bool:
    """Void `old` and add `new`, in one box transaction; whether `new` was added. A box already
    holding `new` while `old` is gone is a reissue that died before the roll was updated: it
    is completed."""
    voided = store.void_token(box, old) if old is not None else "absent"
    if voided == "spent":
        box.rollback()
        raise errors.conflict(SPENT)
    present = store.token_of_round(box, row.id, row.round, new)
    if present and voided != "absent":
        box.rollback()
        raise errors.conflict(HASH_TAKEN)
    if not present:
        store.add_token(box, row.id, row.round, new)
    try:
        box.commit()
    except IntegrityError:
        box.rollback()
        raise errors.conflict(HASH_TAKEN) from None
    return not present
