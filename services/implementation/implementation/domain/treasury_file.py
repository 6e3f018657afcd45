"""Reading a file of treasury centralized payments (国库集中支付明细), pure: standard library
only. The formats are documented in the README ("Treasury import").

Two formats carry the same eight fields: CSV (UTF-8, with or without a byte-order mark, a
header row naming the columns in English or Chinese; unknown columns are ignored) and JSON (a
list of objects with the English names). Every row is checked and every problem reported with
its row, its field and a message, Chinese first: CSV rows count as a spreadsheet shows them
(the header is row 1, the first payment row 2), JSON rows from 1. Amounts are yuan with at
most two decimals, read exactly into integer fen; a negative amount is a reversal (冲销), zero
is no payment. A payment id twice in one file is refused at its second row, even when the two
rows agree: the treasury never exports one payment twice, so the file is not what it seems.

`read` answers the valid payments and the problems; the caller adds what only it knows (scope,
payments stored before) and refuses the file whole if any problem remains.
"""

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

FIELDS = (
    "payment_id",
    "mof_div_code",
    "fiscal_year",
    "pro_code",
    "voucher_no",
    "amount",
    "paid_on",
    "payee",
)
FIELD_NAMES = {
    "payment_id": "支付流水号",
    "mof_div_code": "财政区划代码",
    "fiscal_year": "预算年度",
    "pro_code": "项目代码",
    "voucher_no": "支付凭证号",
    "amount": "支付金额（元）",
    "paid_on": "支付日期",
    "payee": "收款单位",
}
HEADERS = {  # accepted CSV header (lower case, trimmed) → field
    **{name: name for name in FIELDS},
    **{chinese: name for name, chinese in FIELD_NAMES.items()},
    "支付金额": "amount",
    "金额": "amount",
    "金额（元）": "amount",
    "年度": "fiscal_year",
    "凭证号": "voucher_no",
    "收款人": "payee",
}
MAX_ROWS = 20_000
MAX_FEN = 5_000_000_000_00  # 50 亿元, as a budget source: a typo, not a payment
MAX_PAYEE = 200
CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_/-]{0,39}")  # payment id and voucher number
PRO_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,39}")
MOF_DIV_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3})?")
YEAR = re.compile(r"[0-9]{4}")
YUAN = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]+)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LINE_BREAKS = re.compile(r"[\t\r\n]")
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Payment:
    row: int
    payment_id: str  # 支付流水号: the treasury's id of the payment, unique
    mof_div_code: str
    fiscal_year: int
    pro_code: str
    voucher_no: str
    amount_fen: int
    paid_on: date
    payee: str

    def content(self) -> dict[str, Any]:
        """What the payment says, without where it stood in its file."""
        return {
            "mof_div_code": self.mof_div_code,
            "fiscal_year": self.fiscal_year,
            "pro_code": self.pro_code,
            "voucher_no": self.voucher_no,
            "amount_fen": self.amount_fen,
            "paid_on": self.paid_on,
            "payee": self.payee,
        }


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole (its header, its JSON)
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


