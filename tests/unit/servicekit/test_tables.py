"""servicekit.tables: whatever text a row holds, the CSV and Excel files are written and open."""

import io

import pytest
from openpyxl import load_workbook
from servicekit.tables import Table, safe_cell, to_csv, to_xlsx

HOSTILE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"]  # C0, DEL, C1, a lone surrogate


@pytest.mark.parametrize("bad", HOSTILE, ids=[repr(b) for b in HOSTILE])
def test_control_characters_and_lone_surrogates_become_the_replacement_character(bad):
    assert safe_cell(f"路灯{bad}坏了") == "路灯\ufffd坏了"


def test_tab_newline_and_carriage_return_stay():
    assert safe_cell("第一行\r\n第二行\t完") == "第一行\r\n第二行\t完"


def test_a_workbook_and_a_csv_file_are_written_whatever_the_text():
    table = Table("t", "表", ["标题"], [[f"a{bad}b"] for bad in HOSTILE])
    sheet = load_workbook(io.BytesIO(to_xlsx([table])))["表"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == ["a\ufffdb"] * len(HOSTILE)
    assert to_csv(table).decode("utf-8-sig").count("\ufffd") == len(HOSTILE)
