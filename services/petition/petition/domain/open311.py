"""Open311 GeoReport v2 as petition speaks it, pure: service codes for the matter categories,
the open/closed status of a matter's finer state, W3C date-times in Beijing time (+08:00), the
promise a service makes (`service_notice`), and a matter as an Open311 service request.

What a request says is what the resident's tracking page says (title, state, result, steps):
never the resident's name, phone or email, never a note anyone wrote about it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)
CLOSED_STATES = ("resolved", "closed")  # 已办结 (awaiting the rating, or rated)
MAX_DAYS = 90
MAX_RECORDS = 1000

# ASCII codes for the matter categories (contracts.matters.MATTER_CATEGORIES): a code stays
# the same when a category's Chinese name is reworded, and it is safe in a URL.
SERVICE_CODES = {
    "教育": "education",
    "医疗卫生": "health",
    "养老托育": "care",
    "基础设施": "infrastructure",
    "老旧小区改造": "old-estates",
    "农村牧区人居环境": "rural-living",
    "交通出行": "transport",
    "就业创业": "jobs",
    "文化体育": "culture-sports",
    "矛盾纠纷": "disputes",
    "劳动社保": "labour-social-security",
    "物业管理": "property-management",
    "生态环境": "environment",
    "政策咨询": "policy-enquiry",
    "其他": "other",
}
CATEGORY_OF_CODE = {code: category for category, code in SERVICE_CODES.items()}
UNIT_WORDS = {"workday": "个工作日", "calendar_day": "日"}
START_WORDS = {"received": "自收到当日起算", "next_day": "自收到次日起算"}


class Open311Error(ValueError):
    """A request the spec's rules refuse (a date range, a status): the use case says 400."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Limit:
    """One time-limit rule as the promise needs it (petition.domain.timelimits.Rule)."""

    limit: int
    unit: str
    starts: str


def status_of(state: str) -> str:
    return CLOSED if state in CLOSED_STATES else OPEN


def w3c(moment: datetime) -> str:
    """2026-04-01T09:30:00+08:00: ISO 8601 with its offset, in Beijing time."""
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def end_of(day: date) -> str:
    """A time limit's last day, as the moment it runs out."""
    return w3c(datetime.combine(day, time(23, 59, 59), BEIJING))


def service_notice(accept: Limit, handle: Limit, max_extension: int) -> str:
    """The promise: '15 日内受理（自收到次日起算），60 日内办结，可延期一次，最多 30 日'."""
    words = (
        f"{accept.limit} {UNIT_WORDS[accept.unit]}内受理（{START_WORDS[accept.starts]}），"
        f"受理后 {handle.limit} {UNIT_WORDS[handle.unit]}内办结"
    )
    if max_extension:
        words += f"，情况复杂的可延期一次，最多 {max_extension} {UNIT_WORDS[handle.unit]}"
    return words


def service(category: str, notice: str) -> dict[str, object]:
    return {
        "service_code": SERVICE_CODES[category],
        "service_name": category,
        "description": f"向人大代表反映{category}方面的问题，由代表分级代办。{notice}",
        "metadata": False,
        "type": "realtime",
        "keywords": category,
        "group": "人大代表信访代办",
        "service_notice": notice,
    }


def definition(category: str) -> dict[str, object]:
    """No service asks for attributes beyond the standard fields."""
    return {"service_code": SERVICE_CODES[category], "attributes": []}


def codes(text: str | None, known: Iterable[str] | None = None) -> tuple[str, ...]:
    """A comma-separated list as the spec sends it; every item must be one of `known`."""
    items = tuple(dict.fromkeys(i.strip() for i in (text or "").split(",") if i.strip()))
    wanted = set(known) if known is not None else None
    if wanted is not None:
        unknown = [item for item in items if item not in wanted]
        if unknown:
            raise Open311Error("value", f"未知的取值 (unknown): {', '.join(unknown)}")
    return items


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The spec's range: at most 90 days; the latest 90 when neither end is given, the 90
    after `start` or before `end` when only one is."""
    span = timedelta(days=MAX_DAYS)
    if start is None:
        last = now if end is None else end
        return last - span, last
    if end is None:
        return start, start + span
    if end < start:
        raise Open311Error("end_date", "end_date 早于 start_date (end_date before start_date)")
    if end - start > span:
        raise Open311Error(
            "end_date", f"查询范围不能超过 {MAX_DAYS} 天 (the range spans more than 90 days)"
        )
    return start, end


@dataclass(frozen=True)
class MatterView:
    """What of a matter an Open311 request shows (built by petition.use_cases.open311)."""

    id: str
    category: str
    title: str
    state: str
    state_name: str
    tier: str | None
    tier_name: str | None
    level: str
    area_code: str
    agency: str
    result: str | None
    received_at: datetime
    updated_at: datetime
    due: date | None
    address: str
    lat: float | None
    lng: float | None
    notice: str


def request(view: MatterView) -> dict[str, object]:
    """A matter as an Open311 service request; our finer state in `extended_attributes`."""
    status = status_of(view.state)
    return {
        "service_request_id": view.id,
        "status": status,
        "status_notes": view.result if status == CLOSED and view.result else view.state_name,
        "service_name": view.category,
        "service_code": SERVICE_CODES.get(view.category, "other"),
        "description": view.title,
        "agency_responsible": view.agency,
        "service_notice": view.notice,
        "requested_datetime": w3c(view.received_at),
        "updated_datetime": w3c(view.updated_at),
        "expected_datetime": end_of(view.due) if view.due and status == OPEN else None,
        "address": view.address,
        "address_id": None,
        "zipcode": None,
        "lat": view.lat,
        "long": view.lng,
        "media_url": None,
        "extended_attributes": {
            "state": view.state,
            "state_name": view.state_name,
            "tier": view.tier,
            "tier_name": view.tier_name,
            "level": view.level,
            "area_code": view.area_code,
        },
    }


@dataclass(frozen=True)
class UpdateView:
    update_id: str
    service_request_id: str
    status: str  # the request's status after this update
    at: datetime
    description: str
    media_url: str | None = None


def statuses_after(actions: Sequence[str]) -> list[str]:
    """The request's status after each step, in order: 办结 closes it, 重新办理 opens it."""
    status, found = OPEN, []
    for action in actions:
        if action == "resolve":
            status = CLOSED
        elif action == "reopen":
            status = OPEN
        found.append(status)
    return found


def update(view: UpdateView) -> dict[str, object]:
    """A step of a matter as mySociety's request_update (status in upper case, as theirs)."""
    return {
        "update_id": view.update_id,
        "service_request_id": view.service_request_id,
        "status": view.status.upper(),
        "updated_datetime": w3c(view.at),
        "description": view.description,
        "media_url": view.media_url,
    }
