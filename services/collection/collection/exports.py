"""Writing report tables as files: CSV (one table) and Excel (one sheet per table).

Not domain: it uses openpyxl. Tables arrive already shaped (Chinese headers, readable values,
see `report_tables`); this module only encodes them, safely.

Formula injection (CSV/formula injection, OWASP): Excel and LibreOffice evaluate a cell that
starts with = + - @ (and a leading tab or carriage return hides such a start) as a formula, so
a proposal titled `=HYPERLINK("http://evil","点我")` would run when staff open the export. Any
text cell with such a start gets a leading apostrophe: it then reads as text in every program,
and the visible change is one character. Numbers are written as numbers, never as text, so a
negative figure stays a number. openpyxl would also store a string starting with "=" as a
formula, which the same guard prevents.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60

Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class Table:
    key: str  # the `table` name an export asks for: proposals, screening, …
    title: str  # sheet name and file-name part, Chinese (at most 31 characters for Excel)
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def safe_cell(value: Any) -> Cell:
    """A value as it may enter a spreadsheet: text that would start a formula is quoted."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("是" if value else "否")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        raise TypeError("format times as Beijing-time text before exporting")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe_row(row: Sequence[Any]) -> list[Cell]:
    return [safe_cell(value) for value in row]


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads the file as the local ANSI code page
    and shows Chinese as mojibake. Rows end in CRLF (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_safe_row(table.headers))
    writer.writerows(_safe_row(row) for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _width(values: Sequence[Cell]) -> float:
    # CJK characters are about two Latin characters wide in Excel's default font.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values), default=8)
    return min(longest + 2, MAX_COLUMN_WIDTH)


def _fill_sheet(sheet: Any, table: Table) -> None:
    sheet.append(_safe_row(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(_safe_row(row))
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for index, header in enumerate(table.headers, start=1):
        column = [header, *(row[index - 1] for row in table.rows[:200])]
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)


def to_xlsx(tables: Sequence[Table]) -> bytes:
    workbook = Workbook()
    first = workbook.active
    for number, table in enumerate(tables):
        sheet = first if number == 0 else workbook.create_sheet()
        sheet.title = table.title[:31]
        _fill_sheet(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
