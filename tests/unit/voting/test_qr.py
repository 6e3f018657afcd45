"""The ballot token's QR code: the SVG itself decodes to the ballot page with the token in the
URL's fragment (never sent to a server), and embeds as plain XML."""

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from contracts.voting import TOKEN_PATTERN
from PIL import Image, ImageDraw
from servicekit import config
from voting import qr
from voting.tokens import new_token

SVG = "{http://www.w3.org/2000/svg}"
PIXELS_PER_MODULE = 8
TOKENS = [new_token(level) for level in ("city", "banner", "township")]
ALL_ALPHABET = "T0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # every Crockford character once


def rasterize(svg: str) -> Image.Image:
    """Draw segno's SVG path (M/m moves, h runs of dark modules along row centres) as pixels,
    so what is decoded is the SVG the deputy's page shows, not a second rendering."""
    root = ET.fromstring(svg)
    _, _, width, height = (int(float(v)) for v in root.get("viewBox").split())
    image = Image.new("L", (width * PIXELS_PER_MODULE, height * PIXELS_PER_MODULE), 255)
    draw = ImageDraw.Draw(image)
    (line,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "qrline"]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?", line.get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            top, left, right = int(y) * PIXELS_PER_MODULE, x * PIXELS_PER_MODULE, x + float(a)
            draw.rectangle(
                (left, top, right * PIXELS_PER_MODULE - 1, top + PIXELS_PER_MODULE - 1), fill=0
            )
            x += float(a)
    return image


def decode(image: Image.Image) -> zxingcpp.Barcode:
    (barcode,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return barcode


class TestTokenQr:
    def test_the_url_is_the_ballot_page_on_the_public_site(self, monkeypatch):
        monkeypatch.setenv("PUBLIC_BASE_URL", "https://minsheng.example/")
        assert qr.ballot_url(TOKENS[2]) == f"https://minsheng.example/b#{TOKENS[2]}"

    @pytest.mark.parametrize("token", [*TOKENS, ALL_ALPHABET])
    def test_the_svg_decodes_to_the_token(self, token):
        assert re.fullmatch(TOKEN_PATTERN, token)
        barcode = decode(rasterize(qr.token_qr_svg(token)))
        assert barcode.text == config.public_url(f"/b#{token}")
        assert barcode.text.split("#", 1)[1] == token  # only in the fragment
        assert barcode.ec_level == "M"

    def test_a_png_of_the_same_code_decodes_too(self):
        buffer = io.BytesIO()
        qr.token_qr(TOKENS[0]).save(buffer, kind="png", scale=PIXELS_PER_MODULE)
        buffer.seek(0)
        assert decode(Image.open(buffer)).text == qr.ballot_url(TOKENS[0])

    def test_error_correction_is_m_in_a_full_qr_code(self):
        code = qr.token_qr(TOKENS[0])
        assert (code.error, code.is_micro) == ("M", False)

    def test_the_svg_is_well_formed_xml_with_a_title_and_no_declaration(self):
        svg = qr.token_qr_svg(TOKENS[1])
        assert svg.startswith("<svg") and "<?xml" not in svg
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title").text == qr.TITLE
        assert root.get("viewBox") and root.get("width") is None  # the page sizes it

    def test_the_svg_embeds_in_json_unchanged(self):
        svg = qr.token_qr_svg(TOKENS[2])
        assert json.loads(json.dumps({"qr_svg": svg}))["qr_svg"] == svg
