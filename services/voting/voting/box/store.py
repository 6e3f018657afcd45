"""The only code that reads or writes the ballot box.

Casting is one transaction: the round's seal is read under a shared lock (closing takes the row
exclusively, so no cast lands after the seal), the token is spent with a conditional UPDATE (of
100 parallel casts of one token exactly one sees `spent = false`), and the ballot and a receipt
are stored. The receipt is a separate row: it proves inclusion and points at no ballot.
"""

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from .models import Ballot, BallotToken, BoxRound, PaperEntry, Receipt


@dataclass(frozen=True)
class CastOutcome:
    status: str  # stored / unknown_token / spent / wrong_session / sealed
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
    spent = box.execute(SPEND, {"hash_of_token": token_hash}).first()
    if spent is None:
        return _refusal(box, session_id, token_hash)
    if spent.session_id != session_id:
        return CastOutcome("wrong_session")
    if _sealed(box, session_id, spent.round):
        return CastOutcome("sealed", spent.round)
    store_ballot(box, session_id, spent.round, "electronic", content)
    box.execute(INSERT_RECEIPT, {"code": receipt, "session_id": session_id, "round": spent.round})
    return CastOutcome("stored", spent.round)


def _refusal(box: Session, session_id: str, token_hash: str) -> CastOutcome:
    """Why a token could not be spent: unknown, another session's, a sealed round, or spent."""
    token = box.get(BallotToken, token_hash)
    if token is None:
        return CastOutcome("unknown_token")
    if token.session_id != session_id:
        return CastOutcome("wrong_session")
    if _sealed(box, session_id, token.round):
        return CastOutcome("sealed", token.round)
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
