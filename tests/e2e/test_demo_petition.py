"""Petition's demo data as `make run` loads it (scripts.demo_petition): the banner prints the
demo deputy's resident page (PUBLIC_BASE_URL + /d/<code>), the QR code written under var/demo
decodes to exactly that URL, the poster is there as SVG and PNG, the demo matters stand in
every tier and state the demo promises, and loading the demo again adds nothing."""

import json
import re
from pathlib import Path

import zxingcpp
from PIL import Image

from scripts import demo_petition
from tests.support.api import Api

URL_LINE = re.compile(r"代表码 (\S+) 群众页面 .*: (\S+)$")


def printed_url(make_run) -> tuple[str, str]:
    for line in make_run.output:
        match = URL_LINE.search(line.rstrip("\n"))
        if match:
            return match.group(1), match.group(2)
    raise AssertionError("no resident page URL printed:\n" + "".join(make_run.output))


def test_the_banner_prints_the_qr_url_and_the_files_decode_to_it(make_run):
    code, url = printed_url(make_run)
    assert url.endswith(f"/d/{code}")
    folder = Path(make_run.env["DATA_DIR"]).parent / "demo"
    (decoded,) = zxingcpp.read_barcodes(Image.open(folder / "qr.png"))
    assert decoded.text == url
    poster = folder / f"deputy-{code}-poster.png"
    (from_poster,) = zxingcpp.read_barcodes(Image.open(poster))
    assert from_poster.text == url  # the printed PNG scans too
    assert "码上找代表" in (folder / f"deputy-{code}-poster.svg").read_text(encoding="utf-8")
    page = Api(make_run.base_url).call("GET", f"/api/v1/public/deputies/{code}", 200)
    assert "王建国" in json.dumps(page["holder"], ensure_ascii=False)


def test_the_demo_matters_stand_in_every_tier_and_state(make_run):
    staff = Api(make_run.base_url, make_run.login("renda", "demo-renda-2026"))
    query = {"area_code": "150622", "page_size": 100}
    items = staff.call("GET", "/api/v1/matters", 200, params=query)
    found = {(m["state"], m["tier"], m["level"]) for m in items["items"]}
    assert ("resolved", "direct", "township") in found  # 首接 resolved
    assert ("handling", "diversion", "township") in found  # 分流 to 住建局
    assert ("handling", "joint", "township") in found  # 联合
    assert ("received", None, "banner") in found  # 上报 to 准格尔旗
    assert ("received", None, "township") in found  # awaiting acceptance
    assert ("closed", "direct", "township") in found  # resolved and rated
    assert items["total"] == len(demo_petition.MATTERS)


def test_loading_the_demo_again_adds_nothing(make_run, monkeypatch):
    monkeypatch.setenv("DATA_DIR", make_run.env["DATA_DIR"])  # its files go where make run's do
    again = demo_petition.ensure_petition(make_run.base_url)
    assert again.created is False and again.matters == {}
    staff = Api(make_run.base_url, make_run.login("renda", "demo-renda-2026"))
    items = staff.call("GET", "/api/v1/matters", 200, params={"area_code": "150622"})
    assert items["total"] == len(demo_petition.MATTERS)
