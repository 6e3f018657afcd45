"""The meeting documents' layout on records shaped by hand: an area with nothing filed yet, and
text that would break a file (a control character in Word, a formula start in Excel)."""

import io

import docx
import openpyxl
from supervision.use_cases.checkpoint_tables import figures, summary_rows, to_xlsx
from supervision.use_cases.checkpoint_word import to_docx

COUNTS = {"expected": 0, "filed": 0, "missing": 0, "verdicts": {"good": 0, "fair": 0, "poor": 0}}


def records(items=(), counts=COUNTS):
    return {
        "title": "关于2026年民生实事项目年初监督情况的报告",
        "area_name": "准格尔旗",
        "group_name": None,
        "stage_name": "年初·问选题",
        "due_date": "2026-03-31",
        "questions": ["选题如何？"],
        "counts": counts,
        "items": list(items),
    }


ITEM = {
    "group_name": "第一监督组",
    "project_title": '=HYPERLINK("http://x")',
    "verdict_name": "较差",
    "missing": False,
    "reminders": [],
    "answers": [{"question": "选题如何？", "answer": "有问题\x07"}],
    "findings": [{"text": "-2 处破损", "photos": []}],
    "snapshot": {
        "status": "planned",
        "actual_percent": None,
        "planned_percent": None,
        "standing": None,
        "as_of": None,
        "budget_fen": 12345,
        "disbursed_fen": 0,
        "paid_fen": 0,
    },
}


def test_an_area_with_nothing_expected_still_has_its_sections():
    opened = docx.Document(io.BytesIO(to_docx(records())))
    text = [p.text for p in opened.paragraphs]
    assert text[0] == "关于2026年民生实事项目年初监督情况的报告"
    assert {"一、总体情况", "二、项目监督情况", "三、逾期未报情况", "无。"} <= set(text)


def test_a_control_character_does_not_break_the_word_file():
    opened = docx.Document(io.BytesIO(to_docx(records([ITEM]))))
    assert "答：有问题\ufffd" in [p.text for p in opened.paragraphs]


def test_excel_cells_never_start_a_formula_and_money_is_yuan():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(records([ITEM]))))
    row = [c.value for c in book["项目情况"][2]]
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert float(row[7]) == 123.45
    assert book["发现问题"]["C2"].value == "'-2 处破损"


def test_the_summary_and_figures_rows():
    assert summary_rows(records())[-1] == ("逾期未报数", 0)
    assert figures(None) == [None] * 6
