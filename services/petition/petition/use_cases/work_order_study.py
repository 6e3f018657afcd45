"""The hotline study (利用热线数据库开展社情民意调查研究) and the hotline's time limits per area.

The report: an area's orders (and below) received in a period — counts by month, category and
child area (and their cross), repeat complaints about one place or subject, the slowest
handling units (rules: domain.hotline_study) — as JSON, and as an Excel workbook or a CSV file
with Chinese headers (servicekit.tables quotes what would start a formula). Each repeat group
names its orders, from which a deputy opens a matter (open_matter_from_work_order) and, from
the matter, a proposal (the matter's `convert`).

Time limits: an area's own working days per order type, inherited by the areas under it that
have none; the rest are the defaults (咨询 2, 求助/建议 10, 投诉/举报 15).
"""

import base64
from datetime import datetime
from typing import Any

from contracts import work_orders as contract
from contracts.reports import CONTENT_TYPES
from servicekit import areas
from servicekit import tables as exports
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import roles
from ..db.work_orders import HotlineTimeLimit, WorkOrder
from ..domain import hotline_study as study
from .common import area, area_name, today
from .work_orders import area_limits

REPEAT_RULE = (
    "同一地区内，投诉、举报工单的事发地址（或标题）规范化后相同（全角半角、大小写、空格与标点不计，"
    "至少 4 个字），且相邻两单受理间隔不超过 90 天，视为重复投诉 (same area, same normalized "
    "address or title, each within 90 days of the one before: complaints and reports only)"
)


def _orders(session: Session, place: areas.Area, data: dict[str, Any]) -> list[study.StudyOrder]:
    query = select(WorkOrder).where(WorkOrder.area_path.startswith(place.path, autoescape=True))
    if data.get("since"):
        query = query.where(WorkOrder.received_on >= data["since"])
    if data.get("until"):
        query = query.where(WorkOrder.received_on <= data["until"])
    return [
        study.StudyOrder(r.id, r.order_no, r.order_type, r.category, r.title, r.area_code,
                         r.address, r.handling_unit, r.status, r.received_at, r.closed_at,
                         r.due_on)
        for r in session.scalars(query.order_by(WorkOrder.received_at))
    ]  # fmt: skip


def _child_of(place: areas.Area) -> Any:
    tree = areas.load()
    children = [child.code for child in tree.children(place.code)]

    def child(code: str) -> str:
        return next((c for c in children if tree.within(code, c)), place.code)

    return child


def hotline_report(session: Session, place: areas.Area, data: dict[str, Any]) -> dict[str, Any]:
    orders = _orders(session, place, data)
    counted = study.counts(orders, _child_of(place))
    for row in counted["by_area"] + counted["rows"]:
        row["area_name"] = area_name(str(row["area_code"]))
    groups = [g.as_dict() | {"area_name": area_name(g.area_code)} for g in study.repeats(orders)]
    report = {
        "area_code": place.code, "area_name": place.name, "since": data.get("since"),
        "until": data.get("until"), "orders": len(orders), **counted, "repeats": groups,
        "repeat_rule": REPEAT_RULE, "slowest_units": study.slowest_units(orders, today()),
    }  # fmt: skip
    return report


def get_hotline_report(session: Session, guard: Guard, data: dict[str, Any]) -> dict[str, Any]:
    place = area(data["area_code"])
    guard.require(roles.HOTLINE_READ, place.code)
    return dump(contract.HotlineReport, hotline_report(session, place, data))


def _tables(report: dict[str, Any]) -> list[exports.Table]:
    repeats = [
        [("地址" if g["kind"] == "place" else "标题"), g["area_name"], g["text"], g["count"],
         g["open"], exports.beijing(g["first_received_at"]), exports.beijing(g["last_received_at"]),
         "、".join(g["order_nos"])]
        for g in report["repeats"]
    ]  # fmt: skip
    slow = [[u["handling_unit"], u["orders"], u["closed"], u["mean_days"], u["max_days"],
             u["overdue"]] for u in report["slowest_units"]]  # fmt: skip
    return [
        exports.Table("counts", "工单统计", ("月份", "地区", "业务分类", "工单数"),
                      [[r["month"], r["area_name"], r["category"], r["count"]]
                       for r in report["rows"]]),
        exports.Table("repeats", "重复投诉", ("依据", "地区", "地址或标题", "工单数", "未办结",
                      "首次受理", "最近受理", "工单编号"), repeats),
        exports.Table("slowest", "承办单位办理时长", ("承办单位", "工单数", "已办结",
                      "平均办理天数", "最长办理天数", "超时"), slow),
    ]  # fmt: skip


def export_hotline_report(session: Session, guard: Guard, data: dict[str, Any]) -> dict[str, Any]:
    place = area(data["area_code"])
    guard.require(roles.HOTLINE_READ, place.code)
    shaped = _tables(hotline_report(session, place, data))
    fmt = data["format"]
    content = exports.to_csv_sections(shaped) if fmt == "csv" else exports.to_xlsx(shaped)
    return dump(
        contract.HotlineExport,
        {
            "file_name": f"12345热线社情民意_{place.name}.{fmt}",
            "ascii_file_name": f"hotline-{place.code}.{fmt}",
            "content_type": CONTENT_TYPES[fmt],
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )


def _limits_view(session: Session, place: areas.Area) -> dict[str, Any]:
    limits = area_limits(session, place)
    return dump(contract.HotlineTimeLimits, {
        "area_code": place.code,
        "limits": {t: days for t, (days, _) in limits.items()},
        "sources": {t: source for t, (_, source) in limits.items()},
    })  # fmt: skip


def get_hotline_time_limits(session: Session, guard: Guard, area_code: str) -> dict[str, Any]:
    place = area(area_code)
    guard.require(roles.HOTLINE_READ, place.code)
    return _limits_view(session, place)


def put_hotline_time_limits(
    session: Session, guard: Guard, area_code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The area's own working days for the types given (others keep what they inherit). Orders
    already received keep their due day; new ones and updates get the new limit."""
    place = area(area_code)
    principal = guard.require(roles.HOTLINE_KEEP, place.code)
    for order_type, days in data["limits"].items():
        found = session.get(HotlineTimeLimit, (place.code, order_type))
        if found is None:
            found = HotlineTimeLimit(area_code=place.code, order_type=order_type)
            session.add(found)
        found.area_path, found.days = place.path, days
        found.updated_by, found.updated_at = principal.user_id or "", now
    session.commit()
    return _limits_view(session, place)
