"""Queries of the roll that issuing, reissuing and the attendance view need (the session-wide
ones — checked_in, issuance, issued — are in db.sessions)."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import CheckIn, Issuance


def check_ins(session: Session, session_id: str) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.session_id == session_id)))


def confirmed(session: Session, session_id: str) -> int:
    """Check-ins the deputy made or confirmed on their own account."""
    query = select(func.count()).where(
        CheckIn.session_id == session_id, CheckIn.confirmed_at.is_not(None)
    )
    return session.scalar(query) or 0


def issuances(session: Session, session_id: str, number: int) -> list[Issuance]:
    query = select(Issuance).where(Issuance.session_id == session_id, Issuance.round == number)
    return list(session.scalars(query))


def record_reissue(session: Session, issuance: Issuance, ref: str | None) -> bool:
    """The next reissue and its padded reference (uncommitted), only if no other reissue of
    this deputy landed since `issuance` was read (a second guard behind the session's lock)."""
    done = session.execute(
        update(Issuance)
        .where(
            Issuance.session_id == issuance.session_id,
            Issuance.round == issuance.round,
            Issuance.deputy_number == issuance.deputy_number,
            Issuance.reissues == issuance.reissues,
        )
        .values(reissues=Issuance.reissues + 1, token_ref=ref)
        .execution_options(synchronize_session=False)
    )
    session.expire(issuance)
    return bool(done.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


def forget_token_refs(session: Session, session_id: str, number: int) -> None:
    """For the seal (uncommitted): once a round is closed nothing is retried or reissued, so
    the padded references to the box's tokens need not outlive it."""
    session.execute(
        update(Issuance)
        .where(Issuance.session_id == session_id, Issuance.round == number)
        .values(token_ref=None)
    )
