"""The roll: deputies checking in, and one ballot per deputy per round — a token for the device
(shown once, as text and QR code) or a paper ballot.

The token goes into the ballot box as its hash *first*, then the roll records that the deputy
received a ballot, without the token. If the roll refuses (a second issue raced this one), the
hash is taken out again; if the process dies in between, an unspent hash nobody holds remains,
which can never vote and is not counted as issued.
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
from ..db import sessions as db
from ..db import setup as setup_db
from ..db.models import CheckIn, Issuance, VotingSession
from ..domain import sessions as machine
from ..domain.rules import quorum_met, quorum_needed
from ..qr import token_qr_svg
from ..tokens import new_token, token_hash
from .common import DEPUTY, RUN_ROLES, commit, load_session, refuse, round_rules

ROLL_ROLES = RUN_ROLES | {DEPUTY}


def _own_number(session: Session, guard: Guard, row: VotingSession, wanted: list[str]) -> None:
    """A deputy acts only for themselves: their account must be on the session's roster."""
    if guard.principal.has_role(RUN_ROLES):
        return
    # The roster names the deputy's login name (账号); user_id is the account's opaque id.
    own = setup_db.deputy_by_username(session, row.roster_id, guard.principal.username or "")
    if own is None or wanted != [own.number]:
        raise errors.forbidden_for_deputy()


def check_in(
    session: Session, guard: Guard, session_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = load_session(session, guard, session_id, ROLL_ROLES, lock=True)
    numbers = data["deputy_numbers"]
    _own_number(session, guard, row, numbers)
    refuse(machine.allowed_in(row.state, machine.CHECK_IN_STATES, "签到"))
    unknown = [n for n in numbers if setup_db.deputy(session, row.roster_id, n) is None]
    if unknown:
        raise errors.rule("名册中没有这些代表 (not on the roster)", {"unknown": unknown})
    already = db.checked_in(session, row.id)
    new = [n for n in numbers if n not in already]
    session.add_all(
        CheckIn(
            session_id=row.id,
            deputy_number=n,
            checked_in_by=guard.principal.user_id or "",
            checked_in_at=now,
        )
        for n in new
    )
    commit(session)
    rules = round_rules(db.round_row(session, row.id, row.round))
    present = len(already) + len(new)
    return dump(
        contract.Attendance,
        {
            "session_id": row.id,
            "present": present,
            "deputies_total": row.deputies_total,
            "quorum_needed": quorum_needed(rules),
            "quorum_met": quorum_met(rules, present),
            "checked_in": new,
            "already": [n for n in numbers if n in already],
        },
    )


def issue_ballot(
    session: Session, box: Session, guard: Guard, session_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    # Under the lock closing takes: a round being closed is never issued into (issue 11).
    row = load_session(session, guard, session_id, ROLL_ROLES, lock=True)
    number, medium = data["deputy_number"], data["medium"]
    _own_number(session, guard, row, [number])
    if row.kind == contract.CONSULTATION:
        raise errors.rule("会商制不投票，不发选票 (a consultation has no ballot)")
    refuse(machine.allowed_in(row.state, machine.ISSUE_STATES, "发放选票"))
    if number not in db.checked_in(session, row.id):
        raise errors.rule("该代表尚未签到，须先签到再领取选票 (check in first)", {"deputy": number})
    if db.issuance(session, row.id, row.round, number) is not None:
        raise errors.already_issued(number, row.round)
    token = new_token(row.level) if medium == "electronic" else None
    if token is not None:
        store.add_token(box, row.id, row.round, token_hash(token))
        box.commit()
    session.add(Issuance(session_id=row.id, round=row.round, deputy_number=number, medium=medium))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        if token is not None:
            store.remove_token(box, token_hash(token))
            box.commit()
        raise errors.already_issued(number, row.round) from None
    return dump(
        contract.IssuedBallot,
        {
            "session_id": row.id,
            "round": row.round,
            "deputy_number": number,
            "medium": medium,
            "token": token,
            "qr_svg": token_qr_svg(token) if token else None,
            "issued": db.issued(session, row.id, row.round),
        },
    )
