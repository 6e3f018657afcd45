"""QR codes and the printable poster of a deputy or a station (码上找代表).

The QR code encodes the resident page's URL (`PUBLIC_BASE_URL` + `/d/<code>`). Error correction
Q (25%): posters hang outdoors, get dirty, torn and glared at. Always a full QR code, never a
Micro QR, which many phone readers lack. SVG with a white background drawn in (a transparent
one fails to scan on a dark wall) and a <title> for screen readers; PNG at 10 pixels a module
with the standard quiet zone of 4.

The poster is one A4 SVG page (millimetres): the title, a photo placeholder, the name, the level
and area, the station with its address, the QR code, and the code in words — printed large and
spelled in groups, so a resident whose phone cannot scan types it — with the URL under it.
"""

import io
from dataclasses import dataclass
from html import escape

import segno

ERROR = "q"
PNG_SCALE = 10
QUIET_ZONE = 4


def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR, boost_error=False)


def svg(url: str, title: str) -> str:
    buffer = io.BytesIO()
    qr_code(url).save(
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


@dataclass(frozen=True)
class Poster:
    title: str  # 码上找代表 / 码上找联络站
    name: str
    subtitle: str  # level and area, or the station's kind
    station: str | None
    address: str | None
    code_words: str  # "T7K2 M9QX"
    url: str
    note: str  # what to do with it


def _text(x: float, y: float, size: float, content: str, weight: str = "normal") -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle">{escape(content)}</text>'
    )


def poster_svg(poster: Poster) -> str:
    """An A4 page (210 × 297 mm) to print and post in streets and communities."""
    code = svg(poster.url, f"{poster.title}：{poster.name}")
    code = code.replace("<svg ", '<svg x="55" y="150" width="100" height="100" ', 1)
    lines = [
        _text(105, 28, 14, poster.title, "bold"),
        '<rect x="80" y="40" width="50" height="62" fill="#eee" stroke="#999" stroke-width="0.5"/>',
        _text(105, 74, 6, "照片"),
        _text(105, 116, 11, poster.name, "bold"),
        _text(105, 126, 6, poster.subtitle),
    ]
    if poster.station:
        lines.append(_text(105, 136, 5.5, poster.station))
    if poster.address:
        lines.append(_text(105, 144, 4.5, poster.address))
    lines += [
        code,
        _text(105, 262, 5, "扫码反映问题，或在网页输入代表码"),
        _text(105, 274, 10, poster.code_words, "bold"),
        _text(105, 283, 4, poster.url),
        _text(105, 291, 3.5, poster.note),
    ]
    body = "".join(lines)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        'viewBox="0 0 210 297" font-family="sans-serif">'
        f"<title>{escape(poster.title)}：{escape(poster.name)}</title>"
        f'<rect width="210" height="297" fill="#fff"/>{body}</svg>'
    )
