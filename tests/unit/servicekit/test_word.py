"""servicekit.word: a control character in a record never breaks the document, None shows as
an empty cell, and the bytes open again with python-docx."""

import io

import docx
from servicekit.word import clean, table, to_bytes


def test_control_characters_become_replacement_marks():
    assert clean("甲\x00乙\x1b丙") == "甲\ufffd乙\ufffd丙"
    assert clean(None) == "" and clean(12) == "12"


def test_a_table_round_trips_through_the_file():
    document = docx.Document()
    table(document, ["项目", "数量"], [["老旧小区\x07改造", 3], ["充电桩", None]])
    opened = docx.Document(io.BytesIO(to_bytes(document)))
    rows = [[cell.text for cell in row.cells] for row in opened.tables[0].rows]
    assert rows == [["项目", "数量"], ["老旧小区\ufffd改造", "3"], ["充电桩", ""]]
