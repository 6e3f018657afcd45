"""Reports and exports (报表与导出) of one area subtree and year, for staff within scope.

Read-only: nothing is written, so there is nothing to commit. A report holds counts, means and
list facts; the export adds one row per proposal, still without personal data.
"""

import base64
import json
from datetime import datetime
from typing import Any

from contracts.reference import CATEGORIES, CHANNELS, PROPOSAL_STATUSES, SCREENING_VERDICTS
from contracts.reports import CONTENT_TYPES, CollectionReport, ExportFile
from servicekit import areas
from servicekit.auth import Guard
from servicekit.clock import as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import exports, report_tables
from ..db import reports as db
from ..domain.intake import STAFF_ROLES

ADOPTION_RESULTS = ("adopted", "not_adopted")


def _area(area_code: str) -> areas.Area:
    return areas.require(area_code)


def _every(vocabulary: tuple[str, ...], counts: dict[str, int]) -> dict[str, int]:
    """Every value of the vocabulary, zero included, then anything unexpected the data holds."""
    return {**dict.fromkeys(vocabulary, 0), **counts}


def _proposals(session: Session, area: areas.Area, year: int) -> dict[str, Any]:
    counts = db.proposal_counts(session, area.path, year)
    return {
        "total": sum(counts["channel"].values()),
        "by_channel": _every(CHANNELS, counts["channel"]),
        "by_category": _every(CATEGORIES, counts["category"]),
        "by_status": _every(PROPOSAL_STATUSES, counts["status"]),
    }


def _screening(session: Session, area: areas.Area, year: int) -> dict[str, Any]:
    summary = db.screening_summary(session, area.path, year)
    return {
        "screened": summary["screened"],
        "screenings": summary["screenings"],
        "verdicts": _every(SCREENING_VERDICTS, summary["verdicts"]),
        "mean_scores": summary["means"],
    }


def _items(raw: str) -> list[dict[str, Any]]:
    """A frozen list's candidates in ballot order; an item may be a bare proposal id."""
    items = json.loads(raw or "[]")
    return [item if isinstance(item, dict) else {"proposal_id": str(item)} for item in items]


def _candidate(item: dict[str, Any], position: int, facts: dict[str, Any]) -> dict[str, Any]:
    proposal_id = item.get("proposal_id")
    code, status, title, category = facts.get(proposal_id, (None, None, None, None))
    return {
        "position": int(item.get("position") or position),
        "proposal_id": proposal_id,
        "tracking_code": code,
        "title": item.get("title") or title or "",
        "category": item.get("category") or category,
        "estimated_cost_fen": item.get("estimated_cost_fen"),
        "lead_department": item.get("lead_department"),
        "result": status if status in ADOPTION_RESULTS else None,
    }


def _candidate_list(lst: db.CandidateList, facts: dict[str, Any]) -> dict[str, Any]:
    candidates = [
        _candidate(item, number, facts) for number, item in enumerate(_items(lst.items), 1)
    ]
    results = None
    if lst.results_session_id is not None:
        outcomes = [c["result"] for c in candidates]
        results = {
            "session_id": lst.results_session_id,
            "digest": lst.results_digest,
            "announced_at": lst.results_announced_at and as_utc(lst.results_announced_at),
            **{name: outcomes.count(name) for name in ADOPTION_RESULTS},
        }
    return {
        "id": lst.id,
        "draft_list_id": lst.draft_list_id,
        "area_code": lst.area_code,
        "seats": lst.seats,
        "differential_ratio_permille": lst.differential_ratio_permille,
        "content_hash": lst.content_hash,
        "frozen_at": as_utc(lst.frozen_at),
        "candidates": candidates,
        "results": results,
    }


def _candidate_lists(session: Session, area: areas.Area, year: int) -> list[dict[str, Any]]:
    lists = db.candidate_lists(session, area.path, year)
    ids = [item.get("proposal_id") for lst in lists for item in _items(lst.items)]
    facts = db.proposal_facts(session, (pid for pid in ids if pid))
    return [_candidate_list(lst, facts) for lst in lists]


def _report(session: Session, area: areas.Area, year: int, now: datetime) -> dict[str, Any]:
    return dump(
        CollectionReport,
        {
            "area_code": area.code,
            "area_name": area.name,
            "level": area.level,
            "year": year,
            "generated_at": now,
            "proposals": _proposals(session, area, year),
            "screening": _screening(session, area, year),
            "draft_lists": db.draft_list_rounds(session, area.path, year),
            "candidate_lists": _candidate_lists(session, area, year),
        },
    )


def get_report(
    session: Session, guard: Guard, query: dict[str, Any], now: datetime
) -> dict[str, Any]:
    guard.require(STAFF_ROLES, query["area_code"])
    return _report(session, _area(query["area_code"]), query["year"], now)


def _file_names(area: areas.Area, year: int, fmt: str, table: str | None) -> tuple[str, str]:
    """A Chinese name for people and an ASCII one for clients without RFC 5987 support."""
    part = f"_{report_tables.TITLES[table]}" if table else ""
    ascii_part = f"-{table}" if table else ""
    return (
        f"民生实事征集报表_{area.name}_{year}{part}.{fmt}",
        f"collection-report-{area.code}-{year}{ascii_part}.{fmt}",
    )


def _content(
    report: dict[str, Any], rows: list[dict[str, Any]], fmt: str, table: str | None
) -> bytes:
    shaped = report_tables.tables(report, rows)
    if fmt == "csv":
        return exports.to_csv(shaped[table or "summary"])  # the schema requires a csv table
    return exports.to_xlsx([shaped[table]] if table else list(shaped.values()))


def export_report(
    session: Session, guard: Guard, query: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The report as a file: xlsx (every table, or the one asked for) or csv (one table)."""
    guard.require(STAFF_ROLES, query["area_code"])
    area, year, table = _area(query["area_code"]), query["year"], query["table"]
    report = _report(session, area, year, now)
    # The proposal rows are the one large query: read them only when they are exported.
    rows = db.proposal_rows(session, area.path, year) if table in (None, "proposals") else []
    file_name, ascii_name = _file_names(area, year, query["format"], table)
    return dump(
        ExportFile,
        {
            "file_name": file_name,
            "ascii_file_name": ascii_name,
            "content_type": CONTENT_TYPES[query["format"]],
            "content_base64": base64.b64encode(
                _content(report, rows, query["format"], table)
            ).decode("ascii"),
        },
    )
