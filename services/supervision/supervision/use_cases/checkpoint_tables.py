"""The chairpersons' meeting records as tables: the summary counts, the progress figures as
filed, and the workbook (servicekit.tables: formula-safe cells, one sheet per table)."""

from typing import Any

from contracts import supervision_checkpoints as contract
from servicekit import tables
from servicekit.tables import Table


def summary_rows(records: dict[str, Any]) -> list[tuple[str, int]]:
    counts = records["counts"]
    rows = [("应报告数", counts["expected"]), ("已报告数", counts["filed"])]
    rows += [(f"评价{contract.VERDICT_NAMES[v]}", counts["verdicts"][v]) for v in contract.VERDICTS]
    return [*rows, ("逾期未报数", counts["missing"])]


def figures(snapshot: dict[str, Any] | None) -> list[Any]:
    """实际进度 · 计划进度 · 序时状态 · 预算 · 已拨付 · 已支付 (yuan), as filed."""
    if snapshot is None:
        return [None] * 6
    money = [tables.yuan(snapshot[k]) for k in ("budget_fen", "disbursed_fen", "paid_fen")]
    return [snapshot["actual_percent"], snapshot["planned_percent"], snapshot["standing"], *money]


FIGURE_HEADERS = ("实际进度(%)", "计划进度(%)", "序时状态", "预算(元)", "已拨付(元)", "已支付(元)")


def to_xlsx(records: dict[str, Any]) -> bytes:
    """汇总 · 项目情况 · 问答 · 发现问题 · 逾期未报, one sheet each."""
    items = records["items"]
    return tables.to_xlsx(
        [
            Table("summary", "汇总", ("项目", "数量"), summary_rows(records)),
            Table("reports", "项目情况", REPORT_HEADERS, [_report_row(i) for i in items]),
            Table("answers", "问答", ("监督组", "项目", "问题", "回答"), _answer_rows(items)),
            Table("findings", "发现问题", ("监督组", "项目", "问题", "照片"), _finding_rows(items)),
            Table("missing", "逾期未报", ("监督组", "项目", "已催办"), _missing_rows(items)),
        ]
    )


REPORT_HEADERS = ("监督组", "项目", "评价", "是否逾期未报", *FIGURE_HEADERS, "发现问题数")


def _report_row(item: dict[str, Any]) -> list[Any]:
    verdict = item["verdict_name"] or "未报告"
    late = "是" if item["missing"] else "否"
    head = [item["group_name"], item["project_title"], verdict, late]
    return [*head, *figures(item["snapshot"]), len(item["findings"])]


def _answer_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [i["group_name"], i["project_title"], a["question"], a["answer"]]
        for i in items
        for a in i["answers"]
    ]


def _finding_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [i["group_name"], i["project_title"], f["text"], "、".join(f["photos"])]
        for i in items
        for f in i["findings"]
    ]


def _missing_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    steps = lambda i: "、".join(r["step_name"] for r in i["reminders"]) or "尚未催办"  # noqa: E731
    return [[i["group_name"], i["project_title"], steps(i)] for i in items if i["missing"]]
