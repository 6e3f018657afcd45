"""Inspections and rectifications of bench.bench_supervision's year (see
bench/supervision_parts.py): each group's quarterly inspection (集中督查) of its projects — the
source of the inspection findings — and a rectification request (交办问题) for every finding
handed to the government, with its rounds: a closed one rectified at the first look-back, a
requested one waiting for the government's report, an escalated one not rectified in three
rounds and sent to the chairpersons' meeting."""

import json
from datetime import date

from sqlalchemy import Connection, Table

from bench.supervision_data import STAFF, Row, Scale, Year, has, hexid, insert, inspection_id
from bench.supervision_data import moment as at_noon

TABLES = ("inspections", "inspection_projects", "rectifications", "rectification_rounds")
ROUNDS = {"requested": 1, "closed": 1, "escalated": 3}  # by the finding's state
MAX_ROUNDS = 3


def inspections(connection: Connection, tables: dict[str, Table], year: Year,
                scale: Scale) -> None:  # fmt: skip
    if not has(tables, *TABLES):
        return
    by_group: dict[str, list[Row]] = {}
    for project in year.projects:
        by_group.setdefault(year.groups[project["id"]], []).append(project)
    held = [(gid, q, projects) for gid, projects in by_group.items() for q in range(4)]
    rows = [inspection_row(gid, q, projects[0], year.year) for gid, q, projects in held]
    year.counts["inspections"] = insert(connection, tables["inspections"], rows)
    covered = [
        {"inspection_id": inspection_id(gid, q), "project_id": p["id"]}
        for gid, q, projects in held
        for p in projects
    ]
    insert(connection, tables["inspection_projects"], covered)
    handed = [f for f in year.findings if f["state"] != "open"]
    requests = [rectification_row(f) for f in handed]
    year.counts["rectifications"] = insert(connection, tables["rectifications"], requests)
    rounds = [r for f in handed for r in round_rows(f)]
    insert(connection, tables["rectification_rounds"], rounds)


def inspection_row(gid: str, quarter: int, project: Row, year: int) -> Row:
    month = 3 * quarter + 2
    return {
        "id": inspection_id(gid, quarter),
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "level": project["level"],
        "year": year,
        "kind": "inspection",
        "cadence": "quarterly",
        "held_on": date(year, month, 10),
        "group_id": gid,
        "title": f"第{quarter + 1}季度集中督查",
        "methods": json.dumps(["briefing", "site_visit"]),
        "participants": "[]",
        "questions": "[]",
        "summary": "总体推进有序，个别项目进度滞后",
        "recorded_by": STAFF,
        "recorded_at": at_noon(year, month, 11),
    }


def rectification_row(finding: Row) -> Row:
    return {
        "id": hexid("township", "rectification", finding["id"]),
        "finding_id": finding["id"],
        "project_id": finding["project_id"],
        "area_code": finding["area_code"],
        "area_path": finding["area_path"],
        "level": "township",
        "year": finding["year"],
        "group_id": finding["group_id"],
        "group_name": "监督组",
        "state": finding["state"],  # requested / closed / escalated, as the finding's
        "round": ROUNDS[finding["state"]],
        "max_rounds": MAX_ROUNDS,
        "requested_by": STAFF,
        "requested_at": finding["raised_at"],
    }


def round_rows(finding: Row) -> list[Row]:
    """Every round but a requested one's last is reported and looked back on."""
    state, at = finding["state"], finding["raised_at"]
    rid = hexid("township", "rectification", finding["id"])
    rows = []
    for n in range(1, ROUNDS[state] + 1):
        last = n == ROUNDS[state]
        done = state != "requested" or not last
        rows.append(
            {
                "request_id": f"{rid}.{n}",
                "rectification_id": rid,
                "round": n,
                "due_date": at.date(),
                "lookback_on": at.date(),
                "requested_at": at,
                "problem_id": None,
                "reported_at": at if done else None,
                "measure": "已按要求整改" if done else None,
                "report_note": None,
                "outcome": ("rectified" if state == "closed" else "not_rectified")
                if done
                else None,
                "lookback_note": None,
                "looked_back_by": STAFF if done else None,
                "looked_back_at": at if done else None,
                "next": (state if last else "reopened") if done else None,
            }
        )
    return rows
