"""Writing tables as files: CSV and Excel, for every service that exports (collection's reports,
voting's results). Tables arrive already shaped by the service (Chinese headers, readable
values); this module only encodes them, safely, plus the two display conversions every such
table needs (`yuan`, `beijing`).

Formula injection (CSV/formula injection, OWASP): Excel and LibreOffice evaluate a cell that
starts with = + - @ (and a leading tab or carriage return hides such a start) as a formula, so
a proposal titled `=HYPERLINK("http://evil","点我")` would run when staff open the export. Any
text cell with such a start gets a leading apostrophe: it then reads as text in every program,
and the visible change is one character. Numbers are written as numbers, never as text, so a
negative figure stays a number. openpyxl would also store a string starting with "=" as a
formula, which the same guard prevents.

Control characters: input refuses them (contracts.fields.CONTROL_CHARACTERS), but a row written
before that, or by another path, must not break a report: openpyxl raises IllegalCharacterError
on a C0 character, which failed the export of the row's area and of every area above it. Every
such character becomes U+FFFD in CSV and Excel alike, so the reader sees that something was
there.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from contracts.fields import CONTROL_CHARACTERS
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from servicekit.clock import as_utc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60
SHANGHAI = ZoneInfo("Asia/Shanghai")
REPLACEMENT = "\ufffd"

Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class Table:
    key: str  # a stable ASCII name: the `table` an export asks for, or a test's handle
    title: str  # sheet name and file-name part, Chinese (at most 31 characters for Excel)
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def safe_cell(value: Any) -> Cell:
    """A value as it may enter a spreadsheet: control characters replaced, text that would
    start a formula quoted."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("是" if value else "否")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        raise TypeError("format times as Beijing-time text before exporting")
    text = CONTROL_CHARACTERS.sub(REPLACEMENT, str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yuan(fen: int | None) -> Decimal | None:
    """Money as people read it: exact yuan with two decimals, from integer fen."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def beijing(moment: datetime | None) -> str | None:
    """A stored (UTC) time as Beijing-time text, to the minute."""
    if moment is None:
        return None
    return as_utc(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _safe_row(row: Sequence[Any]) -> list[Cell]:
    return [safe_cell(value) for value in row]


def _write_table(writer: Any, table: Table) -> None:
    writer.writerow(_safe_row(table.headers))
    writer.writerows(_safe_row(row) for row in table.rows)


def _csv_bytes(write: Any) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads the file as the local ANSI code page
    and shows Chinese as mojibake. Rows end in CRLF (RFC 4180)."""
    buffer = io.StringIO()
    write(csv.writer(buffer, lineterminator="\r\n"))
    return buffer.getvalue().encode("utf-8-sig")


def to_csv(table: Table) -> bytes:
    """One table: its header row first, so any CSV reader takes it as it is."""
    return _csv_bytes(lambda writer: _write_table(writer, table))


def to_csv_sections(tables: Iterable[Table]) -> bytes:
    """Several tables in one CSV, for people opening it in Excel: each under a row with its
    title, an empty row between them."""

    def write(writer: Any) -> None:
        for number, table in enumerate(tables):
            if number:
                writer.writerow([])
            writer.writerow([safe_cell(table.title)])
            _write_table(writer, table)

    return _csv_bytes(write)


def _width(values: Sequence[Cell]) -> float:
    # CJK characters are about two Latin characters wide in Excel's default font.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values), default=8)
    return min(longest + 2, MAX_COLUMN_WIDTH)


def _fill_sheet(sheet: Worksheet, table: Table) -> None:
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
    """One sheet per table, in the given order."""
    workbook = Workbook()
    first = workbook.active
    # A new workbook holds one empty worksheet; openpyxl types `active` as any sheet or None.
    assert isinstance(first, Worksheet)
    for number, table in enumerate(tables):
        sheet = first if number == 0 else workbook.create_sheet()
        sheet.title = table.title[:31]
        _fill_sheet(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
