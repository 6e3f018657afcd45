"""Implementation's treasury routes (国库集中支付对账) and the open-data export of project money.

An import and an on-demand reconciliation go to the level of `area_code`; a reconciliation is
read at the level its id's letter names (the service checks the report's area). The open data
is public: it holds what the projects' public pages show, by fund source.
"""

from contracts import funds as f
from contracts import treasury as t
from contracts.funds import FundsRpc as Rpc
from contracts.implementation import IMPLEMENTATION

from ...table import Area, Letter
from ...table.route import routes_of
from . import roles

route = routes_of(IMPLEMENTATION, "implementation")
RECONCILIATION = "/api/v1/reconciliations/<string:reconciliation_id>"
IN_RECONCILIATION = Letter(
    "path", "reconciliation_id", f.leveled_id_level, "对账报告不存在 (unknown reconciliation)"
)

ROUTES = (
    route(
        "post",
        "/api/v1/treasury-imports",
        Rpc.import_treasury_payments,
        "导入国库集中支付明细（CSV 或 JSON）并与拨付对账 (import treasury payments, reconcile)",
        roles=roles.FINANCE,
        where=Area.body(),
        body=f.TreasuryImportIn,
        body_note=(
            "任一行有误即整体拒绝（422，逐行列出错误），不写入任何记录；同一文件再次导入返回首次"
            "结果 (any bad row refuses the whole file with every row's errors; the same file "
            'again answers its first import). Formats: README, "Treasury import".'
        ),
        response=t.TreasuryImport,
        status=201,
        refuses=(409, 422),
    ),
    route(
        "post",
        "/api/v1/reconciliations",
        Rpc.reconcile_treasury,
        "按当前数据重新对账 (reconcile the area's year again, without a new file)",
        roles=roles.FINANCE,
        where=Area.body(),
        body=t.ReconciliationIn,
        response=t.Reconciliation,
        status=201,
        refuses=(409,),
    ),
    route(
        "get",
        RECONCILIATION,
        Rpc.get_reconciliation,
        "对账报告：金额不一致、双方缺失、重复记录 (a reconciliation report, every list)",
        roles=roles.TREASURY_READ,
        where=IN_RECONCILIATION,
        response=t.Reconciliation,
    ),
    route(
        "get",
        f"{RECONCILIATION}/export",
        Rpc.export_reconciliation,
        "导出对账报告（Excel）(the reconciliation report as an Excel workbook)",
        roles=roles.TREASURY_READ,
        where=IN_RECONCILIATION,
        files=(t.XLSX,),
    ),
    route(
        "get",
        "/api/v1/open-data/funds",
        Rpc.export_fiscal_data,
        "民生实事项目资金公开数据（Fiscal Data Package：datapackage.json + CSV 的 zip）"
        "(a year's project funds as a Fiscal Data Package)",
        where=Area.query(scoped=False),
        query=f.FiscalDataQuery,
        files=(t.ZIP,),
        public_limit=True,
    ),
)
