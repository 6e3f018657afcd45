"""A deputy's own findings filed to 12345 (代表发现问题转 12345热线): the outbound adapter.

Filing writes one record — the exact JSON body to post, with its `record_id` — in the same
transaction; the pusher (every few seconds, servicekit.push_queue, the same signing, lease,
backoff and dead-after-N as implementation's budget feed) posts it to PETITION_HOTLINE_URL,
signed with PETITION_HOTLINE_SECRET (X-Minsheng-Timestamp, X-Minsheng-Signature,
X-Minsheng-Record-Id). Unset PETITION_HOTLINE_URL turns the adapter off: records are kept,
pending, and a finding's answer says so. The body names the deputy and the place, never a
resident.
"""

import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts import work_orders as contract
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.clock import as_utc, utcnow
from servicekit.push_queue import Claimed, Endpoint, Pusher, PushQueue
from servicekit.validation import dump
from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from .. import roles
from ..db.work_orders import HotlineFinding, WorkOrder
from ..metrics import HOTLINE_PUSHES
from .common import area, area_name, dumps, require_deputy
from .work_order_supervision import acting_deputy

log = logging.getLogger(__name__)
FORMAT = "minsheng-hotline-finding/1"
FINDINGS = HotlineFinding.__table__


def _level_scope(query: Select[Any], level: str, due_before: datetime) -> Select[Any]:
    return query.where(or_(FINDINGS.c.level == level, FINDINGS.c.next_attempt_at <= due_before))


def _counted(record: Claimed, level: str, outcome: str) -> None:
    HOTLINE_PUSHES.inc(level, outcome=outcome)


QUEUE = PushQueue(FINDINGS, _level_scope)  # type: ignore[arg-type]  # a declarative Table
PUSHER = Pusher(QUEUE, "hotline findings", log, _counted)


def push_findings(
    session: Session,
    endpoint: Endpoint,
    level: str,
    clock: Callable[[], datetime] = utcnow,
    jitter: Callable[[], float] = random.random,
) -> Counter[str]:
    """Post the due findings; how many were delivered, failed and went dead."""
    return PUSHER.push_due(session, endpoint, level, clock, jitter)


def finding_view(row: HotlineFinding, enabled: bool) -> dict[str, Any]:
    return dump(
        contract.Finding,
        {
            "id": row.id,
            "area_code": row.area_code,
            "title": row.title,
            "work_order_id": row.work_order_id,
            "state": row.state,
            "attempts": row.attempts,
            "push_enabled": enabled,
            "created_at": as_utc(row.created_at),
        },
    )


def _linked(session: Session, guard: Guard, order_id: str | None) -> WorkOrder | None:
    return acting_deputy(session, guard, order_id)[0] if order_id else None


def file_hotline_finding(
    session: Session,
    guard: Guard,
    enabled: bool,
    data: dict[str, Any],
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(roles.SUPERVISE, place.code)
    deputy = require_deputy(session, guard)
    if not place.path.startswith(deputy.area_path):
        raise guard.forbid("outside_deputy_area", "只能报送本人所在地区（含下级）的问题 "
                           "(only your own area and below)", {"area_code": place.code},
                           place.code)  # fmt: skip
    order = _linked(session, guard, data.get("work_order_id"))

    def create() -> dict[str, Any]:
        rid = str(uuid.uuid4())
        body = {
            "format": FORMAT, "record_id": rid, "record_type": "finding",
            "area_code": place.code, "area_name": area_name(place.code),
            "title": data["title"], "content": data["content"], "category": data["category"],
            "address": data.get("address"), "work_order_no": order.order_no if order else None,
            "filed_by": {"deputy_id": deputy.id, "name": deputy.name, "level": deputy.level},
            "filed_at": as_utc(now).isoformat(),
        }  # fmt: skip
        row = HotlineFinding(
            id=rid, kind="finding", deputy_id=deputy.id, area_code=place.code,
            level=place.level, title=data["title"], work_order_id=order.id if order else None,
            body=dumps(body), state="pending", attempts=0, next_attempt_at=now, created_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return finding_view(row, enabled)

    scope = idempotency.scope_of("file_hotline_finding", principal)
    return idempotency.create_once(session, scope, idempotency.Request(key, data), create)
