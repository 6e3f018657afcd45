"""The feed to the budget online supervision system (预算联网监督系统): what to send.

Every budget version, fund flow and warning change writes one feed record in the transaction of
the change, so a record exists exactly when the change does; the pusher delivers it. The body
is keyed the way finance systems key project money, (mof_div_code, fiscal_year, pro_code), and
its `record_id` lets the receiver drop a redelivery. A project without a finance key yet has
nothing to key the record by: the budget gives it one, and money needs a budget first.

The pusher (use_cases.feed_push) delivers the records; here are also the delivery status of
each (finance staff and admins of the area) and the requeue of a dead one (finance staff).
"""

import uuid
from datetime import datetime
from typing import Any

from contracts import funds as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db import feed as db
from ..db.models import FeedRecord, Project
from ..domain.feed_delivery import FeedSettings
from .common import area, dumps, loads

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


def list_feed_records(
    session: Session, guard: Guard, settings: FeedSettings, query: dict[str, Any]
) -> dict[str, Any]:
    place = area(query["area_code"])
    guard.require(roles.FEED_READ, place.code)
    rows, total = db.records_page(
        session, place.path, query["state"], query["page"], query["page_size"]
    )
    return dump(
        contract.FeedPage,
        {
            "items": [record_view(r, p) for r, p in rows],
            "total": total,
            "page": query["page"],
            "page_size": query["page_size"],
            "counts": dict.fromkeys(contract.FEED_STATES, 0) | db.state_counts(session, place.path),
            "feed": feed_status(settings),
        },
    )


def retry_feed_record(
    session: Session, guard: Guard, record_id: str, now: datetime
) -> dict[str, Any]:
    """A dead record back to pending, due now, with a full set of attempts."""
    found = db.record(session, str(record_id), lock=True)
    if found is None:
        guard.require(roles.FINANCE)
        raise errors.feed_record_not_found()
    record, project = found
    guard.require(roles.FINANCE, project.area_code)
    if record.state != "dead":
        raise errors.conflict(
            f"只有推送失败的记录可以重新推送，该记录为「{contract.FEED_STATE_NAMES[record.state]}」"
            f" (only a dead record is requeued; this one is {record.state})",
            {"state": record.state},
        )
    record.state, record.attempts, record.next_attempt_at = "pending", 0, now
    session.commit()
    return dump(contract.FeedRecord, record_view(record, project))


def record_view(record: FeedRecord, project: Project) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "project_id": record.project_id,
        "project_title": project.title,
        "area_code": project.area_code,
        "state": record.state,
        "state_name": contract.FEED_STATE_NAMES[record.state],
        "attempts": record.attempts,
        "next_attempt_at": as_utc(record.next_attempt_at) if record.state == "pending" else None,
        "last_error": record.last_error,
        "created_at": as_utc(record.created_at),
        "delivered_at": as_utc(record.delivered_at) if record.delivered_at else None,
        "body": loads(record.body),
    }


def feed_status(settings: FeedSettings) -> dict[str, Any]:
    if settings.enabled:
        note = "推送已开启 (the feed is on)"
    else:
        note = (
            "未配置 BUDGET_FEED_URL：推送未开启，记录保持待推送 "
            "(BUDGET_FEED_URL unset: the feed is off and records wait, pending)"
        )
    return {
        "enabled": settings.enabled,
        "endpoint": settings.endpoint,
        "max_attempts": settings.max_attempts,
        "note": note,
    }
