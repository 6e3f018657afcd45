"""Studying public sentiment from the hotline's orders (利用热线数据库开展社情民意调查研究), pure:
standard library only. Three views of an area's orders over a period:

- **counts** by month (Beijing), category and area: what people call about, where, and when;
- **repeat complaints** (重复投诉): complaints and reports (投诉、举报) about the same place or
  the same subject. Two orders are about the same place when they are in the same area and
  their addresses are equal once normalized (NFKC, lower case, no spaces, punctuation or
  symbols); about the same subject when, in the same area, their titles are equal once
  normalized the same way. A normalized key shorter than 4 characters says too little ("无",
  "小区") and is not compared. Orders sharing a key, in the order received, form one group as
  long as each arrives within 90 days of the one before; a group of two or more is a repeat.
  An order may be in a place group and in a subject group;
- **the slowest handling units** (承办单位): per unit, its orders, how many closed, the mean and
  longest time to close in days (calendar time from received to closed, to 0.1 day), and how
  many went past their time limit (closed after the due day, or open past it); ranked by the
  mean time to close, then by the overdue count.
"""

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .work_orders import beijing_day, is_overdue

REPEAT_TYPES = frozenset({"complaint", "report"})
REPEAT_WINDOW = timedelta(days=90)
MIN_KEY_CHARS = 4
SLOWEST = 10
MAX_LISTED = 20  # order numbers shown per repeat group


@dataclass(frozen=True)
class StudyOrder:
    id: str
    order_no: str
    order_type: str
    category: str
    title: str | None
    area_code: str
    address: str | None
    handling_unit: str
    status: str
    received_at: datetime
    closed_at: datetime | None
    due_on: date | None


@dataclass(frozen=True)
class RepeatGroup:
    kind: str  # place / subject
    area_code: str
    text: str  # the first order's address or title, as written
    orders: tuple[StudyOrder, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "area_code": self.area_code,
            "text": self.text,
            "count": len(self.orders),
            "first_received_at": self.orders[0].received_at,
            "last_received_at": self.orders[-1].received_at,
            "open": sum(1 for o in self.orders if o.status != "closed"),
            "order_ids": [o.id for o in self.orders[:MAX_LISTED]],
            "order_nos": [o.order_no for o in self.orders[:MAX_LISTED]],
        }


def normalize(text: str | None) -> str:
    """NFKC, lower case, without spaces, punctuation or symbols: "迎宾路 18号（东门）" and
    "迎宾路18号东门" are one place."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


def _chains(orders: list[StudyOrder]) -> list[list[StudyOrder]]:
    chains: list[list[StudyOrder]] = []
    for order in sorted(orders, key=lambda o: (o.received_at, o.order_no)):
        if chains and order.received_at - chains[-1][-1].received_at <= REPEAT_WINDOW:
            chains[-1].append(order)
        else:
            chains.append([order])
    return chains


def repeats(orders: Iterable[StudyOrder]) -> list[RepeatGroup]:
    """The repeat groups, largest first (then the latest)."""
    keyed: dict[tuple[str, str, str], list[StudyOrder]] = defaultdict(list)
    for order in orders:
        if order.order_type not in REPEAT_TYPES:
            continue
        for kind, text in (("place", order.address), ("subject", order.title)):
            key = normalize(text)
            if len(key) >= MIN_KEY_CHARS:
                keyed[(kind, order.area_code, key)].append(order)
    groups = []
    for (kind, area_code, _), members in keyed.items():
        for chain in _chains(members):
            if len(chain) >= 2:
                first = chain[0]
                text = (first.address if kind == "place" else first.title) or ""
                groups.append(RepeatGroup(kind, area_code, text, tuple(chain)))
    return sorted(groups, key=lambda g: (-len(g.orders), -g.orders[-1].received_at.timestamp()))


def _days(order: StudyOrder) -> float | None:
    if order.closed_at is None:
        return None
    return (order.closed_at - order.received_at).total_seconds() / 86400


def slowest_units(orders: Iterable[StudyOrder], today: date) -> list[dict[str, object]]:
    by_unit: dict[str, list[StudyOrder]] = defaultdict(list)
    for order in orders:
        by_unit[order.handling_unit].append(order)
    rows = []
    for unit, members in by_unit.items():
        times = [d for d in map(_days, members) if d is not None]
        late = sum(1 for o in members if is_overdue(o.due_on, o.status, o.closed_at, today))
        rows.append(
            {
                "handling_unit": unit,
                "orders": len(members),
                "closed": len(times),
                "mean_days": round(sum(times) / len(times), 1) if times else None,
                "max_days": round(max(times), 1) if times else None,
                "overdue": late,
            }
        )
    return sorted(rows, key=_slowness)[:SLOWEST]


def _slowness(row: dict[str, object]) -> tuple[float, int, str]:
    mean = row["mean_days"]
    overdue = row["overdue"]
    assert isinstance(overdue, int)
    return (-(float(mean) if isinstance(mean, float | int) else -1.0), -overdue,
            str(row["handling_unit"]))  # fmt: skip


def counts(
    orders: Sequence[StudyOrder], area_of: Callable[[str], str]
) -> dict[str, list[dict[str, object]]]:
    """By month, by category, by area (`area_of`: the child area an order's area lies in), and
    the full cross of the three."""
    months: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    cross: Counter[tuple[str, str, str]] = Counter()
    for order in orders:
        month = beijing_day(order.received_at).strftime("%Y-%m")
        where = area_of(order.area_code)
        months[month] += 1
        categories[order.category] += 1
        areas[where] += 1
        cross[(month, where, order.category)] += 1
    return {
        "by_month": [{"month": m, "count": n} for m, n in sorted(months.items())],
        "by_category": [{"category": c, "count": n} for c, n in categories.most_common()],
        "by_area": [{"area_code": a, "count": n} for a, n in sorted(areas.items())],
        "rows": [
            {"month": m, "area_code": a, "category": c, "count": n}
            for (m, a, c), n in sorted(cross.items())
        ],
    }
