"""The parts' own rows of bench.bench_supervision's year (bench/supervision_data.py makes the
core ones): supervision groups and their assignments, the three checkpoints of each township
and the groups' reports, public feedback with its moderation, evaluations and pre-evaluations,
and each township's satisfaction vote (满意度测评) with its results (those two in
bench/supervision_ratings.py). Each part inserts only if
its tables are in supervision's metadata (a part not merged yet is left out, and said so).
`setup` inserts it all into a stack's database before its workers start.

80 groups, one per township (a leader from the standing committee, a committee office clerk
and three deputies), each with its township's 5 projects; 1,200 checkpoint reports (every
project at 年初, 年中 and 年底); 20,000 feedback items (50 a project: most published, some
pending, some hidden with a reason; a published one is a line of the project's file); one
evaluation and one pre-evaluation a project; one satisfaction vote a township.
"""

import importlib
import json
import pkgutil
import time
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table

from bench.supervision_data import (
    STAFF,
    Row,
    Scale,
    Year,
    build,
    has,
    hexid,
    insert,
    moment,
    spread,
)
from bench.supervision_ratings import evaluations, satisfaction
from bench.supervision_rectifications import inspections

STAGES = (("opening", 3), ("midyear", 7), ("yearend", 11))  # and the month each falls due
VERDICTS = ("good", "good", "fair", "poor")
FEEDBACK_CATEGORIES = ("progress", "quality", "safety", "funds", "other")
FEEDBACK_STATES = ("published",) * 6 + ("pending",) * 3 + ("hidden",)
MEMBERS = (("leader", "常委会副主任"), ("office", "人大办干事"), *(("deputy", "代表"),) * 3)


def groups(connection: Connection, tables: dict[str, Table], year: Year, scale: Scale) -> None:
    if not has(tables, "supervision_groups", "group_members", "group_projects"):
        return
    rows, members, assigned = [], [], []
    for index, project, _ in spread(year.projects, len(year.projects)):
        gid = year.groups[project["id"]]  # bench.supervision_data.build
        if index < scale.groups:
            rows.append(group_row(gid, project, year.year))
            members += member_rows(gid, index)
        at = moment(year.year, 2, 1)
        assigned.append(
            {"group_id": gid, "project_id": project["id"], "assigned_by": STAFF, "assigned_at": at}
        )
    year.counts["supervision_groups"] = insert(connection, tables["supervision_groups"], rows)
    insert(connection, tables["group_members"], members)
    insert(connection, tables["group_projects"], assigned)


def group_row(gid: str, project: Row, year: int) -> Row:
    at = moment(year, 1, 25)
    return {
        "id": gid,
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "level": project["level"],
        "year": year,
        "name": f"{project['title'][:20]}监督组",
        "created_by": STAFF,
        "created_at": at,
        "updated_at": at,
    }


def member_rows(gid: str, index: int) -> list[Row]:
    return [
        {
            "group_id": gid,
            "subject": f"bench-{index}-{n}",
            "position": n,
            "role": role,
            "name": f"{title}{index:02d}{n}",
            "specialty": "工程建设" if n % 2 else None,
        }
        for n, (role, title) in enumerate(MEMBERS, start=1)
    ]


def checkpoints(connection: Connection, tables: dict[str, Table], year: Year, scale: Scale) -> None:
    if not has(tables, "checkpoints", "checkpoint_reports") or not year.groups:
        return
    towns = {p["area_code"]: p for p in year.projects}
    stages = [
        {
            "id": hexid("township", "checkpoint", town, stage),
            "area_code": town,
            "area_path": p["area_path"],
            "level": p["level"],
            "year": year.year,
            "stage": stage,
            "due_date": date(year.year, month, 28),
            "questions": json.dumps(["进展如何？"]),
            "created_by": STAFF,
            "created_at": moment(year.year, 1, 10),
            "updated_at": moment(year.year, 1, 10),
        }
        for town, p in towns.items()
        for stage, month in STAGES
    ]
    insert(connection, tables["checkpoints"], stages)
    reports = [
        report_row(project, stage, month, index, year)
        for index, project, k in spread(year.projects, scale.reports)
        for stage, month in [STAGES[k % len(STAGES)]]
    ]
    year.counts["checkpoint_reports"] = insert(connection, tables["checkpoint_reports"], reports)
    lines = [
        {
            "project_id": r["project_id"],
            "at": r["filed_at"],
            "side": "supervision",
            "kind": "checkpoint_report",
            "summary": f"监督组报告：{r['verdict']}",
            "actor": "监督组",
            "ref": r["id"],
            "detail": "{}",
        }
        for r in reports
    ]
    year.counts["file_entries"] += insert(connection, tables["file_entries"], lines)


