"""The ballot box database (`voting_ballots`): what was voted, and nothing about who.

No table here holds a deputy identifier, a time or a client address. Primary keys are random,
and on SQLite the tables are stored WITHOUT ROWID, in key order, so the file does not keep the
order of issuing or casting either (PostgreSQL's heap does until rows move: the database
operator is trusted with the files, never with an identifier). A token is kept only as its
SHA-256; a receipt is not linked to its ballot, so it proves inclusion and reveals no choice.
"""

from servicekit.db import metadata as new_metadata
from sqlalchemy import Boolean, Integer, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class BoxBase(DeclarativeBase):
    metadata = new_metadata()


class BoxRound(BoxBase):
    """Sealed when voting closes: a cast checks it under a shared lock, so none lands after."""

    __tablename__ = "box_rounds"

    session_id: Mapped[str] = mapped_column(String(34), primary_key=True)
    round: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)


class BallotToken(BoxBase):
    __tablename__ = "ballot_tokens"
    __table_args__ = {"sqlite_with_rowid": False}

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(34))
    round: Mapped[int] = mapped_column(SmallInteger)
    spent: Mapped[bool] = mapped_column(Boolean, default=False)


class Ballot(BoxBase):
    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random (uuid4)
    session_id: Mapped[str] = mapped_column(String(34), index=True)
    round: Mapped[int] = mapped_column(SmallInteger)
    medium: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON; "null" = unreadable paper


class Receipt(BoxBase):
    __tablename__ = "receipts"
    __table_args__ = {"sqlite_with_rowid": False}

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(34), index=True)
    round: Mapped[int] = mapped_column(SmallInteger)


class PaperEntry(BoxBase):
    """One teller's reading of one paper sheet (entry 1, entry 2, or the supervisor's, 0)."""

    __tablename__ = "paper_entries"

    session_id: Mapped[str] = mapped_column(String(34), primary_key=True)
    round: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    sheet: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    entered_by: Mapped[str] = mapped_column(String(64))  # a teller, never a deputy
    content: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