def digest(area_code: str, year: int, file_format: str, text: str) -> str:
    """The same file imported again for the same area and year has the same digest (a
    byte-order mark does not count)."""
    canonical = f"{area_code}\n{year}\n{file_format}\n{text.removeprefix(chr(0xFEFF))}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fen_of(value: object) -> int | str:
    """Yuan as fen, exactly; or the message saying why not."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return "金额应为数字，单位元 (amount: a number of yuan)"
    text = str(value).strip()
    if not YUAN.fullmatch(text):
        return "金额应为元，如 1234.50，不含逗号或单位 (amount: yuan such as 1234.50)"
    amount = Decimal(text)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: the pattern says
        return "金额最多两位小数（精确到分）(amount: at most two decimals)"
    fen = int(amount * 100)
    if fen == 0:
        return "金额不能为 0 (amount: not zero)"
    if abs(fen) > MAX_FEN:
        return "金额超出上限 50 亿元 (amount: beyond 5,000,000,000 yuan)"
    return fen


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    return str(value).strip() if isinstance(value, str | int) else "\x00"  # \x00: not text


def _check_codes(values: dict[str, Any], year: int) -> tuple[dict[str, Any], dict[str, str]]:
    checks: list[tuple[str, re.Pattern[str], str]] = [
        ("payment_id", CODE, "支付流水号为字母、数字、-、_、/，至多 40 位 (payment_id)"),
        ("mof_div_code", MOF_DIV_CODE, "财政区划代码应为 6 或 9 位数字 (mof_div_code)"),
        ("pro_code", PRO_CODE, "项目代码为字母、数字、-、_，至多 40 位 (pro_code)"),
        ("voucher_no", CODE, "支付凭证号为字母、数字、-、_、/，至多 40 位 (voucher_no)"),
    ]
    good: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, pattern, message in checks:
        text = _text(values, name)
        if not text:
            errors[name] = "必填 (required)"
        elif not pattern.fullmatch(text):
            errors[name] = message
        else:
            good[name] = text
    fiscal = _text(values, "fiscal_year")
    if not YEAR.fullmatch(fiscal):
        errors["fiscal_year"] = "预算年度应为四位数字 (fiscal_year: four digits)"
    elif int(fiscal) != year:
        errors["fiscal_year"] = (
            f"预算年度应为本次导入的 {year} 年 (fiscal_year: this import is for {year})"
        )
    else:
        good["fiscal_year"] = year
    return good, errors


def _check_rest(values: dict[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    good: dict[str, Any] = {}
    errors: dict[str, str] = {}
    amount = values.get("amount")
    amount = amount.strip() if isinstance(amount, str) else amount
    fen = fen_of(amount)
    if amount is None or amount == "":
        errors["amount"] = "必填 (required)"
    elif isinstance(fen, str):
        errors["amount"] = fen
    else:
        good["amount_fen"] = fen
    day = _text(values, "paid_on")
    paid_on = _day(day)
    if not day:
        errors["paid_on"] = "必填 (required)"
    elif paid_on is None:
        errors["paid_on"] = "支付日期应为 YYYY-MM-DD，如 2026-06-30 (paid_on: YYYY-MM-DD)"
    elif paid_on > today:
        errors["paid_on"] = "支付日期不能晚于今天 (paid_on: in the future)"
    else:
        good["paid_on"] = paid_on
    payee = _text(values, "payee")
    if not payee:
        errors["payee"] = "必填 (required)"
    elif len(payee) > MAX_PAYEE or LINE_BREAKS.search(payee) or "\x00" in payee:
        errors["payee"] = (
            f"收款单位为一行文字，至多 {MAX_PAYEE} 字 (payee: one line, ≤ {MAX_PAYEE})"
        )
    else:
        good["payee"] = payee
    return good, errors


def _day(text: str) -> date | None:
    if not DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_row(row: int, values: dict[str, Any], year: int, today: date) -> Payment | list[RowError]:
    """One row's payment, or its problems (one per field, in the fields' order)."""
    codes, code_errors = _check_codes(values, year)
    rest, rest_errors = _check_rest(values, today)
    errors = {**code_errors, **rest_errors}
    if errors:
        order = {name: i for i, name in enumerate(FIELDS)}
        ranked = sorted(errors.items(), key=lambda item: order[item[0]])
        return [RowError(row, name, message) for name, message in ranked]
    return Payment(row=row, **codes, **rest)


def _csv_rows(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [RowError(None, None, "文件为空 (the file is empty)")]
    columns = [HEADERS.get(cell.strip().lower()) for cell in header]
    missing = [name for name in FIELDS if name not in columns]
    repeated = sorted({c for c, n in Counter(c for c in columns if c).items() if n > 1})
    problems = [
        RowError(1, name, f"表头缺少列 {name}（{FIELD_NAMES[name]}）(header lacks {name})")
        for name in missing
    ] + [RowError(1, name, f"表头重复列 {name} (repeated column {name})") for name in repeated]
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, e.g. a trailing one
            if len(cells) > len(columns):
                problems.append(RowError(number, None, "列数多于表头 (more cells than columns)"))
                continue
            rows.append((number, {c: v for c, v in zip(columns, cells, strict=False) if c}))
    except csv.Error as exc:
        problems.append(RowError(None, None, f"CSV 格式错误 (malformed CSV): {exc}"))
    return rows, problems


def _json_rows(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    try:
        document = json.loads(text.removeprefix("\ufeff"), parse_float=Decimal)
    except RecursionError:  # nesting deeper than the decoder follows
        return [], [RowError(None, None, "JSON 嵌套过深 (JSON nested too deeply)")]
    except ValueError as exc:
        where = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        message = f"JSON 格式错误（第 {where[0]} 行第 {where[1]} 列）(malformed JSON)"
        return [], [RowError(None, None, message)]
    if not isinstance(document, list):
        return [], [RowError(None, None, "JSON 应为支付记录的数组 (JSON: a list of payments)")]
    rows, problems = [], []
    for number, item in enumerate(document, start=1):
        if isinstance(item, dict):
            rows.append((number, item))
        else:
            problems.append(RowError(number, None, "每条支付记录应为对象 (a payment: an object)"))
    return rows, problems


def _repeated_ids(payments: Iterable[Payment]) -> list[RowError]:
    first: dict[str, int] = {}
    problems = []
    for payment in payments:
        seen = first.setdefault(payment.payment_id, payment.row)
        if seen != payment.row:
            message = f"支付流水号与第 {seen} 行重复 (payment_id repeats row {seen})"
            problems.append(RowError(payment.row, "payment_id", message))
    return problems


def read(
    text: str, file_format: str, year: int, today: date
) -> tuple[list[Payment], list[RowError]]:
    """The file's valid payments and every problem found, by row."""
    rows, problems = (_csv_rows if file_format == "csv" else _json_rows)(text)
    if len(rows) > MAX_ROWS:
        return [], [RowError(None, None, f"每个文件至多 {MAX_ROWS} 条 (at most {MAX_ROWS} rows)")]
    payments = []
    for number, values in rows:
        checked = check_row(number, values, year, today)
        if isinstance(checked, Payment):
            payments.append(checked)
        else:
            problems.extend(checked)
    problems += _repeated_ids(payments)
    if not rows and not problems:
        problems.append(RowError(None, None, "文件中没有支付记录 (no payments in the file)"))
    return payments, sort_errors(problems)


def sort_errors(problems: Iterable[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(FIELDS)}
    return sorted(problems, key=lambda p: (p.row or 0, order.get(p.field or "", -1), p.message))


def refusal_message(problems: list[RowError]) -> str:
    rows = len({p.row for p in problems if p.row is not None})
    where = f"{rows} 行" if rows else "文件"
    return (
        f"国库支付文件有 {len(problems)} 处错误（涉及{where}），未导入任何记录 "
        f"({len(problems)} problem(s): nothing was imported)"
    )
