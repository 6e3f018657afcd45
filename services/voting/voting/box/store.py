"""The only code that reads or writes the ballot box.

Casting is one transaction: the round's seal is read under a shared lock (closing takes the row
exclusively, so no cast lands after the seal), the token is spent with a conditional UPDATE (of
100 parallel casts of one token exactly one sees `spent = false`), and the ballot and a receipt
are stored. The receipt is a separate row: it proves inclusion and points at no ballot.

Before that, a plain read by the token's hash refuses unknown and other sessions' tokens
without a write lock: a flood of made-up tokens on the unauthenticated route never queues
behind, or holds up, the hall's casts. The receipt is derived from the token
(contracts.ballot_tokens.receipt_for), so a spent token whose receipt is in the box is a
retried cast: it answers that receipt again, and its choices are ignored.
"""

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from .models import Ballot, BallotToken, BoxRound, PaperEntry, Receipt


@dataclass(frozen=True)
class CastOutcome:
    status: str  # stored / repeated / unknown_token / spent / wrong_session / sealed
    round: int | None = None


def open_round(box: Session, session_id: str, number: int) -> None:
    box.add(BoxRound(session_id=session_id, round=number, sealed=False))


def seal(box: Session, session_id: str, number: int) -> None:
    box.execute(
        update(BoxRound)
        .where(BoxRound.session_id == session_id, BoxRound.round == number)
        .values(sealed=True)
    )


def add_token(box: Session, session_id: str, number: int, token_hash: str) -> None:
    box.add(BallotToken(token_hash=token_hash, session_id=session_id, round=number, spent=False))


def remove_token(box: Session, token_hash: str) -> None:
    box.execute(delete(BallotToken).where(BallotToken.token_hash == token_hash))


def token_of_round(box: Session, session_id: str, number: int, token_hash: str) -> bool:
    """Whether this hash is a token of this session's round (spent or not)."""
    token = box.get(BallotToken, token_hash)
    return token is not None and (token.session_id, token.round) == (session_id, number)


def void_token(box: Session, token_hash: str) -> str:
    """Void an unspent token (uncommitted): "voided", "spent" (kept: it voted) or "absent"."""
    gone = box.execute(
        delete(BallotToken).where(
            BallotToken.token_hash == token_hash, BallotToken.spent.is_(False)
        )
    )
    if gone.rowcount:  # type: ignore[attr-defined]  # a CursorResult for a DELETE
        return "voided"
    return "spent" if box.get(BallotToken, token_hash) is not None else "absent"


# The cast path's statements, built once (building them cost more than running them). The
# spend comes first: the transaction then starts as a write, which SQLite needs to serialise it.
SPEND = (
    update(BallotToken.__table__)
    .where(BallotToken.token_hash == bindparam("hash_of_token"), BallotToken.spent.is_(False))
    .values(spent=True)
    .returning(BallotToken.session_id, BallotToken.round)
)
SEALED = (
    select(BoxRound.sealed)
    .where(BoxRound.session_id == bindparam("session_id"), BoxRound.round == bindparam("round"))
    .with_for_update(read=True)
)
LOOKUP = select(BallotToken.session_id).where(BallotToken.token_hash == bindparam("hash_of_token"))
INSERT_BALLOT = insert(Ballot.__table__)
INSERT_RECEIPT = insert(Receipt.__table__)


def _sealed(box: Session, session_id: str, number: int) -> bool:
    row = box.execute(SEALED, {"session_id": session_id, "round": number}).first()
    return row is None or bool(row.sealed)


def spend_and_store(
    box: Session, session_id: str, token_hash: str, content: str, receipt: str
) -> CastOutcome:
    """Spend the token and store the ballot and receipt, uncommitted; or say why not (the
    caller then rolls back, spend included)."""
    # A plain read, no lock: pysqlite begins the transaction only at the UPDATE below, which so
    # still starts it as a write; PostgreSQL's UPDATE (read committed) sees the latest commit.
    known = box.execute(LOOKUP, {"hash_of_token": token_hash}).first()
    if known is None:
        return CastOutcome("unknown_token")
    if known.session_id != session_id:
        return CastOutcome("wrong_session")
    spent = box.execute(SPEND, {"hash_of_token": token_hash}).first()
    if spent is None:
        return _refusal(box, session_id, token_hash, receipt)
    if spent.session_id != session_id:
        return CastOutcome("wrong_session")
    if _sealed(box, session_id, spent.round):
        return CastOutcome("sealed", spent.round)
    store_ballot(box, session_id, spent.round, "electronic", content)
    box.execute(INSERT_RECEIPT, {"code": receipt, "session_id": session_id, "round": spent.round})
    return CastOutcome("stored", spent.round)


def _refusal(box: Session, session_id: str, token_hash: str, receipt: str) -> CastOutcome:
    """Why a token could not be spent: voided meanwhile, a sealed round, a retried cast (its
    receipt is in the box), or spent without that receipt (before receipts were derived)."""
    token = box.get(BallotToken, token_hash)
    if token is None:
        return CastOutcome("unknown_token")
    if _sealed(box, session_id, token.round):
        return CastOutcome("sealed", token.round)
    if has_receipt(box, session_id, receipt):
        return CastOutcome("repeated", token.round)
    return CastOutcome("spent", token.round)


def store_ballot(box: Session, session_id: str, number: int, medium: str, content: str) -> None:
    box.execute(
        INSERT_BALLOT,
        {
            "id": str(uuid.uuid4()),
            "session_id": session_id,
            "round": number,
            "medium": medium,
            "content": content,
        },
    )


def ballots(box: Session, session_id: str, number: int) -> list[dict | None]:
    contents = box.scalars(
        select(Ballot.content).where(Ballot.session_id == session_id, Ballot.round == number)
    )
    return [json.loads(text) for text in contents]


def count(box: Session, session_id: str, number: int, medium: str | None = None) -> int:
    query = select(func.count()).where(Ballot.session_id == session_id, Ballot.round == number)
    if medium is not None:
        query = query.where(Ballot.medium == medium)
    return box.scalar(query) or 0


def receipts(box: Session, session_id: str, number: int) -> list[str]:
    return list(
        box.scalars(
            select(Receipt.code)
            .where(Receipt.session_id == session_id, Receipt.round == number)
            .order_by(Receipt.code)
        )
    )


def has_receipt(box: Session, session_id: str, code: str) -> bool:
    row = box.get(Receipt, code)
    return row is not None and row.session_id == session_id


def paper_entries(box: Session, session_id: str, number: int) -> list[PaperEntry]:
    return list(
        box.scalars(
            select(PaperEntry)
            .where(PaperEntry.session_id == session_id, PaperEntry.round == number)
            .order_by(PaperEntry.sheet, PaperEntry.entry)
        )
    )


def sheet_entries(box: Session, session_id: str, number: int, sheet: int) -> list[PaperEntry]:
    return list(
        box.scalars(
            select(PaperEntry)
            .where(
                PaperEntry.session_id == session_id,
                PaperEntry.round == number,
                PaperEntry.sheet == sheet,
            )
            .order_by(PaperEntry.entry)
            .with_for_update()
        )
    )


def add_paper_entry(
    box: Session,
    session_id: str,
    number: int,
    sheet: int,
    entry: int,
    by: str,
    content: str,
    note: str | None = None,
) -> None:
    box.add(
        PaperEntry(
            session_id=session_id,
            round=number,
            sheet=sheet,
            entry=entry,
            entered_by=by,
            content=content,
            note=note,
        )
    )


def round_exists(box: Session, session_id: str, number: int) -> bool:
    return box.get(BoxRound, (session_id, number)) is not None
