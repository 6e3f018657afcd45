"""12345 work orders as staff and deputies see them: a page of an area's orders (and below),
filtered by status, type, supervision (anyone's, or the caller's own) and overdue — the list
of overdue supervised orders for a deputy and for congress staff is `supervised` (or `mine`)
with `overdue`; and one order with its history, supervisors and urges, and the caller's
contact for congress staff, admins and the deputies supervising it.

Who sees: congress staff and admins their area and below; a deputy the orders of their own
area and below. Lists never carry the caller's name or phone.
"""

from datetime import date
from typing import Any

from contracts import work_orders as contract
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.models import Deputy
from ..db.work_orders import WorkOrder, WorkOrderChange, WorkOrderSupervision, WorkOrderUrge
from ..domain import work_orders as domain
from .common import area, area_name, deputy_of, loads, page, today


def _overdue(row: WorkOrder, on: date) -> bool:
    return domain.is_overdue(row.due_on, row.status, row.closed_at, on)


def _filtered(query: Select[Any], data: dict[str, Any], me: str | None, on: date) -> Select[Any]:
    if data.get("status"):
        query = query.where(WorkOrder.status == data["status"])
    if data.get("order_type"):
        query = query.where(WorkOrder.order_type == data["order_type"])
    watched = exists().where(WorkOrderSupervision.order_id == WorkOrder.id)
    if data.get("supervised") is not None:
        query = query.where(watched if data["supervised"] else ~watched)
    if data.get("mine"):
        query = query.where(watched.where(WorkOrderSupervision.deputy_id == (me or "")))
    if data.get("overdue"):
        query = query.where(WorkOrder.status != "closed", WorkOrder.due_on < on)
    return query


def list_work_orders(session: Session, guard: Guard, data: dict[str, Any]) -> dict[str, Any]:
    place = area(data["area_code"])
    principal = guard.require(roles.HOTLINE_READ, place.code)
    me = deputy_of(session, principal)
    on = today()
    query = _filtered(
        select(WorkOrder).where(WorkOrder.area_path.startswith(place.path, autoescape=True)),
        data, me.id if me else None, on,
    )  # fmt: skip
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset, limit = page(data)
    rows = session.scalars(
        query.order_by(WorkOrder.due_on, WorkOrder.order_no).offset(offset).limit(limit)
    ).all()
    items = [work_order_summary(session, row, me.id if me else None, on) for row in rows]
    page_data = {"items": items, "total": total, "page": data["page"], "page_size": limit}
    return dump(contract.WorkOrderPage, page_data)


def work_order_summary(
    session: Session, row: WorkOrder, me: str | None, on: date
) -> dict[str, Any]:
    watching = session.scalars(
        select(WorkOrderSupervision.deputy_id).where(WorkOrderSupervision.order_id == row.id)
    ).all()
    return {
        "id": row.id,
        "order_no": row.order_no,
        "order_type": row.order_type,
        "order_type_name": domain.TYPE_NAMES[row.order_type],
        "category": row.category,
        "title": row.title,
        "area_code": row.area_code,
        "area_name": area_name(row.area_code),
        "handling_unit": row.handling_unit,
        "status": row.status,
        "status_name": domain.STATUS_NAMES[row.status],
        "received_at": as_utc(row.received_at),
        "due_on": row.due_on,
        "time_limit_days": row.time_limit_days,
        "overdue": _overdue(row, on),
        "supervisors": len(watching),
        "supervised_by_me": me is not None and me in watching,
        "matter_id": row.matter_id,
    }


def load_work_order(session: Session, guard: Guard, order_id: str) -> WorkOrder:
    """The order, if the caller may see it (404 before 403 leaks nothing: both are checked)."""
    row = session.get(WorkOrder, str(order_id))
    if row is None:
        guard.require(roles.HOTLINE_READ)
        raise errors.work_order_not_found()
    guard.require(roles.HOTLINE_READ, row.area_code)
    return row


def _people(session: Session, ids: set[str]) -> dict[str, str]:
    found = session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(ids)))
    return {str(row[0]): str(row[1]) for row in found}


def _of_order(session: Session, model: Any, order_id: str) -> list[Any]:
    query = select(model).where(model.order_id == order_id).order_by(model.id)
    return list(session.scalars(query).all())


def _change(c: WorkOrderChange) -> dict[str, Any]:
    return {
        "version": c.version,
        "source": c.source,
        "changed": loads(c.changed),
        "status_from": c.status_from,
        "status_to": c.status_to,
        "at": as_utc(c.at),
    }


def _supervisor(w: WorkOrderSupervision, names: dict[str, str]) -> dict[str, Any]:
    return {
        "deputy_id": w.deputy_id,
        "deputy_name": names.get(w.deputy_id, ""),
        "note": w.note,
        "since": as_utc(w.since),
        "rating": w.rating,
        "rating_comment": w.rating_comment,
        "rated_at": as_utc(w.rated_at) if w.rated_at else None,
    }


def work_order_detail(
    session: Session, guard: Guard, row: WorkOrder, me: str | None
) -> dict[str, Any]:
    """The order; the caller's contact for congress staff and admins and for the deputies
    supervising it (who may call the resident back), null for anyone else."""
    changes = _of_order(session, WorkOrderChange, row.id)
    watching = _of_order(session, WorkOrderSupervision, row.id)
    staff = bool(set(guard.principal.roles) & roles.KEEP)
    contact = staff or (me is not None and me in {w.deputy_id for w in watching})
    urges = _of_order(session, WorkOrderUrge, row.id)
    names = _people(session, {w.deputy_id for w in watching} | {u.deputy_id for u in urges})
    view = {
        **work_order_summary(session, row, me, today()),
        "channel": row.channel,
        "content": row.content,
        "address": row.address,
        "limit_source": row.limit_source,
        "return_visit": row.return_visit,
        "closed_at": as_utc(row.closed_at) if row.closed_at else None,
        "version": row.version,
        "resident": {
            "name": row.resident_name if contact else None,
            "phone": row.resident_phone if contact else None,
        },
        "history": [_change(c) for c in changes],
        "supervision": [_supervisor(w, names) for w in watching],
        "urges": [
            {
                "deputy_id": u.deputy_id,
                "deputy_name": names.get(u.deputy_id, ""),
                "text": u.text,
                "at": as_utc(u.at),
            }
            for u in urges
        ],
    }
    return dump(contract.WorkOrderDetail, view)


def get_work_order(session: Session, guard: Guard, order_id: str) -> dict[str, Any]:
    row = load_work_order(session, guard, order_id)
    me = deputy_of(session, guard.principal)
    return work_order_detail(session, guard, row, me.id if me else None)
