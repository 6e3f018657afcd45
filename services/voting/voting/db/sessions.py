"""Queries for sessions, their rounds, the roll (check-ins and issuances), deliberations and the
audit log. Writers lock the session row first (PostgreSQL; SQLite serialises writers anyway),
so steps of one session never interleave."""

from typing import Any

from servicekit import vacuum
from servicekit.db import write_first
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from .models import AuditEntry, CheckIn, Deliberation, Issuance, Round, VotingSession


def session_row(session: Session, session_id: str, lock: bool = False) -> VotingSession | None:
    query = select(VotingSession).where(VotingSession.id == session_id)
    if lock:
        table = VotingSession.__table__
        write_first(session, table.c.id, session_id, table.c.state)
        query = query.with_for_update()
    return session.scalars(query).first()


# What a cast needs to know of its session, in one read of small columns (the session row's
# candidate texts and a round's export stay on disk); built once, as casts come in bursts.
CASTING_VIEW = (
    select(
        VotingSession.id,
        VotingSession.state,
        VotingSession.kind,
        VotingSession.level,
        VotingSession.round,
        Round.rules,
        Round.candidates,
    )
    .outerjoin(
        Round, and_(Round.session_id == VotingSession.id, Round.number == VotingSession.round)
    )
    .where(VotingSession.id == bindparam("session_id"))
)


def casting_view(session: Session, session_id: str) -> Any:
    """(id, state, kind, level, round, rules, candidates) of the session's current round."""
    return session.execute(CASTING_VIEW, {"session_id": session_id}).first()


def sessions_of(session: Session, area_code: str, year: int | None) -> list[VotingSession]:
    query = select(VotingSession).where(VotingSession.area_code == area_code)
    if year is not None:
        query = query.where(VotingSession.year == year)
    return list(session.scalars(query.order_by(VotingSession.created_at.desc())))


def round_row(session: Session, session_id: str, number: int) -> Round | None:
    return session.get(Round, (session_id, number))


def rounds(session: Session, session_id: str) -> list[Round]:
    return list(
        session.scalars(select(Round).where(Round.session_id == session_id).order_by(Round.number))
    )


def present(session: Session, session_id: str) -> int:
    return session.scalar(select(func.count()).where(CheckIn.session_id == session_id)) or 0


def checked_in(session: Session, session_id: str) -> set[str]:
    return set(
        session.scalars(select(CheckIn.deputy_number).where(CheckIn.session_id == session_id))
    )


def issuance(session: Session, session_id: str, number: int, deputy: str) -> Issuance | None:
    return session.get(Issuance, (session_id, number, deputy))


def issued(session: Session, session_id: str, number: int, medium: str | None = None) -> int:
    query = select(func.count()).where(Issuance.session_id == session_id, Issuance.round == number)
    if medium is not None:
        query = query.where(Issuance.medium == medium)
    return session.scalar(query) or 0


def shuffle_issuances(session: Session, session_id: str, number: int) -> int:
    """The round's roll rewritten in random order, uncommitted: its rowids, ctids and xmin no
    longer give the order ballots were issued in (`servicekit.vacuum`)."""
    table = Issuance.__table__
    where = (table.c.session_id == session_id, table.c.round == number)
    return vacuum.shuffled_rewrite(session, table, where)


def scrub_issuances(session: Session) -> bool:
    """After that commit: the old versions vacuumed (PostgreSQL) or the `-wal` truncated with
    deleted content zeroed (SQLite; the whole file is not rebuilt, it holds every session)."""
    return vacuum.scrub(session.get_bind(), [Issuance.__tablename__], rebuild=False)


def deliberations(session: Session, session_id: str) -> list[Deliberation]:
    return list(
        session.scalars(
            select(Deliberation)
            .where(Deliberation.session_id == session_id)
            .order_by(Deliberation.id)
        )
    )


def audit_entries(session: Session, session_id: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.session_id == session_id).order_by(AuditEntry.seq)
        )
    )


def audit_head(session: Session, session_id: str) -> AuditEntry | None:
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.session_id == session_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
