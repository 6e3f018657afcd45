"""12345 hotline work orders (12345 热线工单), pure: standard library only.

An order arrives from the 12345 system as JSON (the import's `orders`, or one webhook body) or
as a CSV row with Chinese headers; both are plain text fields, checked here the same way, every
problem named by its row. Fields (JSON key / CSV header): order_no 工单编号, received_at
受理时间 (ISO 8601; without an offset it is Beijing time), channel 来源渠道, order_type 工单类型,
category 业务分类, title 标题?, content 诉求内容, area_code 地区代码, address 事发地址?,
handling_unit 承办单位, time_limit_days 办理时限?, status 状态, closed_at 办结时间?, return_visit
回访结果?, and the caller resident_name 来电人? and resident_phone 联系电话? (staff views only).

Time limits (办理时限) default by type in working days, Guangdong's published 12345 rules:
咨询 2, 求助 and 建议 10, 投诉 and 举报 15; an area may set its own per type (data, inherited
down the tree), and an order that carries its own limit keeps it. The due day is the n-th
working day after the day received (Beijing), on petition's working-day calendar.

`fingerprint` is what makes the webhook idempotent: the same order number with the same
content is the same delivery; with other content it is an update (history kept).
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

from servicekit.rows import ImportRefused, RowProblem

BEIJING = timezone(timedelta(hours=8))
TYPES = ("consult", "help", "suggest", "complaint", "report")
TYPE_NAMES = {"consult": "咨询", "help": "求助", "suggest": "建议", "complaint": "投诉",
              "report": "举报"}  # fmt: skip
DEFAULT_LIMITS = {"consult": 2, "help": 10, "suggest": 10, "complaint": 15, "report": 15}
MAX_LIMIT_DAYS = 120
CHANNELS = ("phone", "web", "wechat", "app", "sms", "other")
CHANNEL_NAMES = {"phone": "电话", "web": "网站", "wechat": "微信", "app": "移动端", "sms": "短信",
                 "other": "其他"}  # fmt: skip
STATUSES = ("received", "dispatched", "handling", "returned", "closed")
STATUS_NAMES = {"received": "已受理", "dispatched": "已派单", "handling": "办理中",
                "returned": "已退回", "closed": "已办结"}  # fmt: skip
VISITS = ("satisfied", "basically", "dissatisfied", "unreached")
VISIT_NAMES = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意",
               "unreached": "未回访"}  # fmt: skip


def _words(names: Mapping[str, str], *more: tuple[str, str]) -> dict[str, str]:
    return {**{k: k for k in names}, **{v: k for k, v in names.items()}, **dict(more)}


TYPE_WORDS = _words(TYPE_NAMES)
CHANNEL_WORDS = _words(CHANNEL_NAMES, ("网络", "web"), ("APP", "app"), ("小程序", "app"))
STATUS_WORDS = _words(
    STATUS_NAMES, ("办结", "closed"), ("已归档", "closed"), ("派单", "dispatched")
)
VISIT_WORDS = _words(VISIT_NAMES, ("", ""))

COLUMNS = {
    "工单编号": "order_no", "受理时间": "received_at", "来源渠道": "channel", "渠道": "channel",
    "工单类型": "order_type", "类型": "order_type", "业务分类": "category", "分类": "category",
    "标题": "title", "诉求内容": "content", "内容": "content", "地区代码": "area_code",
    "事发地址": "address", "地址": "address", "承办单位": "handling_unit",
    "办理时限": "time_limit_days", "状态": "status", "办结时间": "closed_at",
    "回访结果": "return_visit", "来电人": "resident_name", "联系电话": "resident_phone",
}  # fmt: skip
FIELDS = tuple(dict.fromkeys(COLUMNS.values()))
REQUIRED = ("order_no", "received_at", "channel", "order_type", "category", "content",
            "area_code", "handling_unit", "status")  # fmt: skip
LIMITS = {"order_no": 40, "category": 50, "title": 100, "content": 4000, "address": 200,
          "handling_unit": 100, "resident_name": 50, "resident_phone": 24}  # fmt: skip
ORDER_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
AREA_CODE = re.compile(r"^[0-9]{6}([0-9]{3})?$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
MAX_ROWS = 5000


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...


@dataclass(frozen=True)
class OrderRow:
    line: int
    order_no: str
    received_at: datetime  # UTC
    channel: str
    order_type: str
    category: str
    title: str | None
    content: str
    area_code: str
    address: str | None
    handling_unit: str
    time_limit_days: int | None  # None: the area's default for the type
    status: str
    closed_at: datetime | None
    return_visit: str | None
    resident_name: str | None = field(default=None, repr=False)
    resident_phone: str | None = field(default=None, repr=False)

    def fingerprint(self) -> str:
        """sha256 over every field but the row's line: equal for a redelivery, changed by any
        change of content."""
        values = {k: v for k, v in asdict(self).items() if k != "line"}
        text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def parse_time(text: str) -> datetime:
    """ISO 8601 (a space for the T is fine); no offset means Beijing time. ValueError else."""
    moment = datetime.fromisoformat(text.strip().replace("/", "-"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(UTC)


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def _text_errors(values: Mapping[str, str]) -> dict[str, str]:
    errors = {name: "必填 (required)" for name in REQUIRED if not values.get(name)}
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = f"不超过 {limit} 个字符 (at most {limit} characters)"
    number = values.get("order_no")
    if number and "order_no" not in errors and not ORDER_NO.fullmatch(number):
        errors["order_no"] = "工单编号仅含字母、数字、-、_ (letters, digits, - and _)"
    if values.get("area_code") and not AREA_CODE.fullmatch(values["area_code"]):
        errors["area_code"] = "应为 6 位或 9 位数字 (6 or 9 digits)"
    phone = values.get("resident_phone")
    if phone and "resident_phone" not in errors and not PHONE.fullmatch(phone):
        errors["resident_phone"] = "电话号码格式不正确 (not a phone number)"
    return errors


def _word_errors(values: Mapping[str, str]) -> dict[str, str]:
    checks = (
        ("channel", CHANNEL_WORDS, "电话、网站、微信、移动端、短信或其他"),
        ("order_type", TYPE_WORDS, "咨询、求助、建议、投诉或举报"),
        ("status", STATUS_WORDS, "已受理、已派单、办理中、已退回或已办结"),
        ("return_visit", VISIT_WORDS, "满意、基本满意、不满意或未回访"),
    )
    return {
        name: f"应为{allowed} (one of: {', '.join(words.values())})"
        for name, words, allowed in checks
        if values.get(name) and values[name] not in words
    }


def _time_errors(values: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("received_at", "closed_at"):
        if values.get(name):
            try:
                parse_time(values[name])
            except ValueError:
                errors[name] = "时间格式应为 2026-11-02T09:30:00+08:00 (ISO 8601)"
    limit = values.get("time_limit_days")
    if limit and not (limit.isdigit() and 1 <= int(limit) <= MAX_LIMIT_DAYS):
        errors["time_limit_days"] = f"应为 1 到 {MAX_LIMIT_DAYS} 个工作日 (1 to {MAX_LIMIT_DAYS})"
    closed = STATUS_WORDS.get(values.get("status") or "") == "closed"
    if closed and not values.get("closed_at"):
        errors["closed_at"] = "已办结的工单须填写办结时间 (a closed order needs closed_at)"
    both = not errors and values.get("closed_at") and values.get("received_at")
    if both and parse_time(values["closed_at"]) < parse_time(values["received_at"]):
        errors["closed_at"] = "办结时间早于受理时间 (closed before received)"
    return errors


def problems_of(values: Mapping[str, str]) -> dict[str, str]:
    return {**_time_errors(values), **_word_errors(values), **_text_errors(values)}


def order_of(line: int, values: Mapping[str, str]) -> OrderRow:
    """A checked row (problems_of found nothing) as an order."""

    def get(name: str) -> str | None:
        return values.get(name) or None

    limit, closed, visit = get("time_limit_days"), get("closed_at"), get("return_visit")
    return OrderRow(
        line=line,
        order_no=values["order_no"],
        received_at=parse_time(values["received_at"]),
        channel=CHANNEL_WORDS[values["channel"]],
        order_type=TYPE_WORDS[values["order_type"]],
        category=values["category"],
        title=get("title"),
        content=values["content"],
        area_code=values["area_code"],
        address=get("address"),
        handling_unit=values["handling_unit"],
        time_limit_days=int(limit) if limit else None,
        status=STATUS_WORDS[values["status"]],
        closed_at=parse_time(closed) if closed else None,
        return_visit=VISIT_WORDS[visit] if visit else None,
        resident_name=get("resident_name"),
        resident_phone=get("resident_phone"),
    )


def csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line, values by field) of a CSV file with Chinese (or the JSON keys as) headers."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise ImportRefused("文件为空 (the file is empty)") from None
    names = [COLUMNS.get(cell, cell if cell in FIELDS else None) for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportRefused(f"表头缺少列 (header lacks columns): {', '.join(missing)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if any(cell.strip() for cell in row):
            rows.append((line, {n: c.strip() for n, c in zip(names, row, strict=False) if n}))
    return rows


def parse_rows(
    rows: list[tuple[int, Mapping[str, str]]],
) -> tuple[list[OrderRow], list[RowProblem]]:
    """The good rows as orders and every problem of the others, by its line (CSV) or its
    position (JSON, from 1); an order number twice in one file is a problem too."""
    if len(rows) > MAX_ROWS:
        raise ImportRefused(f"一次最多导入 {MAX_ROWS} 条工单 (at most {MAX_ROWS} orders)")
    if not rows:
        raise ImportRefused("没有工单 (no orders)")
    orders: list[OrderRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, values in rows:
        errors = problems_of(values)
        number = values.get("order_no") or ""
        if number and number in seen:
            errors["order_no"] = f"与第 {seen[number]} 行重复 (repeats {seen[number]})"
        seen.setdefault(number, line)
        if errors:
            problems.append(RowProblem(line, errors))
        else:
            orders.append(order_of(line, values))
    return orders, problems


def parse(rows: list[tuple[int, Mapping[str, str]]]) -> list[OrderRow]:
    """Every row an order, or ImportRefused naming every problem."""
    orders, problems = parse_rows(rows)
    if problems:
        raise ImportRefused(refusal(len(problems)), problems)
    return orders


def refusal(count: int) -> str:
    return f"有 {count} 行错误，未导入任何工单 ({count} bad row(s): nothing imported)"


def time_limit(order_type: str, area_rules: Mapping[str, int]) -> int:
    """Working days for the type: the area's own (nearest rule up the tree) or the default."""
    return area_rules.get(order_type, DEFAULT_LIMITS[order_type])


def due_day(received_at: datetime, days: int, calendar: Calendar) -> date:
    """The n-th working day after the Beijing day received (UnknownYear propagates)."""
    return calendar.add_working_days(beijing_day(received_at), days)


def is_overdue(due: date | None, status: str, closed_at: datetime | None, today: date) -> bool:
    """Open past its due day, or closed after it."""
    if due is None:
        return False
    if status == "closed" and closed_at is not None:
        return beijing_day(closed_at) > due
    return today > due
