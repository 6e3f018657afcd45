"""The chairpersons' meeting document in Word (python-docx): the title, 一、总体情况 (the
summary table), 二、项目监督情况 (each project: group, verdict, progress figures, answers,
findings), 三、逾期未报情况 (the missing reports and their reminders).

Text from the records passes through servicekit.word's `clean` (control characters would
break the XML).
"""

from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from servicekit.word import clean, table, to_bytes

from .checkpoint_tables import FIGURE_HEADERS, figures, summary_rows


def to_docx(records: dict[str, Any]) -> bytes:
    document = Document()
    heading = document.add_heading(clean(records["title"]), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    scope = records["area_name"] + (f" · {records['group_name']}" if records["group_name"] else "")
    document.add_paragraph(
        clean(f"{scope}　{records['stage_name']}　报告截止：{records['due_date']}")
    )
    _summary(document, records)
    _projects(document, records["items"])
    _missing(document, [item for item in records["items"] if item["missing"]])
    return to_bytes(document)


def _summary(document: WordDocument, records: dict[str, Any]) -> None:
    document.add_heading("一、总体情况", level=1)
    table(document, ["项目", "数量"], summary_rows(records))


def _projects(document: WordDocument, items: list[dict[str, Any]]) -> None:
    document.add_heading("二、项目监督情况", level=1)
    for number, item in enumerate(items, start=1):
        document.add_heading(clean(f"{number}. {item['project_title']}"), level=2)
        verdict = item["verdict_name"] or ("逾期未报" if item["missing"] else "尚未报告")
        document.add_paragraph(clean(f"监督组：{item['group_name']}　评价：{verdict}"))
        if item["snapshot"] is not None:
            shown = "；".join(
                f"{header}：{clean(value) or '—'}"
                for header, value in zip(FIGURE_HEADERS, figures(item["snapshot"]), strict=True)
            )
            document.add_paragraph(shown)
        for answer in item["answers"]:
            document.add_paragraph(clean(f"问：{answer['question']}"), style="List Bullet")
            document.add_paragraph(clean(f"答：{answer['answer']}"))
        for finding in item["findings"]:
            photos = f"（照片：{'、'.join(finding['photos'])}）" if finding["photos"] else ""
            document.add_paragraph(
                clean(f"发现问题：{finding['text']}{photos}"), style="List Number"
            )


def _missing(document: WordDocument, missing: list[dict[str, Any]]) -> None:
    document.add_heading("三、逾期未报情况", level=1)
    if not missing:
        document.add_paragraph("无。")
        return
    for item in missing:
        steps = "、".join(r["step_name"] for r in item["reminders"]) or "尚未催办"
        document.add_paragraph(
            clean(f"{item['group_name']}：{item['project_title']}（{steps}）"), style="List Bullet"
        )
