"""The reconciliation report (对账报告): stored as it was made (projects renamed later keep the
title they had), answered as JSON, and as an Excel workbook for officials — a summary sheet
and one sheet per list, Chinese headers, yuan."""

import base64
from datetime import date
from typing import Any

from contracts import treasury as contract
from contracts.reports import ExportFile
from servicekit import tables
from servicekit.clock import as_utc
from servicekit.tables import Table, beijing, yuan
from servicekit.validation import dump

from ..db.models import FundFlow, Project, ReconciliationRun, TreasuryPayment
from ..domain.funds import source_name
from ..domain.reconciliation import Pair, Reconciliation, Record, difference_fen
from .common import area, loads

Flows = dict[str, tuple[FundFlow, Project]]


def _ours(flow: FundFlow, project: Project) -> dict[str, Any]:
    return {
        "flow_id": flow.id,
        "project_id": project.id,
        "project_title": project.title,
        "mof_div_code": project.mof_div_code,
        "fiscal_year": project.year,
        "pro_code": project.pro_code,
        "voucher_no": flow.voucher_no,
        "amount_fen": flow.amount_fen,
        "flow_date": flow.flow_date.isoformat(),
        "source": flow.source,
        "source_name": source_name(flow.source),
        "payee": flow.payee,
    }


def _theirs(payment: TreasuryPayment) -> dict[str, Any]:
    return {
        "payment_id": payment.payment_id,
        "import_id": payment.import_id,
        "mof_div_code": payment.mof_div_code,
        "fiscal_year": payment.fiscal_year,
        "pro_code": payment.pro_code,
        "voucher_no": payment.voucher_no,
        "amount_fen": payment.amount_fen,
        "paid_on": payment.paid_on.isoformat(),
        "payee": payment.payee,
    }


def body(result: Reconciliation, flows: Flows, payments: dict[str, TreasuryPayment]) -> dict:
    """Every list of the result, each record with what a reader needs to find it."""

    def ours(record: Record) -> dict[str, Any]:
        return _ours(*flows[record.record_id])

    def theirs(record: Record) -> dict[str, Any]:
        return _theirs(payments[record.record_id])

    def pair(both: Pair) -> dict[str, Any]:
        return {
            "ours": ours(both[0]),
            "treasury": theirs(both[1]),
            "difference_fen": difference_fen(both),
        }

    return {
        "amount_mismatches": [pair(p) for p in result.amount_mismatches],
        "missing_in_ours": [theirs(r) for r in result.missing_in_ours],
        "missing_in_treasury": [ours(r) for r in result.missing_in_treasury],
        "duplicates_in_treasury": [theirs(r) for r in result.duplicates_in_treasury],
        "duplicates_in_ours": [ours(r) for r in result.duplicates_in_ours],
        "matched": [pair(p) for p in result.matched],
    }


DATES = ("flow_date", "paid_on")  # stored as ISO text in the JSON body


def _revived(value: Any) -> Any:
    """The stored body with its dates as dates again, for the answer schema."""
    if isinstance(value, list):
        return [_revived(item) for item in value]
    if isinstance(value, dict):
        return {k: date.fromisoformat(v) if k in DATES else _revived(v) for k, v in value.items()}
    return value


def view(run: ReconciliationRun) -> dict[str, Any]:
    return dump(
        contract.Reconciliation,
        {
            "id": run.id,
            "area_code": run.area_code,
            "area_name": area(run.area_code).name,
            "level": run.level,
            "year": run.year,
            "import_id": run.import_id,
            "summary": loads(run.summary),
            **_revived(loads(run.body)),
            "created_by": run.created_by,
            "created_at": as_utc(run.created_at),
        },
    )


