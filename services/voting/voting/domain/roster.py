"""Reading a congress roster (代表名册) from CSV, pure: standard library only.

Every row is checked and every problem reported with its line number; a roster with any problem
is refused whole, so nothing is ever half-imported. The roster's hash (bound into the audit log
when a session opens) covers number, name and delegation — never phones or account names.
"""

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass

from servicekit.rows import ImportRefused, RowProblem

from voting.domain.canonical import canonical_json

COLUMNS = {  # accepted header → field
    "代表证号": "number",
    "编号": "number",
    "number": "number",
    "姓名": "name",
    "name": "name",
    "代表团": "delegation",
    "delegation": "delegation",
    "电话": "phone",
    "phone": "phone",
    "账号": "username",
    "username": "username",
}
REQUIRED = ("number", "name", "delegation")
LIMITS = {"number": 32, "name": 50, "delegation": 100, "phone": 20, "username": 64}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
MAX_ROWS = 2000


@dataclass(frozen=True)
class Deputy:
    number: str
    name: str
    delegation: str
    phone: str | None
    username: str | None


RosterRefused = ImportRefused  # the roster's name for it


def _header(row: list[str]) -> list[str | None]:
    fields = [COLUMNS.get(cell.strip().lstrip("\ufeff").lower()) for cell in row]
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise RosterRefused(
            f"名册表头缺少列：{'、'.join(missing)}（应有 代表证号、姓名、代表团，可选 电话、账号）"
            f" (header lacks columns: {', '.join(missing)})"
        )
    repeated = [name for name, n in Counter(f for f in fields if f).items() if n > 1]
    if repeated:
        raise RosterRefused(f"名册表头有重复列 (repeated columns: {', '.join(repeated)})")
    return fields


def _row_errors(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name in REQUIRED:
        if not values.get(name):
            errors[name] = "必填 (required)"
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = f"不超过 {limit} 个字符 (at most {limit} characters)"
    phone = values.get("phone")
    if phone and "phone" not in errors and not PHONE.fullmatch(phone):
        errors["phone"] = "电话号码格式不正确 (not a phone number)"
    return errors


def _duplicates(rows: list[tuple[int, dict[str, str]]], field: str) -> list[RowProblem]:
    seen: dict[str, int] = {}
    problems = []
    for line, values in rows:
        value = values.get(field)
        if not value:
            continue
        if value in seen:
            problems.append(
                RowProblem(line, {field: f"与第 {seen[value]} 行重复 (repeats line {seen[value]})"})
            )
        else:
            seen[value] = line
    return problems


def parse(text: str) -> list[Deputy]:
    """The deputies of a roster CSV, or RosterRefused naming every problem by line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise RosterRefused("名册为空 (the roster is empty)") from None
    fields = _header(header)
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, e.g. a trailing one
        if len(row) > len(fields):
            problems.append(RowProblem(line, {"row": "列数多于表头 (more cells than columns)"}))
            continue
        values = {f: cell.strip() for f, cell in zip(fields, row, strict=False) if f}
        errors = _row_errors(values)
        if errors:
            problems.append(RowProblem(line, errors))
        rows.append((line, values))
    if len(rows) > MAX_ROWS:
        raise RosterRefused(f"名册最多 {MAX_ROWS} 名代表 (at most {MAX_ROWS} deputies)")
    problems += _duplicates(rows, "number") + _duplicates(rows, "username")
    if problems:
        problems.sort(key=lambda p: p.line)
        raise RosterRefused(
            f"名册有 {len(problems)} 处错误，未导入任何代表 "
            f"({len(problems)} problem(s): nothing was imported)",
            problems,
        )
    if not rows:
        raise RosterRefused("名册中没有代表 (the roster has no deputies)")
    return [
        Deputy(
            number=v["number"],
            name=v["name"],
            delegation=v["delegation"],
            phone=v.get("phone") or None,
            username=v.get("username") or None,
        )
        for _, v in rows
    ]


def content_hash(deputies: list[Deputy]) -> str:
    """sha256 of the canonical roster: number, name and delegation, in number order."""
    public = [
        {"number": d.number, "name": d.name, "delegation": d.delegation}
        for d in sorted(deputies, key=lambda d: d.number)
    ]
    return hashlib.sha256(canonical_json(public)).hexdigest()


def delegations(deputies: list[Deputy]) -> list[tuple[str, int]]:
    """(delegation, deputies) in order of first appearance."""
    return list(Counter(d.delegation for d in deputies).items())
