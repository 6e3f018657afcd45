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

from dataclasses import dataclass

from servicekit.qr import a4_sheet, placed, text

# The QR code and the sheet are servicekit.qr's (supervision's site signs share them).


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


def poster_svg(poster: Poster) -> str:
    """An A4 page (210 × 297 mm) to print and post in streets and communities."""
    code = placed(poster.url, f"{poster.title}：{poster.name}", 55, 150, 100)
    lines = [
        text(105, 28, 14, poster.title, "bold"),
        '<rect x="80" y="40" width="50" height="62" fill="#eee" stroke="#999" stroke-width="0.5"/>',
        text(105, 74, 6, "照片"),
        text(105, 116, 11, poster.name, "bold"),
        text(105, 126, 6, poster.subtitle),
    ]
    if poster.station:
        lines.append(text(105, 136, 5.5, poster.station))
    if poster.address:
        lines.append(text(105, 144, 4.5, poster.address))
    lines += [
        code,
        text(105, 262, 5, "扫码反映问题，或在网页输入代表码"),
        text(105, 274, 10, poster.code_words, "bold"),
        text(105, 283, 4, poster.url),
        text(105, 291, 3.5, poster.note),
    ]
    return a4_sheet(f"{poster.title}：{poster.name}", "".join(lines))
