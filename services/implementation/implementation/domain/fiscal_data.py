"""A year's project money as a Fiscal Data Package (Open Knowledge's open fiscal data format:
a Tabular Data Package whose `model` maps CSV columns to measures and dimensions), pure:
standard library only.

One CSV row per project and fund source, in yuan with two decimals. Measures, all expenditure
in CNY: `allocated` (年初预算: the first budget version, phase "approved"), `adjusted` (调整后预
算: the current version), `executed` (已拨付: disbursed) and `paid` (已支付: paid out of the
disbursed money; also phase "executed"). Dimensions: the project (id, title, finance codes),
the fund source (code and Chinese name), the area (code, name, level) and the fiscal year.
Only what the public project page shows already: no staff names, no payees, no vouchers.
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

RESOURCE = "funds"
CSV_NAME = "funds.csv"
MEASURES = {  # column → (phase, title)
    "allocated": ("approved", "年初预算（首次下达）(allocated: the first budget)"),
    "adjusted": ("adjusted", "调整后预算 (adjusted: the current budget)"),
    "executed": ("executed", "已拨付 (executed: disbursed)"),
    "paid": ("executed", "已支付 (paid out of what was disbursed)"),
}
COLUMNS: tuple[tuple[str, str, str], ...] = (  # name, Table Schema type, title
    ("project_id", "string", "项目编号 (project id)"),
    ("project_title", "string", "项目名称 (project title)"),
    ("pro_code", "string", "项目代码 (finance project code)"),
    ("mof_div_code", "string", "财政区划代码 (finance division code)"),
    ("fund_source_code", "string", "资金来源代码 (fund source code)"),
    ("fund_source_name", "string", "资金来源 (fund source)"),
    ("area_code", "string", "行政区划代码 (area code)"),
    ("area_name", "string", "地区 (area)"),
    ("area_level", "string", "层级代码 (level: city, banner, township)"),
    ("area_level_name", "string", "层级 (level)"),
    ("fiscal_year", "year", "预算年度 (fiscal year)"),
    *((name, "number", title) for name, (_, title) in MEASURES.items()),
)
DIMENSIONS: dict[str, dict[str, Any]] = {
    "project": {
        "attributes": ("project_id", "project_title", "pro_code", "mof_div_code"),
        "primaryKey": "project_id",
        "dimensionType": "activity",
        "labels": {"project_title": "project_id"},
    },
    "fund_source": {
        "attributes": ("fund_source_code", "fund_source_name"),
        "primaryKey": "fund_source_code",
        "dimensionType": "classification",
        "labels": {"fund_source_name": "fund_source_code"},
    },
    "area": {
        "attributes": ("area_code", "area_name", "area_level", "area_level_name"),
        "primaryKey": "area_code",
        "dimensionType": "location",
        "labels": {"area_name": "area_code", "area_level_name": "area_level"},
    },
    "fiscal_year": {
        "attributes": ("fiscal_year",),
        "primaryKey": "fiscal_year",
        "dimensionType": "datetime",
        "labels": {},
    },
}


@dataclass(frozen=True)
class FundLine:
    """One project's money from one fund source in one year, in fen."""

    project_id: str
    project_title: str
    pro_code: str
    mof_div_code: str
    fund_source_code: str
    fund_source_name: str
    area_code: str
    area_name: str
    area_level: str
    area_level_name: str
    fiscal_year: int
    allocated: int
    adjusted: int
    executed: int
    paid: int


def yuan_text(fen: int) -> str:
    """Integer fen as exact yuan text with two decimals: 123456 → "1234.56", -5 → "-0.05"."""
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def to_csv(lines: Iterable[FundLine]) -> bytes:
    """UTF-8 without a byte-order mark (machine readers take the header as it is), CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in COLUMNS])
    for line in sorted(lines, key=lambda x: (x.project_id, x.fund_source_code)):
        writer.writerow(
            yuan_text(getattr(line, name)) if name in MEASURES else getattr(line, name)
            for name, _, _ in COLUMNS
        )
    return buffer.getvalue().encode("utf-8")


def _schema() -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for name, kind, title in COLUMNS:
        field: dict[str, Any] = {"name": name, "type": kind, "title": title}
        if name in MEASURES:
            field["decimalChar"] = "."
        field["constraints"] = {"required": name not in ("pro_code", "mof_div_code")}
        fields.append(field)
    return {"fields": fields, "primaryKey": ["project_id", "fund_source_code"]}


def _model() -> dict[str, Any]:
    measures = {
        name: {"source": name, "currency": "CNY", "direction": "expenditure", "phase": phase}
        for name, (phase, _) in MEASURES.items()
    }
    dimensions = {}
    for name, dimension in DIMENSIONS.items():
        attributes: dict[str, dict[str, str]] = {}
        for column in dimension["attributes"]:
            attributes[column] = {"source": column}
            if column in dimension["labels"]:
                attributes[column]["labelfor"] = dimension["labels"][column]
        dimensions[name] = {
            "attributes": attributes,
            "primaryKey": dimension["primaryKey"],
            "dimensionType": dimension["dimensionType"],
        }
    return {"measures": measures, "dimensions": dimensions}


def descriptor(
    area_code: str, area_name: str, year: int, content: bytes, created: str
) -> dict[str, Any]:
    """datapackage.json for the CSV `content` (its size and hash included)."""
    return {
        "profile": "tabular-data-package",
        "name": f"minsheng-funds-{area_code}-{year}",
        "title": f"{area_name} {year} 年民生实事项目资金 (livelihood project funds, {year})",
        "description": (
            "民生实事项目按资金来源的年初预算、调整后预算、已拨付与已支付金额（元）。"
            " Livelihood projects' budgets by fund source — first allocated, adjusted, "
            "disbursed (executed) and paid — in yuan (CNY)."
        ),
        "keywords": ["民生实事", "fiscal", "budget", "China"],
        "created": created,
        "countryCode": "CN",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "resources": [
            {
                "name": RESOURCE,
                "path": CSV_NAME,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
                "schema": _schema(),
            }
        ],
        "model": _model(),
    }


def lines_of(
    project: dict[str, Any],
    first: dict[str, int],
    current: dict[str, int],
    flows: dict[str, dict[str, int]],
    sources: Sequence[str],
    source_names: dict[str, str],
) -> list[FundLine]:
    """A project's lines: every source with money in its first or current budget or flows."""
    disbursed, paid = flows.get("disbursement", {}), flows.get("payment", {})
    used = [s for s in sources if first.get(s) or current.get(s) or disbursed.get(s) or paid.get(s)]
    return [
        FundLine(
            **project,
            fund_source_code=source,
            fund_source_name=source_names.get(source, source),
            allocated=first.get(source, 0),
            adjusted=current.get(source, 0),
            executed=disbursed.get(source, 0),
            paid=paid.get(source, 0),
        )
        for source in used
    ]
