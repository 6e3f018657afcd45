"""Queries of the status part."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import MESSAGING


def events_processed(session: Session) -> int:
    processed = MESSAGING["processed_events"]
    return int(session.scalar(select(func.count()).select_from(processed)) or 0)
