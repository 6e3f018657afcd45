"""The collection report as tables with Chinese headers and readable values, for the exports.

Money is shown in yuan with two decimals, computed exactly from integer fen (Decimal); times
in Beijing time. No personal data enters any table: the inputs carry none.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.reference import CATEGORIES, CHANNELS, PROPOSAL_STATUSES, SCREENING_VERDICTS
from contracts.reports import PRINCIPLE_NAMES, PRINCIPLES
from servicekit import areas
from servicekit.tables import Table, beijing, yuan

CHANNEL_NAMES = {
    "online": "网上征集",
    "deputy": "代表收集",
    "department": "部门重点征集",
    "letter": "群众来信",
    "visit": "群众来访",
    "hotline": "热线电话",
    "petition": "信访代办转入",
}
STATUS_NAMES = {
    "submitted": "待筛选",
    "in_library": "已入库",
    "rejected": "未入库",
    "needs_info": "需补充信息",
    "merged": "已合并",
    "adopted": "票决通过",
    "not_adopted": "票决未通过",
}
VERDICT_NAMES = {"in_library": "入库", "rejected": "不予入库", "needs_info": "需补充信息"}
DRAFT_STATUS_NAMES = {"drafting": "起草中", "in_round": "征求意见中", "frozen": "已冻结"}
TITLES = {
    "summary": "概况",
    "proposals": "建议明细",
    "screening": "筛选评分",
    "rounds": "三上三下轮次",
    "candidates": "候选清单",
}


def area_name(code: str) -> str:
    area = areas.load().get(code)
    return area.name if area else code


def _summary(report: dict[str, Any]) -> Table:
    proposals, screening = report["proposals"], report["screening"]
    rows: list[list[Any]] = [
        ["地区", "", f"{report['area_name']}（{report['area_code']}）"],
        ["年度", "", report["year"]],
        ["生成时间（北京时间）", "", beijing(datetime.fromisoformat(report["generated_at"]))],
        ["建议", "合计", proposals["total"]],
    ]
    rows += [["渠道", CHANNEL_NAMES.get(c, c), proposals["by_channel"][c]] for c in CHANNELS]
    rows += [["类别", c, proposals["by_category"][c]] for c in CATEGORIES]
    rows += [["状态", STATUS_NAMES[s], proposals["by_status"][s]] for s in PROPOSAL_STATUSES]
    rows += _screening_rows(screening)
    rows.append(["三上三下", "草拟清单数", len(report["draft_lists"])])
    rows.append(["候选清单", "已冻结清单数", len(report["candidate_lists"])])
    return Table("summary", TITLES["summary"], ("项目", "分项", "数值"), rows)


def _screening_rows(screening: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["筛选", "已筛选建议数", screening["screened"]],
        ["筛选", "有效评分记录数（每位评分人取最新一次）", screening["screenings"]],
    ]
    rows += [["筛选结论", VERDICT_NAMES[v], screening["verdicts"][v]] for v in SCREENING_VERDICTS]
    rows += [["平均分（1–5）", PRINCIPLE_NAMES[p], screening["mean_scores"][p]] for p in PRINCIPLES]
    return rows


def _screening(report: dict[str, Any]) -> Table:
    rows = [row[1:] for row in _screening_rows(report["screening"])]
    return Table("screening", TITLES["screening"], ("项目", "数值"), rows)


PROPOSAL_HEADERS = (
    "查询码",
    "建议标题",
    "征集渠道",
    "类别",
    "状态",
    "地区代码",
    "地区",
    "估算金额（元）",
    "提交时间（北京时间）",
    "评分人数",
    *(f"{PRINCIPLE_NAMES[p]}均分" for p in PRINCIPLES),
)


def _proposals(rows: list[dict[str, Any]]) -> Table:
    shaped = [
        [
            row["tracking_code"],
            row["title"],
            CHANNEL_NAMES.get(row["channel"], row["channel"]),
            row["category"],
            STATUS_NAMES.get(row["status"], row["status"]),
            row["area_code"],
            area_name(row["area_code"]),
            yuan(row["estimated_cost_fen"]),
            beijing(row["submitted_at"]),
            row["screeners"],
            *(row[p] for p in PRINCIPLES),
        ]
        for row in rows
    ]
    return Table("proposals", TITLES["proposals"], PROPOSAL_HEADERS, shaped)


def _rounds(report: dict[str, Any]) -> Table:
    headers = (
        "清单名称",
        "地区代码",
        "地区",
        "状态",
        "计划轮次",
        "已完成轮次",
        "进行中轮次",
        "版本数",
    )
    rows = [
        [
            d["title"],
            d["area_code"],
            area_name(d["area_code"]),
            DRAFT_STATUS_NAMES.get(d["status"], d["status"]),
            d["rounds_planned"],
            d["rounds_done"],
            d["rounds_open"],
            d["versions"],
        ]
        for d in report["draft_lists"]
    ]
    return Table("rounds", TITLES["rounds"], headers, rows)


CANDIDATE_HEADERS = (
    "地区代码",
    "地区",
    "应选项目数",
    "差额比例",
    "冻结时间（北京时间）",
    "内容哈希",
    "票序",
    "查询码",
    "项目名称",
    "类别",
    "估算金额（元）",
    "建议牵头部门",
    "票决结果",
)


def _candidates(report: dict[str, Any]) -> Table:
    rows = []
    for lst in report["candidate_lists"]:
        head = [
            lst["area_code"],
            area_name(lst["area_code"]),
            lst["seats"],
            f"{Decimal(lst['differential_ratio_permille']) / 10}%",
            beijing(datetime.fromisoformat(lst["frozen_at"])),
            lst["content_hash"],
        ]
        for c in lst["candidates"]:
            result = STATUS_NAMES[c["result"]] if c["result"] else "未公布"
            tail = [c["tracking_code"], c["title"], c["category"]]
            tail += [yuan(c["estimated_cost_fen"]), c["lead_department"], result]
            rows.append([*head, c["position"], *tail])
    return Table("candidates", TITLES["candidates"], CANDIDATE_HEADERS, rows)


def tables(report: dict[str, Any], proposal_rows: list[dict[str, Any]]) -> dict[str, Table]:
    """Every table of the report, keyed by the `table` name an export asks for, in sheet order."""
    return {
        "summary": _summary(report),
        "proposals": _proposals(proposal_rows),
        "screening": _screening(report),
        "rounds": _rounds(report),
        "candidates": _candidates(report),
    }