SUMMARY_HEADERS = ("项目", "笔数", "金额（元）")
SUMMARY_LINES = (  # label, count key, fen key
    ("本系统拨付记录", "ours_records", "ours_fen"),
    ("国库支付记录", "treasury_records", "treasury_fen"),
    ("已核对一致", "matched", "matched_fen"),
    ("金额不一致（本系统金额）", "amount_mismatches", "mismatch_ours_fen"),
    ("金额不一致（国库金额）", "amount_mismatches", "mismatch_treasury_fen"),
    ("金额不一致（差额：国库 − 本系统）", "amount_mismatches", "mismatch_difference_fen"),
    ("本系统已拨付、国库无支付记录", "missing_in_treasury", "missing_in_treasury_fen"),
    ("国库已支付、本系统无拨付记录", "missing_in_ours", "missing_in_ours_fen"),
    ("国库重复记录", "duplicates_in_treasury", "duplicates_in_treasury_fen"),
    ("本系统重复记录", "duplicates_in_ours", "duplicates_in_ours_fen"),
)
KEY_HEADERS = ("财政区划代码", "预算年度", "项目代码", "支付凭证号")
OURS_HEADERS = (
    *KEY_HEADERS,
    "项目编号",
    "项目名称",
    "资金来源",
    "拨付金额（元）",
    "拨付日期",
    "收款单位",
)
THEIRS_HEADERS = (*KEY_HEADERS, "支付流水号", "支付金额（元）", "支付日期", "收款单位", "导入批次")
PAIR_HEADERS = (
    *KEY_HEADERS, "项目编号", "项目名称", "拨付金额（元）", "国库支付金额（元）", "差额（元）",
    "拨付日期", "支付日期", "支付流水号",
)  # fmt: skip


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return record["mof_div_code"], record["fiscal_year"], record["pro_code"], record["voucher_no"]


def _ours_row(r: dict[str, Any]) -> tuple[Any, ...]:
    return (
        *_key(r), r["project_id"], r["project_title"], r["source_name"], yuan(r["amount_fen"]),
        r["flow_date"], r["payee"],
    )  # fmt: skip


def _theirs_row(r: dict[str, Any]) -> tuple[Any, ...]:
    return (
        *_key(r), r["payment_id"], yuan(r["amount_fen"]), r["paid_on"], r["payee"], r["import_id"],
    )  # fmt: skip


def _pair_row(p: dict[str, Any]) -> tuple[Any, ...]:
    ours, theirs = p["ours"], p["treasury"]
    return (
        *_key(ours), ours["project_id"], ours["project_title"], yuan(ours["amount_fen"]),
        yuan(theirs["amount_fen"]), yuan(p["difference_fen"]), ours["flow_date"],
        theirs["paid_on"], theirs["payment_id"],
    )  # fmt: skip


def _sheets(answer: dict[str, Any]) -> list[Table]:
    summary = answer["summary"]
    head = [
        ("地区", answer["area_name"], answer["area_code"]),
        ("预算年度", answer["year"], None),
        ("对账时间（北京时间）", beijing(answer["created_at"]), None),
        ("对账结论", "全部一致" if summary["clean"] else "存在差异，请核实", None),
    ]
    lines = [(label, summary[n], yuan(summary[f])) for label, n, f in SUMMARY_LINES]
    shapes = {"missing_in_ours": (THEIRS_HEADERS, _theirs_row)}
    shapes["duplicates_in_treasury"] = shapes["missing_in_ours"]
    shapes["missing_in_treasury"] = shapes["duplicates_in_ours"] = (OURS_HEADERS, _ours_row)
    shapes["amount_mismatches"] = shapes["matched"] = (PAIR_HEADERS, _pair_row)
    tables_ = [Table("summary", "对账汇总", SUMMARY_HEADERS, [*head, *lines])]
    for key, title in contract.RECONCILIATION_LISTS.items():
        headers, shape = shapes[key]
        tables_.append(Table(key, title, headers, [shape(item) for item in answer[key]]))
    return tables_


def export(run: ReconciliationRun) -> dict[str, Any]:
    answer = view(run)
    answer["created_at"] = run.created_at
    content = tables.to_xlsx(_sheets(answer))
    return dump(
        ExportFile,
        {
            "file_name": f"国库支付对账_{answer['area_name']}_{run.year}_{run.id}.xlsx",
            "ascii_file_name": f"reconciliation-{run.area_code}-{run.year}-{run.id}.xlsx",
            "content_type": contract.XLSX,
            "content_base64": base64.b64encode(content).decode("ascii"),
        },
    )
