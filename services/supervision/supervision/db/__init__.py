"""Supervision's tables (one metadata, migrated by Alembic) and queries."""

from servicekit.db import metadata
from servicekit.outbox import messaging_tables
from servicekit.workcalendar import calendar_tables
from sqlalchemy.orm import DeclarativeBase

METADATA = metadata()
MESSAGING = messaging_tables(METADATA)  # outbox, processed events, idempotency keys
CALENDAR = calendar_tables(METADATA)  # the working-day calendar's override table


class Base(DeclarativeBase):
    metadata = METADATA
