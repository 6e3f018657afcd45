"""Reports: the collection report of an area and year as JSON, and as an Excel or CSV file."""

from contracts import reports as c
from contracts.rpc import COLLECTION
from contracts.rpc import CollectionRpc as Rpc

from ...table import Area
from ...table.route import routes_of
from . import roles

route = routes_of(COLLECTION, "reports")

ROUTES = (
    route(
        "get",
        "/api/v1/reports/collection",
        Rpc.get_report,
        "征集情况报表：渠道、类别、状态、评分、轮次、候选清单 (collection report)",
        name="get_collection_report",
        roles=roles.REPORT,
        where=Area.query(),
        query=c.ReportQuery,
        response=c.CollectionReport,
    ),
    route(
        "get",
        "/api/v1/reports/collection/export",
        Rpc.export_report,
        "导出征集情况报表：Excel 全部表格或 CSV 单表 (export the report as xlsx or csv)",
        name="export_collection_report",
        roles=roles.REPORT,
        where=Area.query(),
        query=c.ExportQuery,
        files=tuple(c.CONTENT_TYPES.values()),
    ),
)