def report_row(project: Row, stage: str, month: int, index: int, year: Year) -> Row:
    answers = [{"question": "进展如何？", "answer": "按计划推进，资金到位，群众满意。"}]
    return {
        "id": hexid("township", "report", project["id"], stage),
        "checkpoint_id": hexid("township", "checkpoint", project["area_code"], stage),
        "group_id": year.groups[project["id"]],
        "project_id": project["id"],
        "verdict": VERDICTS[index % len(VERDICTS)],
        "answers": json.dumps(answers, ensure_ascii=False),
        "snapshot": json.dumps({"actual_percent": project["actual_percent"]}),
        "finding_ids": "[]",
        "filed_by": STAFF,
        "filed_at": moment(year.year, month, 20),
    }


def feedback(connection: Connection, tables: dict[str, Table], year: Year, scale: Scale) -> None:
    if not has(tables, "public_feedback", "public_feedback_moderation"):
        return
    rows = [feedback_row(p, k, i) for i, p, k in spread(year.projects, scale.feedback)]
    year.counts["public_feedback"] = insert(connection, tables["public_feedback"], rows)
    moderated = [r for r in rows if r["state"] != "pending"]
    insert(
        connection,
        tables["public_feedback_moderation"],
        [
            {
                "feedback_id": r["id"],
                "action": "publish" if r["state"] == "published" else "hide",
                "reason": r["hidden_reason"],
                "by": STAFF,
                "at": r["moderated_at"],
            }
            for r in moderated
        ],
    )
    lines = [
        {
            "project_id": r["project_id"],
            "at": r["published_at"],
            "side": "public",
            "kind": "public_feedback",
            "summary": f"群众反馈：{r['text'][:80]}",
            "actor": "群众",
            "ref": r["id"],
            "detail": json.dumps({"category": r["category"]}),
        }
        for r in rows
        if r["state"] == "published"
    ]
    year.counts["file_entries"] += insert(connection, tables["file_entries"], lines)


def feedback_row(project: Row, k: int, index: int) -> Row:
    state = FEEDBACK_STATES[index % len(FEEDBACK_STATES)]
    anonymous = index % 3 != 0
    at = moment(project["year"], 2 + k % 10, 1 + k % 27)
    return {
        "id": hexid(project["level"], "feedback", project["id"], k),
        "project_id": project["id"],
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "year": project["year"],
        "category": FEEDBACK_CATEGORIES[index % len(FEEDBACK_CATEGORIES)],
        "text": f"路过施工现场，第{k + 1}次看到围挡破损、夜间施工噪音大，希望尽快处理。",
        "photos": "[]",
        "anonymous": anonymous,
        "resident_name": None if anonymous else "张某",
        "resident_phone": None if anonymous else "13800000000",
        "state": state,
        "submitted_at": at,
        "published_at": at if state == "published" else None,
        "hidden_reason": "与项目无关" if state == "hidden" else None,
        "moderated_by": None if state == "pending" else STAFF,
        "moderated_at": None if state == "pending" else at,
        "finding_id": None,
    }


PARTS: tuple[Any, ...] = (groups, checkpoints, inspections, feedback, evaluations, satisfaction)
TABLES = {
    "groups": "supervision_groups",
    "checkpoint reports": "checkpoint_reports",
    "inspections and rectifications": "rectifications",
    "public feedback": "public_feedback",
    "evaluations": "evaluations",
    "satisfaction results": "satisfaction_results",
}


def setup(url: str, towns: list[str], year_of: int, scale: Scale) -> Year:
    """The year's records straight into supervision's database (`url`: SQLite under the data
    folder, or PostgreSQL), before its workers start; what was inserted, and what not, printed."""
    from servicekit.db import make_engine
    from supervision.db import METADATA

    register_tables()

    started = time.perf_counter()
    tables = dict(METADATA.tables)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            year = build(connection, tables, towns, year_of, scale, PARTS)
    finally:
        engine.dispose()
    counts = ", ".join(f"{n} {name}" for name, n in year.counts.items())
    print(f"  setup by SQL: {counts} in {time.perf_counter() - started:.1f} s", flush=True)
    for part, table in TABLES.items():
        if table not in tables:
            print(f"  setup: no {part} (table {table} not on this branch yet)")
    return year


def register_tables() -> None:
    """Every table module of supervision's (the core's `models` and each part's
    `<part>_models`), imported so that its tables are in the metadata."""
    import supervision.db

    for info in pkgutil.iter_modules(supervision.db.__path__):
        if info.name.endswith("models"):
            importlib.import_module(f"supervision.db.{info.name}")
