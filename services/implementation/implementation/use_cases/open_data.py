"""Open data (财政资金公开): a year's project money of an area and everything under it as a
Fiscal Data Package (domain.fiscal_data), one zip of datapackage.json and funds.csv. Anyone may
download it: it holds what each project's public page shows already, by fund source."""

import base64
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from contracts import treasury as contract
from contracts.reference import LEVEL_NAMES
from contracts.reports import ExportFile
from servicekit import areas
from servicekit.clock import BEIJING, as_utc
from servicekit.validation import dump
from sqlalchemy.orm import Session

from ..db import funds as funds_db
from ..db import treasury as db
from ..db.models import Project
from ..domain import fiscal_data as fdp
from ..domain.funds import FUND_SOURCE_NAMES, FUND_SOURCES
from .common import area, loads


def _project(row: Project) -> dict[str, Any]:
    place = areas.load().get(row.area_code)
    return {
        "project_id": row.id,
        "project_title": row.title,
        "pro_code": row.pro_code or "",
        "mof_div_code": row.mof_div_code or "",
        "area_code": row.area_code,
        "area_name": place.name if place else row.area_code,
        "area_level": row.level,
        "area_level_name": LEVEL_NAMES[row.level],
        "fiscal_year": row.year,
    }


def fund_lines(session: Session, place: areas.Area, year: int) -> list[fdp.FundLine]:
    rows = [r for r in funds_db.projects_in(session, place.path, year) if r.budget_version]
    ids = [r.id for r in rows]
    first, current = db.first_budgets(session, ids), funds_db.current_budgets(session, ids)
    sums = funds_db.flow_sums(session, ids)
    lines: list[fdp.FundLine] = []
    for row in rows:
        lines += fdp.lines_of(
            _project(row),
            loads(first[row.id].amounts) if row.id in first else {},
            loads(current[row.id].amounts) if row.id in current else {},
            sums.get(row.id, {}),
            FUND_SOURCES,
            FUND_SOURCE_NAMES,
        )
    return lines


def _zipped(files: dict[str, bytes], moment: datetime) -> bytes:
    """A zip whose entries carry the export's Beijing time: the same data, the same bytes."""
    stamp = as_utc(moment).astimezone(BEIJING).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def export_fiscal_data(session: Session, query: dict[str, Any], now: datetime) -> dict[str, Any]:
    place, year = area(query["area_code"]), query["year"]
    content = fdp.to_csv(fund_lines(session, place, year))
    created = as_utc(now).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    descriptor = fdp.descriptor(place.code, place.name, year, content, created)
    package = json.dumps(descriptor, ensure_ascii=False, indent=2).encode("utf-8")
    archive = _zipped({"datapackage.json": package, fdp.CSV_NAME: content}, now)
    return dump(
        ExportFile,
        {
            "file_name": f"民生实事项目资金_{place.name}_{year}_fiscal-data-package.zip",
            "ascii_file_name": f"minsheng-funds-{place.code}-{year}.zip",
            "content_type": contract.ZIP,
            "content_base64": base64.b64encode(archive).decode("ascii"),
        },
    )
