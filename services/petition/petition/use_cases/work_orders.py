"""12345 work orders in (工单接入): imported by congress staff (JSON or CSV, all or nothing,
every bad row named) or delivered one at a time by the hotline's signed webhook. Both land in
`receive_rows`: a new order number is created, the same content again changes nothing and
answers what it answered before, other content updates the order and keeps a version in its
history (which fields changed, never their values). Every order gets its time limit: its own,
else its area's for its type (nearest up the tree), else the default (咨询 2, 求助/建议 10,
投诉/举报 15 working days), the due day on petition's working-day calendar — an order in a
year the calendar does not know is refused, never guessed.

The caller's name and phone go into the order's row and nowhere else.
"""

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any, Protocol

from contracts import work_orders as contract
from servicekit import areas, idempotency
from servicekit import push as signing
from servicekit.auth import Guard
from servicekit.errors import RuleViolation
from servicekit.validation import dump
from servicekit.workcalendar import UnknownYear, WorkCalendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.work_orders import HotlineTimeLimit, WorkOrder, WorkOrderChange
from ..domain import work_orders as domain
from ..metrics import WEBHOOK_REFUSALS, WORK_ORDERS_RECEIVED
from . import calendar
from .common import area, dumps

UNKNOWN_YEAR = (
    "该年节假日安排未知，请管理员先录入 (the year's working days are unknown: enter them)"
)
COMPARED = tuple(f for f in domain.FIELDS if f not in ("resident_name", "resident_phone"))


class Inbound(Protocol):
    """The webhook's shared secret (PETITION_HOTLINE_SECRET; empty: the webhook is off)."""

    inbound_secret: bytes


def area_limits(session: Session, place: areas.Area) -> dict[str, tuple[int, str]]:
    """Type → (working days, "area" | "default") for orders of `place`: the nearest rule up
    the tree (an area's own over its ancestors'), else the default."""
    ancestors = [code for code in place.path.strip("/").split("/") if code]
    rows = session.scalars(
        select(HotlineTimeLimit).where(HotlineTimeLimit.area_code.in_(ancestors))
    )
    depth = {code: n for n, code in enumerate(ancestors)}
    found: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.order_type not in found or depth[row.area_code] > found[row.order_type][1]:
            found[row.order_type] = (row.days, depth[row.area_code])
    limits = {t: (days, "default") for t, days in domain.DEFAULT_LIMITS.items()}
    return limits | {t: (days, "area") for t, (days, _) in found.items()}


def _place_problems(
    session: Session, order: domain.OrderRow, scope: areas.Area | None
) -> dict[str, str]:
    place = areas.load().get(order.area_code)
    if place is None:
        return {"area_code": f"未知地区 (unknown area) {order.area_code}"}
    if scope is not None and not areas.load().within(place.code, scope.code):
        return {"area_code": f"不在导入地区范围内 (outside the importing area) {place.code}"}
    held = session.scalar(select(WorkOrder.area_path).where(WorkOrder.order_no == order.order_no))
    if scope is not None and held is not None and not held.startswith(scope.path):
        return {"order_no": "该工单属于其他地区 (this order belongs to another area)"}
    return {}


def _timed(
    session: Session, order: domain.OrderRow, work: WorkCalendar
) -> tuple[int, str, Any] | dict[str, str]:
    """(days, source, due day) of an order, or the problem with its year."""
    limits = area_limits(session, area(order.area_code))
    days, source = limits[order.order_type]
    if order.time_limit_days is not None:
        days, source = order.time_limit_days, "order"
    try:
        return days, source, domain.due_day(order.received_at, days, work)
    except UnknownYear as exc:
        return {"received_at": f"{exc.year} 年{UNKNOWN_YEAR}"}


def _checked(
    session: Session,
    guard: Guard,
    parsed: tuple[list[domain.OrderRow], list[domain.RowProblem]],
    scope: areas.Area | None,
) -> list[tuple[domain.OrderRow, tuple[int, str, Any]]]:
    """Every row with its time limit, or a 422 naming every row's problem (the text's, the
    area's, the calendar's), nothing written."""
    orders, problems = parsed
    work = calendar.work_calendar(session)
    done = []
    for order in orders:
        timed = _timed(session, order, work)
        found = _place_problems(session, order, scope)
        if isinstance(timed, dict):
            calendar.refused(guard.level, UnknownYear(order.received_at.year))
            found |= timed
        if found:
            problems.append(domain.RowProblem(order.line, found))
        elif not isinstance(timed, dict):
            done.append((order, timed))
    if problems:
        rows = [p.as_dict() for p in sorted(problems, key=lambda p: p.line)]
        raise errors.rule(domain.refusal(len(problems)), {"rows": rows})
    return done


def _changed(row: WorkOrder, order: domain.OrderRow, days: int, due: Any) -> list[str]:
    values = asdict(order)
    names = [f for f in COMPARED if f != "time_limit_days" and getattr(row, f) != values[f]]
    if (row.resident_name, row.resident_phone) != (order.resident_name, order.resident_phone):
        names.append("resident")
    if (row.time_limit_days, row.due_on) != (days, due):
        names.append("time_limit_days")
    return names


