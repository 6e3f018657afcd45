"""A city's year of supervision for bench.bench_supervision, bulk-inserted by SQL straight into
supervision's database (executemany through its own table definitions: the setup is not what
is measured, the year-end report over it is).

400 projects, 5 in each of the city's 80 townships (bench/stage1_data.py's areas file), as
supervision knows them by December from implementation's events: most completed, some under
way (a few lagging and flagged, 挂牌督办), some carried over; budgets, disbursements and payments
in fen. Each project's file (监督档案) holds its government facts — created, the plan, twelve
monthly reports, five disbursements, completion — and the supervisors' acts written beside
them. 2,000 findings (5 a project) from inspections, checkpoint reports, public feedback and
social supervisors, in every state. The parts' own tables (groups, checkpoint reports, public
feedback, evaluations) are filled by `extend`, as they land.
Deterministic: the same arguments make the same rows.
"""

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from contracts.implementation import project_id_for
from contracts.supervision import public_code_for
from servicekit import areas
from sqlalchemy import Connection, Table

CITY = "150600"
NAMESPACE = uuid.UUID("6f1f8c7e-5d1b-4c4e-9a55-2f3f0d6b1e14")
CATEGORIES = ("教育", "医疗卫生", "基础设施", "老旧小区改造", "养老服务", "生态环境")
DEPARTMENTS = ("住房和城乡建设局", "教育局", "卫生健康委员会", "民政局", "交通运输局")
# By the year's end: completed, under way (on track, lagging), carried over, planned late.
STATUSES = ("completed",) * 14 + ("in_progress",) * 4 + ("carried_over", "planned")
FINDING_SOURCES = ("inspection", "inspection", "checkpoint", "feedback", "observation")
FINDING_STATES = ("closed", "closed", "closed", "requested", "open", "escalated")
CHUNK = 5000
STAFF = "bench-staff"  # who made the rows (an account subject)
Row = dict[str, Any]
# A resident's feedback through a project's code, as the benchmarks send it (named: the heavier
# path, the contact kept for the staff's call back).
FEEDBACK = {
    "anonymous": False,
    "name": "张女士",
    "phone": "13904770000",
    "text": "项目工地围挡破损，夜间施工噪音很大，附近居民休息受影响，希望尽快整改并公示施工时间。",
    "category": "quality",
    "photos": [
        {
            "file_name": "工地围挡.jpg",
            "content_type": "image/jpeg",
            "size_bytes": 182_000,
            "sha256": "ab" * 32,
        }
    ],
}


@dataclass(frozen=True)
class Scale:
    projects: int = 400
    groups: int = 80
    reports: int = 1200
    findings: int = 2000
    feedback: int = 20000

    def scaled(self, share: float) -> "Scale":
        return Scale(*(max(1, round(n * share)) for n in self.__dict__.values()))


@dataclass
class Year:
    """What was inserted, by table, and the rows later parts refer to."""

    year: int
    towns: list[str]
    projects: list[Row] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # project id -> its group's id
    findings: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def hexid(level: str, *parts: object) -> str:
    """An id as the parts make theirs: the level's letter, a dash, 32 hex digits."""
    return f"{level[0].upper()}-{uid(*parts).replace('-', '')}"


def has(tables: dict[str, Table], *names: str) -> bool:
    return all(name in tables for name in names)


def moment(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=UTC)


def project_row(year: int, town: str, n: int, index: int) -> Row:
    place = areas.require(town)
    pid = project_id_for("township", f"T-bench-{town}-{year}", uid("proposal", town, n))
    status = STATUSES[index % len(STATUSES)]
    budget = (index % 9 + 1) * 1_000_000_00
    lagging = status == "in_progress" and index % 2 == 0
    done = status == "completed"
    return {
        "id": pid,
        "public_code": public_code_for(pid),
        "area_code": place.code,
        "area_path": place.path,
        "level": place.level,
        "year": year,
        "title": f"{place.name}第{n}号民生实事项目",
        "category": CATEGORIES[index % len(CATEGORIES)],
        "estimated_cost_fen": budget,
        "proposal_id": uid("proposal", town, n),
        "session_id": f"T-bench-{town}-{year}",
        "status": status,
        "lead_department": DEPARTMENTS[index % len(DEPARTMENTS)],
        "lead_leader": "副镇长",
        "plan_version": 0 if status == "planned" else 1,
        "deadline": date(year, 10 + index % 2, 30),
        "actual_percent": "100.0" if done else ("45.0" if lagging else "85.0"),
        "planned_percent": "100.0",
        "standing": "lagging" if lagging else ("ahead" if done else "on_track"),
        "as_of": date(year, 11, 30),
        "flagged": lagging,
        "budget_fen": budget,
        "disbursed_fen": budget if done else budget // 2,
        "paid_fen": budget if done else budget * 2 // 5,
        "overdue_problems": 1 if lagging else 0,
        "completed_on": date(year, 10, 20 + index % 8) if done else None,
        "same_year": True if done else (False if status == "carried_over" else None),
        "created_at": moment(year, 1, 20),
    }


