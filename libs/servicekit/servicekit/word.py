"""Word documents (python-docx) the way every service writes them: text cleaned of the control
characters XML refuses, plain grid tables, the file as bytes. Officials file Word documents;
the services only decide what goes in them."""

import io
from collections.abc import Sequence
from typing import Any

from contracts.fields import CONTROL_CHARACTERS
from docx.document import Document as WordDocument


def clean(value: Any) -> str:
    """A value as document text: input refuses control characters, but a row written another
    way must not break the document (lxml refuses them in XML)."""
    return "" if value is None else CONTROL_CHARACTERS.sub("\ufffd", str(value))


def table(document: WordDocument, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A grid table: the headers, then one row per sequence (None shows as empty)."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = clean(header)
    for values in rows:
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            cell.text = clean(value)


def to_bytes(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