def _write(
    session: Session,
    order: domain.OrderRow,
    timed: tuple[int, str, Any],
    source: str,
    by: str | None,
    now: datetime,
) -> tuple[WorkOrder, str]:
    """Create, update or leave the order: (its row, created | updated | unchanged)."""
    found = session.scalars(select(WorkOrder).where(WorkOrder.order_no == order.order_no)).first()
    fingerprint = order.fingerprint()
    if found is not None and found.fingerprint == fingerprint:
        return found, "unchanged"
    days, limit_source, due = timed
    if found is None:
        found = WorkOrder(id=str(uuid.uuid4()), order_no=order.order_no, version=0,
                          created_at=now, matter_id=None)  # fmt: skip
        session.add(found)
        changed, status_from = [], None
    else:
        changed, status_from = _changed(found, order, days, due), found.status
    place = area(order.area_code)
    for name in domain.FIELDS:
        if name not in ("order_no", "time_limit_days"):
            setattr(found, name, getattr(order, name))
    found.received_on = domain.beijing_day(order.received_at)
    found.area_path, found.level = place.path, place.level
    found.time_limit_days, found.limit_source, found.due_on = days, limit_source, due
    found.fingerprint, found.version, found.updated_at = fingerprint, found.version + 1, now
    session.flush()
    session.add(
        WorkOrderChange(order_id=found.id, version=found.version, source=source,
                        changed=dumps(changed), status_from=status_from, status_to=order.status,
                        fingerprint=fingerprint, by=by, at=now)
    )  # fmt: skip
    return found, "created" if status_from is None else "updated"


def _rows_of(data: Mapping[str, Any]) -> list[tuple[int, Mapping[str, str]]]:
    if (data.get("orders") is None) == (data.get("csv") is None):
        raise errors.invalid("请提供 orders（JSON）或 csv 之一 (orders or csv, one of the two)",
                             "orders")  # fmt: skip
    if data.get("csv") is not None:
        try:
            return domain.csv_rows(data["csv"])
        except domain.ImportRefused as exc:
            raise errors.rule(exc.message, {"rows": []}) from None
    return [(n, _texts(o)) for n, o in enumerate(data["orders"], start=1)]


def _texts(order: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in order.items() if v is not None}


def _parsed(
    rows: list[tuple[int, Mapping[str, str]]],
) -> tuple[list[domain.OrderRow], list[domain.RowProblem]]:
    try:
        return domain.parse_rows(rows)
    except domain.ImportRefused as exc:
        raise errors.rule(exc.message, {"rows": []}) from None


def import_work_orders(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    """{area_code, orders | csv} → every order created, updated or unchanged in one
    transaction, or 422 naming every bad row (its CSV line, or its place in `orders` from 1)."""
    scope = area(data["area_code"])
    principal = guard.require(roles.HOTLINE_KEEP, scope.code)
    checked = _checked(session, guard, _parsed(_rows_of(data)), scope)
    outcomes: list[str] = []

    def create() -> dict[str, Any]:
        done = [_write(session, o, t, "import", principal.user_id, now) for o, t in checked]
        outcomes.extend(outcome for _, outcome in done)
        counts = {name: outcomes.count(name) for name in contract.OUTCOMES}
        items = [{"id": r.id, "order_no": r.order_no, "outcome": o} for r, o in done]
        result = {"area_code": scope.code, "imported": len(done), **counts, "orders": items}
        return dump(contract.WorkOrderImportResult, result)

    def then() -> None:
        for outcome in outcomes:
            WORK_ORDERS_RECEIVED.inc(guard.level, source="import", outcome=outcome)

    scope_key = idempotency.scope_of("import_work_orders", principal)
    return idempotency.create_once(session, scope_key, idempotency.Request(key, data), create, then)


def _refuse_delivery(guard: Guard, reason: str) -> Exception:
    WEBHOOK_REFUSALS.inc(guard.level, reason=reason)
    if reason in ("malformed", "invalid"):
        return errors.invalid("工单内容有误 (the order is malformed)", "body")
    return errors.unsigned(reason)


def _delivered_order(body: str) -> dict[str, str]:
    try:
        loaded = json.loads(body)
    except ValueError:
        loaded = None
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise ValueError("not an object")
    return _texts(loaded)


def receive_work_order(
    session: Session,
    guard: Guard,
    inbound: Inbound,
    data: dict[str, Any],
    now: datetime,
    clock: Callable[[], float],
) -> dict[str, Any]:
    """The webhook: {body, timestamp, signature} → the order's receipt. Refused (401) unless
    the signature covers the body and the timestamp is fresh; the same content again answers
    the same receipt."""
    body = data["body"].encode()
    reason = signing.verify(inbound.inbound_secret, data.get("timestamp"),
                            data.get("signature"), body, clock())  # fmt: skip
    if not inbound.inbound_secret:
        reason = "not_configured"
    if reason is not None:
        raise _refuse_delivery(guard, reason)
    try:
        values = _delivered_order(data["body"])
    except ValueError:
        raise _refuse_delivery(guard, "malformed") from None
    try:
        parsed = _parsed([(1, values)])
        ((order, timed),) = _checked(session, guard, parsed, None)
    except RuleViolation:
        WEBHOOK_REFUSALS.inc(guard.level, reason="invalid")
        raise
    try:
        row, outcome = _write(session, order, timed, "webhook", None, now)
        session.commit()
    except IntegrityError:
        # Two deliveries of one new order at once: the other created it; ours compares again.
        session.rollback()
        row, outcome = _write(session, order, timed, "webhook", None, now)
        session.commit()
    WORK_ORDERS_RECEIVED.inc(guard.level, source="webhook", outcome=outcome)
    return dump(
        contract.WorkOrderReceipt,
        {"id": row.id, "order_no": row.order_no, "version": row.version, "status": row.status,
         "due_on": row.due_on},
    )  # fmt: skip
