"""The ballot token as a QR code, for the deputy's phone to scan at the desk.

The code encodes the ballot page with the token in the URL's fragment,
`<PUBLIC_BASE_URL>/b#<token>` (`ballot_url`), so the phone's camera opens the ballot directly.
The fragment never leaves the browser: it is not in the request line (so in no access log of
the gateway or a proxy), nor in a Referer header; the page's script reads it, drops it from the
address bar and history, and sends it in a POST body. Without JavaScript the page asks for the
code printed under the QR code instead.

Drawn where the token is made — the deputy's device, or the desk's printer for a printed slip
(contracts.ballot_tokens) — never by the service, which only ever sees the token's hash. SVG
text, to embed in the page that shows the token: no XML declaration (it is embedded, not a
file), a viewBox without width or height (the page sizes it), a white background drawn in (a
transparent one fails to scan on a dark page), and a <title> for screen readers. Error
correction M (15%): enough for a smudged or glaring phone screen while the URL still fits a
small code. Always a full QR code, never a Micro QR, which many phone readers lack.
"""

import segno
from servicekit import config, qr

TITLE = "选票凭证二维码 (ballot token QR code)"
ERROR = "m"
BALLOT_PAGE = "/b"


def ballot_url(token: str) -> str:
    """The ballot page with the token in the fragment, which browsers never send anywhere."""
    return config.public_url(f"{BALLOT_PAGE}#{token}")


def token_qr(token: str) -> segno.QRCode:
    return qr.qr_code(ballot_url(token), ERROR)


def token_qr_svg(token: str) -> str:
    return qr.svg(ballot_url(token), TITLE, ERROR)
