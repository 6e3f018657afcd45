"""The year-end evaluation report of an area (年度监督评价报告): completion, funds, findings
and their rectification, evaluations, satisfaction — as JSON, Word and Excel, from the same
figures (aggregate queries over the area's subtree and year)."""

import base64
from collections import defaultdict
from datetime import datetime
from fractions import Fraction
from typing import Any

from contracts import supervision_evaluation as contract
from contracts.implementation import PROJECT_STATUS_NAMES
from contracts.reports import ExportFile
from servicekit import areas
from servicekit import tables as exports
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import roles
from ..db import year_end as db
from ..domain.evaluation import one_decimal
from ..evaluation_documents import KIND_NAMES, PROJECT_HEADERS, project_table_rows, year_end_docx

FORMATS = {"docx": contract.DOCX, "xlsx": contract.XLSX}
FINDING_STATES = ("open", "requested", "closed", "escalated")
NO_VALID_BALLOT = "无有效票"  # a project of a vote without one valid ballot: not graded


def _percent(part: int, whole: int) -> str | None:
    return one_decimal(Fraction(part * 100, whole)) if whole else None


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def figures(session: Session, guard: Guard, query: dict[str, Any], now: datetime) -> dict:
    place = areas.require(query["area_code"])
    guard.require(roles.YEAR_END_READ, place.code)
    path, year = place.path, query["year"]
    totals = db.project_totals(session, path, year)
    return {
        "area_code": place.code,
        "area_name": place.name,
        "year": year,
        "generated_at": now,
        "completion": _completion(totals),
        "funds": _funds(totals),
        "findings": _findings(db.findings_by(session, path, year)),
        "evaluations": _evaluations(db.evaluations_by(session, path, year)),
        "satisfaction": _satisfaction(db.satisfaction_by(session, path, year)),
        "projects": [_project(row) for row in db.project_rows(session, path, year)],
    }


def _project(row: dict[str, Any]) -> dict[str, Any]:
    """One line of the project list (项目清单): names and figures, never a person."""
    return {
        "project_id": row["id"],
        "title": row["title"],
        "area_code": row["area_code"],
        "area_name": areas.require(row["area_code"]).name,
        "status": row["status"],
        "status_name": PROJECT_STATUS_NAMES.get(row["status"], row["status"]),
        "actual_percent": row["actual_percent"],
        "completed_on": row["completed_on"].isoformat() if row["completed_on"] else None,
        "same_year": row["same_year"],
        "flagged": row["flagged"],
        "findings": row["findings"],
        "findings_closed": row["findings_closed"],
        "evaluation_grade": row["evaluation_grade"],
        "satisfaction_grade": row["satisfaction_grade"],
    }


def _completion(totals: dict[str, int]) -> dict[str, Any]:
    """Same-year completion: completed in the project's own year, of all the year's projects."""
    done, projects = totals["completed_same_year"], totals["projects"]
    return {
        "projects": projects,
        "completed_same_year": done,
        "rate_percent": _percent(done, projects),
    }


def _funds(totals: dict[str, int]) -> dict[str, Any]:
    budget, disbursed, paid = totals["budget_fen"], totals["disbursed_fen"], totals["paid_fen"]
    return {
        "budget_fen": budget,
        "disbursed_fen": disbursed,
        "paid_fen": paid,
        "budget_yuan": _yuan(budget),
        "disbursed_yuan": _yuan(disbursed),
        "paid_yuan": _yuan(paid),
        "disbursement_percent": _percent(disbursed, budget),
    }


def _findings(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    by_state: dict[str, int] = dict.fromkeys(FINDING_STATES, 0)
    by_source: dict[str, int] = defaultdict(int)
    for state, source, count in rows:
        by_state[state] = by_state.get(state, 0) + count
        by_source[source] += count
    total = sum(by_state.values())
    return {
        "total": total,
        "by_state": by_state,
        "by_source": dict(by_source),
        "closed_percent": _percent(by_state.get("closed", 0), total),
    }


def _evaluations(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    by_kind: dict[str, dict[str, int]] = {kind: {} for kind in contract.EVALUATION_KINDS}
    for kind, grade, count in rows:
        by_kind[kind][grade] = count
    return {"by_kind": by_kind}


def _satisfaction(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    grades = dict.fromkeys(contract.SATISFACTION_GRADES, 0)
    votes = dict.fromkeys(("satisfied", "basically", "dissatisfied", "abstain"), 0)
    for grade, projects, *counts in rows:
        grades[grade or NO_VALID_BALLOT] = projects
        for name, value in zip(votes, counts, strict=True):
            votes[name] += int(value or 0)
    return {"grades": grades, "votes": votes}


def get_report(session: Session, guard: Guard, query: dict[str, Any], now: datetime) -> dict:
    return dump(contract.YearEndReport, figures(session, guard, query, now))


def export_report(
    session: Session, guard: Guard, query: dict[str, Any], fmt: str, now: datetime
) -> dict[str, Any]:
    report = figures(session, guard, query, now)
    content = year_end_docx(report) if fmt == "docx" else exports.to_xlsx(_tables(report))
    return dump(
        ExportFile,
        {
            "file_name": f"年度监督评价报告_{report['area_name']}_{report['year']}.{fmt}",
            "ascii_file_name": f"year-end-{report['area_code']}-{report['year']}.{fmt}",
            "content_type": FORMATS[fmt],
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )


def _tables(report: dict[str, Any]) -> list[exports.Table]:
    findings = report["findings"]
    return [
        _summary(report),
        exports.Table("projects", "项目清单", PROJECT_HEADERS, project_table_rows(report)),
        exports.Table(
            "findings", "问题整改", ["状态", "数量"], sorted(findings["by_state"].items())
        ),
        exports.Table(
            "sources", "问题来源", ["来源", "数量"], sorted(findings["by_source"].items())
        ),
        exports.Table("evaluations", "绩效评价", ["类别", "等级", "数量"], _grade_rows(report)),
        exports.Table(
            "satisfaction",
            "满意度测评",
            ["等级", "项目数"],
            sorted(report["satisfaction"]["grades"].items()),
        ),
    ]


def _grade_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [KIND_NAMES[kind], grade, count]
        for kind, grades in sorted(report["evaluations"]["by_kind"].items())
        for grade, count in sorted(grades.items())
    ]


def _summary(report: dict[str, Any]) -> exports.Table:
    completion, funds, findings = report["completion"], report["funds"], report["findings"]
    return exports.Table(
        "summary",
        "概况",
        ["指标", "数值"],
        [
            ["项目数", completion["projects"]],
            ["当年完成", completion["completed_same_year"]],
            ["完成率(%)", completion["rate_percent"]],
            ["预算(元)", exports.yuan(funds["budget_fen"])],
            ["已拨付(元)", exports.yuan(funds["disbursed_fen"])],
            ["已支付(元)", exports.yuan(funds["paid_fen"])],
            ["拨付率(%)", funds["disbursement_percent"]],
            ["发现问题", findings["total"]],
            ["已整改销号", findings["by_state"].get("closed", 0)],
        ],
    )