def government_entries(project: Row) -> list[Row]:
    """The government's facts in the file: created, the plan, 12 reports, 5 flows, done."""
    year, pid = project["year"], project["id"]

    def line(at: datetime, kind: str, summary: str, ref: str) -> Row:
        return {"project_id": pid, "at": at, "side": "government", "kind": kind,
                "summary": summary, "actor": project["lead_department"], "ref": ref,
                "detail": "{}"}  # fmt: skip

    rows = [line(moment(year, 1, 20), "project_created", f"立项：{project['title']}", "s")]
    rows.append(line(moment(year, 2), "plan_adopted", "实施方案确定（第1版）", "plan-1"))
    rows += [
        line(moment(year, m, 28), "progress_reported", f"{m}月进度报告", f"{year}-{m:02d}")
        for m in range(1, 13)
    ]
    rows += [
        line(moment(year, m, 20), "funds_disbursed", "资金拨付", f"BF{m:02d}")
        for m in (3, 5, 7, 9, 11)
    ]
    if project["completed_on"]:
        rows.append(line(moment(year, 10, 25), "project_completed", "项目验收合格", "acc"))
    return rows


def inspection_id(group_id: str, quarter: int) -> str:
    return hexid("township", "inspection", group_id, quarter)


def finding_row(project: Row, k: int, index: int, group_id: str) -> Row:
    source = FINDING_SOURCES[index % len(FINDING_SOURCES)]
    month = 3 + index % 9
    ref = inspection_id(group_id, (month - 1) // 3) if source == "inspection" else None
    return {
        "id": uid("finding", project["id"], k),
        "project_id": project["id"],
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "year": project["year"],
        "group_id": group_id,
        "source": source,
        "source_ref": ref or uid(source, project["id"], k),
        "text": f"现场查看发现第{k + 1}处问题：施工进度滞后于计划，围挡不规范，需限期整改。",
        "photos": json.dumps([{"name": f"photo-{k}.jpg", "size": 204800}]),
        "state": FINDING_STATES[index % len(FINDING_STATES)],
        "raised_by": STAFF,
        "raised_at": moment(project["year"], month, 10),
    }


def finding_entry(finding: Row) -> Row:
    return {
        "project_id": finding["project_id"],
        "at": finding["raised_at"],
        "side": "supervision",
        "kind": "finding_raised",
        "summary": "发现问题：" + finding["text"][:60],
        "actor": "监督组",
        "ref": finding["id"],
        "detail": "{}",
    }


def spread(items: list[Row], count: int) -> Iterable[tuple[int, Row, int]]:
    """`count` things over `items` round-robin: (index, item, k-th for that item)."""
    for index in range(count):
        yield index, items[index % len(items)], index // len(items)


def insert(connection: Connection, table: Table, rows: Iterable[Row]) -> int:
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            connection.execute(table.insert(), batch)
            total, batch = total + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
        total += len(batch)
    return total


Part = Callable[[Connection, dict[str, Table], Year, Scale], None]


def build(connection: Connection, tables: dict[str, Table], towns: list[str], year: int,
          scale: Scale, parts: Iterable[Part] = ()) -> Year:  # fmt: skip
    """The core rows (projects, their files, findings), then each part's own."""
    made = Year(year, towns)
    per_town = -(-scale.projects // len(towns))
    made.projects = [
        project_row(year, town, n, t * per_town + n)
        for t, town in enumerate(towns)
        for n in range(1, per_town + 1)
    ][: scale.projects]
    made.counts["projects"] = insert(connection, tables["projects"], made.projects)
    made.groups = {
        p["id"]: hexid("township", "group", i % scale.groups, year)
        for i, p in enumerate(made.projects)
    }
    made.findings = [
        finding_row(p, k, i, made.groups[p["id"]])
        for i, p, k in spread(made.projects, scale.findings)
    ]
    made.counts["findings"] = insert(connection, tables["findings"], made.findings)
    entries = [e for p in made.projects for e in government_entries(p)]
    entries += [finding_entry(f) for f in made.findings]
    made.counts["file_entries"] = insert(connection, tables["file_entries"], entries)
    for part in parts:
        part(connection, tables, made, scale)
    return made
