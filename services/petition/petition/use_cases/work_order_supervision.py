"""督办疑难工单: a deputy takes a hard 12345 order under supervision (watches it), urges the
handling unit (催办: who, when, what — each kept), and rates the handling once the order is
closed (满意 / 基本满意 / 不满意 with a comment, once per deputy); and opens a matter from an
order (the sentiment study's "open a matter"), which the order then links to — a proposal is
that matter converted (`convert`, matter_converted_to_proposal_v1).

Who: a deputy with a profile whose area covers the order's (their area and below). Supervising
twice is the same supervision; urging and rating need it; rating needs the order closed.
"""

from datetime import datetime
from typing import Any

from contracts import matters as matter_contract
from servicekit import idempotency
from servicekit.auth import Guard
from servicekit.outbox import OutboxWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.matters import Matter
from ..db.models import Deputy
from ..db.work_orders import WorkOrder, WorkOrderSupervision, WorkOrderUrge
from ..metrics import (
    WORK_ORDERS_RATED,
    WORK_ORDERS_SUPERVISED,
    WORK_ORDERS_URGED,
)
from . import intake
from .common import require_deputy
from .work_order_views import load_work_order, work_order_detail

NOT_SUPERVISING = "须先督办该工单 (supervise the order first)"


def acting_deputy(session: Session, guard: Guard, order_id: str) -> tuple[WorkOrder, Deputy]:
    row = load_work_order(session, guard, order_id)
    guard.require(roles.SUPERVISE, row.area_code)
    deputy = require_deputy(session, guard)
    if not row.area_path.startswith(deputy.area_path):
        raise guard.forbid(
            "outside_deputy_area",
            "只能督办本人所在地区（含下级）的工单 (only orders of your own area and below)",
            {"order_id": row.id},
            row.area_code,
        )
    return row, deputy


def _supervision(session: Session, row: WorkOrder, deputy: Deputy) -> WorkOrderSupervision | None:
    query = select(WorkOrderSupervision).where(
        WorkOrderSupervision.order_id == row.id, WorkOrderSupervision.deputy_id == deputy.id
    )
    return session.scalars(query).first()


def supervise_work_order(
    session: Session, guard: Guard, order_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row, deputy = acting_deputy(session, guard, order_id)
    if _supervision(session, row, deputy) is None:
        session.add(WorkOrderSupervision(order_id=row.id, deputy_id=deputy.id,
                                         note=data.get("note"), since=now))  # fmt: skip
        session.commit()
        WORK_ORDERS_SUPERVISED.inc(guard.level)
    return work_order_detail(session, guard, row, deputy.id)


def urge_work_order(
    session: Session, guard: Guard, order_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row, deputy = acting_deputy(session, guard, order_id)
    if _supervision(session, row, deputy) is None:
        raise errors.conflict(NOT_SUPERVISING, {"order_id": row.id})
    if row.status == "closed":
        raise errors.conflict("工单已办结，无需催办 (the order is closed)", {"status": row.status})
    session.add(WorkOrderUrge(order_id=row.id, deputy_id=deputy.id, text=data["text"], at=now))
    session.commit()
    WORK_ORDERS_URGED.inc(guard.level)
    return work_order_detail(session, guard, row, deputy.id)


def rate_work_order(
    session: Session, guard: Guard, order_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row, deputy = acting_deputy(session, guard, order_id)
    watching = _supervision(session, row, deputy)
    if watching is None:
        raise errors.conflict(NOT_SUPERVISING, {"order_id": row.id})
    if row.status != "closed":
        raise errors.conflict("工单办结后才能评价 (rate once the order is closed)",
                              {"status": row.status})  # fmt: skip
    if watching.rating is not None:
        raise errors.conflict("已评价过该工单 (rated already)", {"rating": watching.rating})
    watching.rating, watching.rating_comment = data["rating"], data.get("comment")
    watching.rated_at = now
    session.commit()
    WORK_ORDERS_RATED.inc(guard.level, rating=data["rating"])
    return work_order_detail(session, guard, row, deputy.id)


def open_matter_from_work_order(
    session: Session,
    outbox: OutboxWriter,
    guard: Guard,
    order_id: str,
    data: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """A matter addressed to the deputy, from the order (its content, category, address and
    area unless given; no caller's contact is copied), entered on the `hotline` channel."""
    row, deputy = acting_deputy(session, guard, order_id)
    if row.matter_id is not None:
        raise errors.conflict("该工单已转为事项 (a matter was opened from it already)",
                              {"matter_id": row.matter_id})  # fmt: skip
    fields = {
        "channel": matter_contract.HOTLINE_MATTER_CHANNEL,
        "category": data.get("category") or row.category[:20],
        "title": (row.title or "")[:100] or None,
        "text": data.get("text") or row.content,
        "area_code": row.area_code,  # within the deputy's area: acting_deputy checked
        "location": {"text": data.get("location_text") or row.address or row.area_code},
    }
    by = guard.principal.user_id

    def link(matter: Matter) -> None:
        row.matter_id = matter.id  # in the matter's own transaction

    return intake.admit(
        session,
        outbox,
        guard,
        lambda: intake.new_matter(session, fields, deputy, by, now),
        by,
        idempotency.scope_of("open_matter_from_work_order", guard.principal),
        idempotency.Request(None, fields),
        now,
        also=link,
    )
