"""The CSV and Excel writers: files read back with the csv module and openpyxl."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from collection import exports, report_tables
from collection.exports import Table
from openpyxl import load_workbook

PROPOSALS = Table(
    "proposals",
    "建议明细",
    ("查询码", "建议标题", "估算金额（元）", "评分人数"),
    (
        ("T001-AAAA-0001", "林荫街道广场修缮", Decimal("12345.67"), 2),
        ("T002-AAAA-0002", "=1+1", None, 0),
    ),
)
ROUNDS = Table("rounds", "三上三下轮次", ("清单名称", "已完成轮次"), (("东胜区草案", 3),))


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


class TestSafeCell:
    @pytest.mark.parametrize(
        "text",
        ["=SUM(A1:A9)", "+86 139", "-1+2", "@cmd", "\t=1+1", "\r=1+1", '=HYPERLINK("x","点")'],
    )
    def test_text_that_could_start_a_formula_is_quoted(self, text):
        assert exports.safe_cell(text) == "'" + text

    @pytest.mark.parametrize("text", ["修缮广场", "a=b", "1+1", "", "'已引用"])
    def test_ordinary_text_is_unchanged(self, text):
        assert exports.safe_cell(text) == text

    def test_numbers_stay_numbers_even_when_negative(self):
        assert exports.safe_cell(-5) == -5
        assert exports.safe_cell(Decimal("-0.50")) == Decimal("-0.50")
        assert exports.safe_cell(3.5) == 3.5

    def test_none_stays_empty_and_booleans_read_in_chinese(self):
        assert exports.safe_cell(None) is None
        assert (exports.safe_cell(True), exports.safe_cell(False)) == ("是", "否")

    def test_a_raw_datetime_is_refused_so_no_utc_time_is_shown_by_mistake(self):
        with pytest.raises(TypeError):
            exports.safe_cell(datetime(2027, 1, 1, tzinfo=UTC))


class TestCsv:
    def test_starts_with_a_bom_and_has_chinese_headers(self):
        content = exports.to_csv(PROPOSALS)

        assert content.startswith(b"\xef\xbb\xbf")
        rows = read_csv(content)
        assert rows[0] == ["查询码", "建议标题", "估算金额（元）", "评分人数"]
        assert rows[1] == ["T001-AAAA-0001", "林荫街道广场修缮", "12345.67", "2"]

    def test_guards_formulas_and_writes_none_as_an_empty_cell(self):
        rows = read_csv(exports.to_csv(PROPOSALS))

        assert rows[2] == ["T002-AAAA-0002", "'=1+1", "", "0"]

    def test_rows_end_in_crlf(self):
        lines = exports.to_csv(ROUNDS).split(b"\r\n")

        assert len(lines) == 3 and lines[-1] == b""

    def test_commas_quotes_and_newlines_in_text_survive(self):
        table = Table("t", "表", ("标题",), (('广场,"南门"\n北门',),))

        assert read_csv(exports.to_csv(table))[1] == ['广场,"南门"\n北门']


class TestXlsx:
    def test_one_sheet_per_table_with_bold_frozen_chinese_headers(self):
        workbook = load_workbook(io.BytesIO(exports.to_xlsx([PROPOSALS, ROUNDS])))

        assert workbook.sheetnames == ["建议明细", "三上三下轮次"]
        sheet = workbook["建议明细"]
        assert [c.value for c in sheet[1]] == ["查询码", "建议标题", "估算金额（元）", "评分人数"]
        assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[2]] == ["T001-AAAA-0001", "林荫街道广场修缮", 12345.67, 2]
        assert list(workbook["三上三下轮次"].iter_rows(values_only=True)) == [
            ("清单名称", "已完成轮次"),
            ("东胜区草案", 3),
        ]

    def test_formula_text_is_stored_as_a_string_not_a_formula(self):
        sheet = load_workbook(io.BytesIO(exports.to_xlsx([PROPOSALS])))["建议明细"]

        assert sheet["B3"].value == "'=1+1"
        assert sheet["B3"].data_type == "s"
        assert sheet["C3"].value is None


def empty_report() -> dict:
    zeros = dict.fromkeys
    return {
        "area_code": "150602",
        "area_name": "东胜区",
        "year": 2027,
        "generated_at": "2027-01-10T02:00:00+00:00",
        "proposals": {
            "total": 0,
            "by_channel": zeros(report_tables.CHANNEL_NAMES, 0),
            "by_category": zeros(report_tables.CATEGORIES, 0),
            "by_status": zeros(report_tables.STATUS_NAMES, 0),
        },
        "screening": {
            "screened": 0,
            "screenings": 0,
            "verdicts": zeros(report_tables.VERDICT_NAMES, 0),
            "mean_scores": zeros(("public_benefit", "inclusive", "urgency", "assessable")),
        },
        "draft_lists": [],
        "candidate_lists": [],
    }


class TestReportTables:
    def test_every_table_exists_for_an_empty_year_with_headers_and_zeros(self):
        tables = report_tables.tables(empty_report(), [])

        assert list(tables) == ["summary", "proposals", "screening", "rounds", "candidates"]
        assert [tables[k].rows for k in ("proposals", "rounds", "candidates")] == [[], [], []]
        summary = {(row[0], row[1]): row[2] for row in tables["summary"].rows}
        assert summary[("生成时间（北京时间）", "")] == "2027-01-10 10:00"
        assert summary[("渠道", "网上征集")] == 0 and summary[("建议", "合计")] == 0
        assert summary[("平均分（1–5）", "公益均等")] is None

    def test_money_is_exact_yuan_from_fen(self):
        assert report_tables.yuan(1) == Decimal("0.01")
        assert report_tables.yuan(123_456_789_012) == Decimal("1234567890.12")
        assert report_tables.yuan(None) is None
