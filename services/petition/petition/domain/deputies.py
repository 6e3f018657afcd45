"""Deputy profiles from CSV (代表信息导入), pure: standard library only.

Chinese headers (English accepted too): 姓名, 层级, 地区代码, 账号 required; 代表团, 联络站, 专长,
公开联系方式, 公开电话 optional. Every row is checked and every problem reported with its line
number; a file with any problem is refused whole, so nothing is ever half-imported. The account
(账号) is the gateway username of the deputy's `deputy` account: it links the profile to the
login, and a later import with the same account updates that profile (its public code stays).
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from servicekit.rows import ImportRefused, RowProblem

COLUMNS = {  # accepted header → field
    "姓名": "name",
    "name": "name",
    "层级": "level",
    "level": "level",
    "地区代码": "area_code",
    "行政区划代码": "area_code",
    "area_code": "area_code",
    "代表团": "delegation",
    "delegation": "delegation",
    "联络站": "station",
    "代表之家": "station",
    "station": "station",
    "专长": "specialties",
    "specialties": "specialties",
    "公开联系方式": "contact_policy",
    "contact_policy": "contact_policy",
    "公开电话": "public_phone",
    "public_phone": "public_phone",
    "账号": "username",
    "username": "username",
}
REQUIRED = ("name", "level", "area_code", "username")
LIMITS = {
    "name": 50,
    "delegation": 100,
    "station": 100,
    "specialties": 200,
    "public_phone": 20,
    "username": 64,
}
LEVEL_WORDS = {
    "市": "city",
    "市级": "city",
    "city": "city",
    "旗区": "banner",
    "旗区级": "banner",
    "旗": "banner",
    "区": "banner",
    "banner": "banner",
    "苏木乡镇": "township",
    "乡镇": "township",
    "苏木": "township",
    "镇": "township",
    "街道": "township",
    "township": "township",
}
# How residents reach the deputy besides the code: through the station (its address and duty
# days), a public office phone, or online only (the code's form).
CONTACT_POLICIES = ("station", "phone", "online")
CONTACT_WORDS = {
    "联络站转达": "station",
    "联络站": "station",
    "station": "station",
    "公开电话": "phone",
    "电话": "phone",
    "phone": "phone",
    "仅在线留言": "online",
    "在线留言": "online",
    "online": "online",
}
CONTACT_NAMES = {"station": "通过联络站联系", "phone": "公开办公电话", "online": "仅在线留言"}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
AREA_CODE = re.compile(r"^[0-9]{6}([0-9]{3})?$")
SPLIT = re.compile(r"[、,，;；/|]")
MAX_ROWS = 5000
MAX_SPECIALTIES = 10


@dataclass(frozen=True)
class DeputyRow:
    line: int
    name: str
    level: str
    area_code: str
    username: str
    delegation: str | None
    station_id: str | None
    specialties: tuple[str, ...]
    contact_policy: str
    public_phone: str | None


@dataclass(frozen=True)
class Places:
    """What the rows are checked against: each area's level (None: unknown), whether the
    importing area covers it, and the stations by name (more than one id: ambiguous)."""

    level_of: Callable[[str], str | None]
    in_scope: Callable[[str], bool]
    stations: Mapping[str, tuple[str, ...]]


def _header(row: list[str]) -> list[str | None]:
    fields = [COLUMNS.get(cell.strip().lstrip("\ufeff").lower()) for cell in row]
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise ImportRefused(
            f"表头缺少列：{'、'.join(missing)}（应有 姓名、层级、地区代码、账号）"
            f" (header lacks columns: {', '.join(missing)})"
        )
    repeated = [name for name, n in Counter(f for f in fields if f).items() if n > 1]
    if repeated:
        raise ImportRefused(f"表头有重复列 (repeated columns: {', '.join(repeated)})")
    return fields


def _text_errors(values: dict[str, str]) -> dict[str, str]:
    errors = {name: "必填 (required)" for name in REQUIRED if not values.get(name)}
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = f"不超过 {limit} 个字符 (at most {limit} characters)"
    phone = values.get("public_phone")
    if phone and "public_phone" not in errors and not PHONE.fullmatch(phone):
        errors["public_phone"] = "电话号码格式不正确 (not a phone number)"
    return errors


def _place_errors(values: dict[str, str], places: Places) -> dict[str, str]:
    errors: dict[str, str] = {}
    code, level = values.get("area_code", ""), LEVEL_WORDS.get(values.get("level", ""))
    if values.get("level") and level is None:
        errors["level"] = "层级应为 市、旗区、苏木乡镇 或 街道 (city, banner or township)"
    if code and not AREA_CODE.fullmatch(code):
        errors["area_code"] = "应为 6 位或 9 位数字 (6 or 9 digits)"
    elif code and places.level_of(code) is None:
        errors["area_code"] = f"未知地区 (unknown area) {code}"
    elif code and not places.in_scope(code):
        errors["area_code"] = f"不在导入地区范围内 (outside the importing area) {code}"
    elif code and level and places.level_of(code) != level:
        errors["level"] = f"与地区 {code} 的层级不符 (not the level of area {code})"
    station = values.get("station")
    if station and len(places.stations.get(station, ())) != 1:
        found = "重名，无法确定 (ambiguous)" if places.stations.get(station) else "未登记"
        errors["station"] = f"联络站“{station}”{found} (station not registered or ambiguous)"
    return errors


def _policy_errors(values: dict[str, str]) -> dict[str, str]:
    word = values.get("contact_policy")
    policy = CONTACT_WORDS.get(word or "station")
    if policy is None:
        return {
            "contact_policy": "应为 联络站转达、公开电话 或 仅在线留言 (station, phone, online)"
        }
    if policy == "phone" and not values.get("public_phone"):
        return {"public_phone": "公开电话方式须填写公开电话 (a public phone is required)"}
    if len(_specialties(values)) > MAX_SPECIALTIES:
        return {"specialties": f"最多 {MAX_SPECIALTIES} 项 (at most {MAX_SPECIALTIES})"}
    return {}


def _specialties(values: dict[str, str]) -> tuple[str, ...]:
    parts = (part.strip() for part in SPLIT.split(values.get("specialties") or ""))
    return tuple(dict.fromkeys(part for part in parts if part))


def _duplicates(rows: list[tuple[int, dict[str, str]]]) -> list[RowProblem]:
    seen: dict[str, int] = {}
    problems = []
    for line, values in rows:
        username = values.get("username")
        if username and username in seen:
            first = seen[username]
            problems.append(
                RowProblem(line, {"username": f"与第 {first} 行重复 (repeats {first})"})
            )
        elif username:
            seen[username] = line
    return problems


def _rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fields = _header(next(reader))
    except StopIteration:
        raise ImportRefused("文件为空 (the file is empty)") from None
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, e.g. a trailing one
        if len(row) > len(fields):
            problems.append(RowProblem(line, {"row": "列数多于表头 (more cells than columns)"}))
            continue
        rows.append((line, {f: cell.strip() for f, cell in zip(fields, row, strict=False) if f}))
    return rows, problems


def parse(text: str, places: Places) -> list[DeputyRow]:
    """The deputies of a CSV file, or ImportRefused naming every problem by line."""
    rows, problems = _rows(text)
    if len(rows) > MAX_ROWS:
        raise ImportRefused(f"一次最多导入 {MAX_ROWS} 名代表 (at most {MAX_ROWS} deputies)")
    for line, values in rows:
        errors = {**_policy_errors(values), **_place_errors(values, places), **_text_errors(values)}
        if errors:
            problems.append(RowProblem(line, errors))
    problems += _duplicates(rows)
    if problems:
        problems.sort(key=lambda p: p.line)
        raise ImportRefused(
            f"有 {len(problems)} 处错误，未导入任何代表 "
            f"({len(problems)} problem(s): nothing imported)",
            problems,
        )
    if not rows:
        raise ImportRefused("文件中没有代表 (the file has no deputies)")
    return [_deputy(line, values, places) for line, values in rows]


def _deputy(line: int, values: dict[str, str], places: Places) -> DeputyRow:
    station = values.get("station")
    return DeputyRow(
        line=line,
        name=values["name"],
        level=LEVEL_WORDS[values["level"]],
        area_code=values["area_code"],
        username=values["username"],
        delegation=values.get("delegation") or None,
        station_id=places.stations[station][0] if station else None,
        specialties=_specialties(values),
        contact_policy=CONTACT_WORDS[values.get("contact_policy") or "station"],
        public_phone=values.get("public_phone") or None,
    )
