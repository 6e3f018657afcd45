"""The ballot token as a QR code, for the deputy's phone to scan at the desk.

Drawn where the token is made — the deputy's device, or the desk's printer for a printed slip
(contracts.ballot_tokens) — never by the service, which only ever sees the token's hash. SVG
text, to embed in the page that shows the token: no XML declaration (it is embedded, not a
file), a viewBox without width or height (the page sizes it), a white background drawn in (a
transparent one fails to scan on a dark page), and a <title> for screen readers. Error
correction M (15%): enough for a smudged or glaring phone screen while a 33-character token
still fits a small version-2 code (the token's characters are all in the QR alphanumeric set).
Always a full QR code, never a Micro QR, which many phone readers lack.
"""

import segno
from servicekit import qr

TITLE = "选票凭证二维码 (ballot token QR code)"
ERROR = "m"


def token_qr(token: str) -> segno.QRCode:
    return qr.qr_code(token, ERROR)


def token_qr_svg(token: str) -> str:
    return qr.svg(token, TITLE, ERROR)
