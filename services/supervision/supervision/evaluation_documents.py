"""Word documents of evaluation (python-docx): an evaluation report (绩效评价报告) and the
year-end evaluation report of an area (年度监督评价报告). Built from views already shaped by
the use cases; this module only lays them out. Officials file Word documents."""

import json
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from servicekit.word import table, to_bytes

KIND_NAMES = {"evaluation": "绩效评价", "pre_evaluation": "预评估"}


def _indicator_rows(
    nodes: Sequence[dict[str, Any]], scores: dict[str, str], level: int = 1
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for node in nodes:
        children = node.get("children") or []
        score = "" if children else scores.get(node["key"], "")
        rows.append([node["key"], "　" * (level - 1) + node["name"], level, node["weight"], score])
        rows.extend(_indicator_rows(children, scores, level + 1))
    return rows


def evaluation_docx(evaluation: dict[str, Any], version: Any) -> bytes:
    """The report of one evaluation: subject, total and grade, every indicator's score."""
    document = Document()
    kind = KIND_NAMES[evaluation["kind"]]
    subject = evaluation["project_title"] or evaluation["fund"]
    document.add_heading(f"{subject} {evaluation['year']} 年度{kind}报告", level=1)
    document.add_paragraph(
        f"指标体系：{evaluation['framework_name']}（第 {evaluation['framework_version']} 版）"
    )
    document.add_paragraph(f"综合得分：{evaluation['total']} 分　评价等级：{evaluation['grade']}")
    document.add_heading("指标得分", level=2)
    indicators = json.loads(version.indicators)
    rows = _indicator_rows(indicators, evaluation["scores"])
    table(document, ["编号", "指标", "级别", "分值/权重", "得分"], rows)
    document.add_heading("评价意见", level=2)
    document.add_paragraph(evaluation["remarks"] or "（无）")
    if evaluation["attachments"]:
        document.add_heading("附件", level=2)
        for attachment in evaluation["attachments"]:
            document.add_paragraph(str(attachment.get("file_name", "")))
    return to_bytes(document)


PROJECT_HEADERS = ["项目", "地区", "状态", "实际进度(%)", "完成日期", "问题数", "已销号",
                   "绩效评价", "满意度"]  # fmt: skip


def project_table_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [p["title"], p["area_name"], p["status_name"], p["actual_percent"], p["completed_on"],
         p["findings"], p["findings_closed"], p["evaluation_grade"], p["satisfaction_grade"]]
        for p in report["projects"]
    ]  # fmt: skip


def year_end_docx(report: dict[str, Any]) -> bytes:
    """The area's year-end evaluation report, one section per figure group."""
    document = Document()
    document.add_heading(f"{report['area_name']} {report['year']} 年度民生实事项目监督评价报告", 1)
    for section in (_completion, _funds, _findings, _evaluations, _satisfaction, _projects):
        section(document, report)
    return to_bytes(document)


def _completion(document: DocumentType, report: dict[str, Any]) -> None:
    completion = report["completion"]
    rate = completion["rate_percent"] or "—"
    document.add_heading("一、项目完成情况", level=2)
    document.add_paragraph(
        f"项目 {completion['projects']} 个，当年完成 {completion['completed_same_year']} 个，"
        f"完成率 {rate}%。"
    )


def _funds(document: DocumentType, report: dict[str, Any]) -> None:
    funds = report["funds"]
    document.add_heading("二、资金情况", level=2)
    ratio = f"{funds['disbursement_percent']}%" if funds["disbursement_percent"] else "—"
    row = [funds["budget_yuan"], funds["disbursed_yuan"], funds["paid_yuan"], ratio]
    table(document, ["预算（元）", "已拨付（元）", "已支付（元）", "拨付率"], [row])


def _findings(document: DocumentType, report: dict[str, Any]) -> None:
    findings = report["findings"]
    closed = findings["by_state"].get("closed", 0)
    document.add_heading("三、发现问题及整改", level=2)
    document.add_paragraph(f"发现问题 {findings['total']} 个，已整改销号 {closed} 个。")
    table(document, ["状态", "数量"], sorted(findings["by_state"].items()))
    table(document, ["来源", "数量"], sorted(findings["by_source"].items()))


def _evaluations(document: DocumentType, report: dict[str, Any]) -> None:
    document.add_heading("四、绩效评价", level=2)
    rows = [
        [KIND_NAMES[kind], grade, count]
        for kind, grades in sorted(report["evaluations"]["by_kind"].items())
        for grade, count in sorted(grades.items())
    ]
    table(document, ["类别", "等级", "数量"], rows)


def _satisfaction(document: DocumentType, report: dict[str, Any]) -> None:
    satisfaction = report["satisfaction"]
    votes = satisfaction["votes"]
    document.add_heading("五、满意度测评", level=2)
    table(document, ["等级", "项目数"], sorted(satisfaction["grades"].items()))
    counts = [votes["satisfied"], votes["basically"], votes["dissatisfied"], votes["abstain"]]
    table(document, ["满意", "基本满意", "不满意", "弃权"], [counts])


def _projects(document: DocumentType, report: dict[str, Any]) -> None:
    document.add_heading("六、项目清单", level=2)
    table(document, PROJECT_HEADERS, project_table_rows(report))
