"""The feed to the budget online supervision system (预算联网监督系统): what to send.

Every budget version, fund flow and warning change writes one feed record in the transaction of
the change, so a record exists exactly when the change does; the pusher delivers it. The body
is keyed the way finance systems key project money, (mof_div_code, fiscal_year, pro_code), and
its `record_id` lets the receiver drop a redelivery. A project without a finance key yet has
nothing to key the record by: the budget gives it one, and money needs a budget first.
"""

import uuid
from datetime import datetime
from typing import Any

from servicekit.clock import as_utc
from sqlalchemy.orm import Session

from ..db.models import FeedRecord, Project
from .common import dumps

FEED_NAMESPACE = uuid.UUID("0b6c3f7e-4d1a-5e8b-9c2d-7a1f3e5b9d40")
FORMAT = "minsheng-budget-feed/1"


def record_id(*parts: object) -> str:
    """A stable id for a record that has no uuid of its own (a budget version, a warning state)."""
    return str(uuid.uuid5(FEED_NAMESPACE, "/".join(map(str, parts))))


def enqueue(
    session: Session, row: Project, kind: str, rid: str, data: dict[str, Any], now: datetime
) -> None:
    body = {
        "format": FORMAT,
        "record_id": rid,
        "record_type": kind,
        "mof_div_code": row.mof_div_code,
        "fiscal_year": row.year,
        "pro_code": row.pro_code,
        "project_id": row.id,
        "project_name": row.title,
        "area_code": row.area_code,
        "agency": row.lead_department or row.suggested_department,
        "data": data,
        "recorded_at": as_utc(now).isoformat(),
    }
    session.add(
        FeedRecord(
            id=rid,
            kind=kind,
            project_id=row.id,
            body=dumps(body),
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
