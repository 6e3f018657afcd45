"""The session database (`voting`): rules, rosters, sessions, the roll and the audit log.

The roll records *that* a deputy received a ballot in a round (and on paper or as a token),
never the token itself: what was voted lives only in the ballot box (`voting.box`).
"""

import uuid
from datetime import date, datetime

from servicekit.db import UtcDateTime
from servicekit.db import metadata as new_metadata
from servicekit.outbox import messaging_tables
from sqlalchemy import Date, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = new_metadata()


MESSAGING = messaging_tables(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


class RulesVersion(Base):
    """票决办法: one adopted version of an area's voting rules. Never changed once written."""

    __tablename__ = "voting_rules"
    __table_args__ = (UniqueConstraint("area_code", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer)
    adopted_on: Mapped[date] = mapped_column(Date)
    document_ref: Mapped[str] = mapped_column(String(200))
    differential_ratio_permille: Mapped[int] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(30))
    threshold_base: Mapped[str] = mapped_column(String(10))
    quorum_permille: Mapped[int] = mapped_column(Integer)
    publication_channel: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Roster(Base):
    """代表名册: one imported version of an area's congress roster. Never changed once written."""

    __tablename__ = "rosters"
    __table_args__ = (UniqueConstraint("area_code", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    deputies: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Deputy(Base):
    __tablename__ = "deputies"

    roster_id: Mapped[str] = mapped_column(ForeignKey("rosters.id"), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    delegation: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)  # personal: never logged
    username: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class CandidateList(Base):
    """A frozen candidate list received from collection (candidate_list_frozen_v1)."""

    __tablename__ = "candidate_lists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    differential_ratio_permille: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    candidates: Mapped[str] = mapped_column(Text)  # JSON, in ballot order
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class VotingSession(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(SmallInteger, default=1)
    rules_id: Mapped[str] = mapped_column(ForeignKey("voting_rules.id"))
    rules_version: Mapped[int] = mapped_column(Integer)
    candidate_list_id: Mapped[str | None] = mapped_column(
        ForeignKey("candidate_lists.id"), nullable=True
    )
    candidate_list_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    roster_id: Mapped[str] = mapped_column(ForeignKey("rosters.id"))
    roster_hash: Mapped[str] = mapped_column(String(64))
    deputies_total: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer, nullable=True)
    candidates: Mapped[str] = mapped_column(Text)  # JSON: [{id, position, title, cost}], all
    consultation: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON (会商制)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Round(Base):
    """One round of voting in a session (the first, or a runoff among the tied)."""

    __tablename__ = "rounds"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    rules: Mapped[str] = mapped_column(Text)  # JSON: Rules.as_dict() of this round
    candidates: Mapped[str] = mapped_column(Text)  # JSON: candidate ids in ballot order
    present: Mapped[int | None] = mapped_column(Integer, nullable=True)  # at closing
    paper_returned: Mapped[int | None] = mapped_column(Integer, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: the tally
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    export: Mapped[str | None] = mapped_column(Text, nullable=True)  # the announced document
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    audit_head: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CheckIn(Base):
    __tablename__ = "check_ins"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    deputy_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    checked_in_by: Mapped[str] = mapped_column(String(64))  # account id: the desk or the deputy
    checked_in_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set when the deputy checked in, or confirmed a desk check-in, on their own account.
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Issuance(Base):
    """The roll: this deputy received one ballot in this round. No token, no token hash, no time.

    `token_ref` is the token's hash XOR a pad only the workers' secret makes (voting.tokens): it
    lets a retried issue be recognised and a lost device's token be voided, and links nothing
    for whoever reads the databases without the secret."""

    __tablename__ = "issuances"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    round: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    deputy_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    medium: Mapped[str] = mapped_column(String(10))
    issued_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # account id
    token_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reissues: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class Deliberation(Base):
    """A delegation's opinion on a candidate; the latest per delegation and candidate counts."""

    __tablename__ = "deliberations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    delegation: Mapped[str] = mapped_column(String(100))
    candidate_id: Mapped[str] = mapped_column(String(64))
    stance: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(Base):
    """审计日志: one hash-chained entry (voting.domain.audit). Appended, never changed."""

    __tablename__ = "audit_entries"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SatisfactionRequest(Base):
    """A satisfaction vote (满意度测评) supervision asked for (satisfaction_vote_requested_v1),
    kept until its draft session exists: an area without adopted rules or a roster yet keeps
    the request `pending` (with the reason) and a timer creates the session once they are
    there (use_cases.requested)."""

    __tablename__ = "satisfaction_requests"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(34), unique=True)  # fixed by supervision
    area_code: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    projects: Mapped[str] = mapped_column(Text)  # JSON [{project_id, title}]
    state: Mapped[str] = mapped_column(String(10), index=True)  # pending / created
    problem: Mapped[str | None] = mapped_column(String(200), nullable=True)  # why pending
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
