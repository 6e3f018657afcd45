"""QR codes of public pages, and the pieces of a printable A4 sheet that carries one: shared by
petition's posters (码上找代表) and supervision's site signs (扫码监督).

The QR code encodes a public page's URL. Error correction Q (25%): posters and signs hang
outdoors, get dirty, torn and glared at. Always a full QR code, never a Micro QR, which many
phone readers lack. SVG with a white background drawn in (a transparent one fails to scan on a
dark wall) and a <title> for screen readers; PNG at 10 pixels a module with the standard quiet
zone of 4. A sheet is one A4 SVG page in millimetres, texts centred.
"""

import base64
import io
from html import escape
from typing import Any

import segno

ERROR = "q"
PNG_SCALE = 10
QUIET_ZONE = 4
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def qr_code(url: str, error: str = ERROR) -> segno.QRCode:
    return segno.make_qr(url, error=error, boost_error=False)


def svg(url: str, title: str, error: str = ERROR) -> str:
    """SVG text to embed or serve: no XML declaration, a viewBox without width or height (the
    page sizes it), a white background drawn in and a <title> for screen readers."""
    buffer = io.BytesIO()
    qr_code(url, error).save(
        buffer,
        kind="svg",
        xmldecl=False,
        omitsize=True,
        title=title,
        dark="#000",
        light="#fff",
        border=QUIET_ZONE,
        nl=False,
    )
    return buffer.getvalue().decode("utf-8")


def png(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=PNG_SCALE, border=QUIET_ZONE)
    return buffer.getvalue()


def image(url: str, title: str, kind: str) -> bytes:
    """The QR code as a file's bytes: "svg" or "png"."""
    return svg(url, title).encode() if kind == "svg" else png(url)


def text(x: float, y: float, size: float, content: str, weight: str = "normal") -> str:
    """One centred line of a sheet (escaped: names come from records)."""
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle">{escape(content)}</text>'
    )


def placed(url: str, title: str, x: float, y: float, size: float) -> str:
    """The QR code's SVG placed on a sheet at (x, y), `size` millimetres square."""
    code = svg(url, title)
    return code.replace("<svg ", f'<svg x="{x}" y="{y}" width="{size}" height="{size}" ', 1)


def a4_sheet(title: str, body: str) -> str:
    """An A4 page (210 × 297 mm) on a white ground, to print."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        'viewBox="0 0 210 297" font-family="sans-serif">'
        f"<title>{escape(title)}</title>"
        f'<rect width="210" height="297" fill="#fff"/>{body}</svg>'
    )


def file_answer(content: bytes, name: str, ascii_name: str, kind: str) -> dict[str, Any]:
    """A file crossing RPC (contracts.reports.ExportFile): the gateway answers the bytes."""
    return {
        "file_name": name,
        "ascii_file_name": ascii_name,
        "content_type": MEDIA_TYPES[kind],
        "content_base64": base64.b64encode(content).decode("ascii"),
    }
