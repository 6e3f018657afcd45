"""Report routes: the collection report of an area and year as JSON, and as an Excel or CSV
download. Login and area scope are checked here; which roles may read reports is the
collection service's rule. Errors stay the JSON envelope; only success is a file.
"""

import base64
import re
from typing import Any
from urllib.parse import quote

from contracts import reports as contract
from contracts.rpc import COLLECTION, CollectionRpc
from servicekit.http import http
from servicekit.validation import load
from werkzeug.wrappers import Request, Response

from .. import web
from ..apidoc import Route

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]")


def _query(request: Request, *names: str) -> dict[str, Any]:
    """Query parameters are strings; the year is an integer for the (strict) schema."""
    values = web.query(request, *names)
    year = values.get("year")
    if isinstance(year, str) and year.isdigit():
        values["year"] = int(year)
    return values


def content_disposition(file_name: str, ascii_name: str) -> str:
    """`filename` for old clients (ASCII only), `filename*` (RFC 5987/6266) with the Chinese
    name in UTF-8, which every current browser prefers."""
    fallback = _NOT_TOKEN.sub("_", ascii_name) or "report"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def file_response(exported: dict[str, Any]) -> Response:
    response = Response(
        base64.b64decode(exported["content_base64"]),
        status=200,
        content_type=exported["content_type"],
    )
    response.headers["Content-Disposition"] = content_disposition(
        exported["file_name"], exported["ascii_file_name"]
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # internal figures: no shared caches
    return response


class ReportRoutes:
    """Mixed into GatewayService, which provides `rpc` and `identity`."""

    rpc: Any
    identity: Any

    @http("GET", "/api/v1/reports/collection")
    def get_collection_report(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = _query(request, "area_code", "year")
        query = load(contract.ReportQuery, raw)
        self.identity.require(area_code=query["area_code"])
        return web.ok(
            self.rpc.for_area(COLLECTION, query["area_code"], CollectionRpc.get_report, raw)
        )

    @http("GET", "/api/v1/reports/collection/export")
    def export_collection_report(self, request: Request) -> Response:
        self.identity.require()  # 401 before any detail of the request
        raw = _query(request, "area_code", "year", "format", "table")
        query = load(contract.ExportQuery, raw)
        self.identity.require(area_code=query["area_code"])
        exported = self.rpc.for_area(
            COLLECTION, query["area_code"], CollectionRpc.export_report, raw
        )
        return file_response(exported)


DOCS = (
    Route(
        "get",
        "/api/v1/reports/collection",
        "征集情况报表：渠道、类别、状态、评分、轮次、候选清单 (collection report)",
        "reports",
        contract.CollectionReport,
        query=contract.ReportQuery,
        login=True,
    ),
    Route(
        "get",
        "/api/v1/reports/collection/export",
        "导出征集情况报表：Excel 全部表格或 CSV 单表 (export the report as xlsx or csv)",
        "reports",
        query=contract.ExportQuery,
        login=True,
        files=tuple(contract.CONTENT_TYPES.values()),
    ),
)
