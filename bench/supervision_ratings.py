"""Evaluations and satisfaction votes of bench.bench_supervision's year (see
bench/supervision_parts.py): one framework of the city, an evaluation and a pre-evaluation a
project, one satisfaction vote (满意度测评) a township with a result per project; grades spread
so the year-end report has every band and every satisfaction grade to count."""

import json

from servicekit import areas
from sqlalchemy import Connection, Table

from bench.supervision_data import CITY, STAFF, Row, Scale, Year, has, hexid, insert, moment, spread

GRADES = ("优", "良", "良", "中", "差")
SATISFACTION = ("满意", "满意", "满意", "基本满意", "不满意")
VOTING = 30  # the valid ballots of a township's satisfaction vote
COUNTS = {"满意": (22, 6, 1, 1), "基本满意": (12, 10, 6, 2), "不满意": (6, 6, 16, 2)}


def evaluations(connection: Connection, tables: dict[str, Table], year: Year, scale: Scale) -> None:
    names = ("evaluation_frameworks", "evaluation_framework_versions", "evaluations")
    if not has(tables, *names):
        return
    fid = hexid("city", "framework")
    at = moment(year.year, 1, 5)
    insert(
        connection,
        tables["evaluation_frameworks"],
        [
            {
                "id": fid,
                "area_code": CITY,
                "area_path": areas.require(CITY).path,
                "level": "city",
                "scope": "project",
                "latest_version": 1,
                "created_by": STAFF,
                "created_at": at,
            }
        ],
    )
    insert(
        connection,
        tables["evaluation_framework_versions"],
        [
            {
                "framework_id": fid,
                "version": 1,
                "name": "项目支出绩效评价指标体系",
                "weight_unit": "分",
                "indicators": "[]",
                "grade_bands": "[]",
                "editable_default": True,
                "reason": None,
                "created_by": STAFF,
                "created_at": at,
            }
        ],
    )
    rows = [
        evaluation_row(fid, p, kind, i)
        for i, p, _ in spread(year.projects, len(year.projects))
        for kind in ("pre_evaluation", "evaluation")
    ]
    year.counts["evaluations"] = insert(connection, tables["evaluations"], rows)


def evaluation_row(fid: str, project: Row, kind: str, index: int) -> Row:
    total = 95 - index % 30
    return {
        "id": hexid(project["level"], kind, project["id"]),
        "kind": kind,
        "framework_id": fid,
        "framework_version": 1,
        "project_id": project["id"],
        "fund": None,
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "level": project["level"],
        "year": project["year"],
        "scores": "{}",
        "total_exact": f"{total}/1",
        "total": f"{total}.0",
        "grade": GRADES[(95 - total) // 10 + (index % 2)],
        "remarks": "",
        "attachments": "[]",
        "recorded_by": STAFF,
        "recorded_at": moment(project["year"], 12 if kind == "evaluation" else 1, 2),
    }


def satisfaction(
    connection: Connection, tables: dict[str, Table], year: Year, scale: Scale
) -> None:
    if not has(tables, "satisfaction_votes", "satisfaction_results"):
        return
    towns: dict[str, list[Row]] = {}
    for project in year.projects:
        towns.setdefault(project["area_code"], []).append(project)
    votes, results = [], []
    for town, projects in towns.items():
        vid = hexid("township", "satisfaction", town, year.year)
        votes.append(vote_row(vid, projects[0], year.year))
        results += [result_row(vid, p, i) for i, p in enumerate(projects)]
    insert(connection, tables["satisfaction_votes"], votes)
    year.counts["satisfaction_results"] = insert(
        connection, tables["satisfaction_results"], results
    )


def vote_row(vid: str, project: Row, year: int) -> Row:
    return {
        "id": vid,
        "session_id": hexid("township", "session", vid),
        "area_code": project["area_code"],
        "area_path": project["area_path"],
        "level": project["level"],
        "year": year,
        "title": f"{year}年民生实事项目满意度测评",
        "state": "completed",
        "rule": json.dumps({"satisfied_above": "1/2"}),
        "projects": "[]",
        "ballots": json.dumps({"valid": 30}),
        "digest": "d" * 64,
        "requested_by": STAFF,
        "requested_at": moment(year, 12, 1),
        "completed_at": moment(year, 12, 3),
    }


def result_row(vid: str, project: Row, index: int) -> Row:
    grade = SATISFACTION[index % len(SATISFACTION)]
    satisfied, basically, dissatisfied, abstain = COUNTS[grade]
    return {
        "vote_id": vid,
        "project_id": project["id"],
        "title": project["title"],
        "area_path": project["area_path"],
        "year": project["year"],
        "satisfied": satisfied,
        "basically": basically,
        "dissatisfied": dissatisfied,
        "abstain": abstain,
        "voting": VOTING,
        "grade": grade,
        "finding_id": None,
    }
