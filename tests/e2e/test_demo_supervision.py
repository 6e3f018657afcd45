"""Supervision's demo data as `make run` loads it (scripts.demo_supervision): the banner prints
the demo project's public page (PUBLIC_BASE_URL + /p/<code>), the QR code written under
var/demo decodes to exactly that URL and the site sign carries the code, the code's public
route names the project and shows the published feedback, the group watches every project of
the town with its 年初 report filed, and loading the demo again adds nothing."""

import re
from pathlib import Path

import zxingcpp
from PIL import Image

from scripts import demo_supervision
from tests.support.api import Api

URL_LINE = re.compile(r"项目码 (\S+) 公开页面 .*: (\S+)；")
TOWN = demo_supervision.TOWN


def printed_url(make_run) -> tuple[str, str]:
    for line in make_run.output:
        match = URL_LINE.search(line.rstrip("\n"))
        if match:
            return match.group(1), match.group(2)
    raise AssertionError("no project page URL printed:\n" + "".join(make_run.output))


def test_the_banner_prints_the_qr_url_and_the_files_carry_it(make_run):
    code, url = printed_url(make_run)
    assert url.endswith(f"/p/{code}")
    folder = Path(make_run.env["DATA_DIR"]).parent / "demo"
    (decoded,) = zxingcpp.read_barcodes(Image.open(folder / f"project-{code}-qr.png"))
    assert decoded.text == url
    sign = (folder / f"project-{code}-sign.svg").read_text(encoding="utf-8")
    assert code in sign and "扫码" in sign
    public = Api(make_run.base_url)
    named = public.call("GET", f"/api/v1/public/project-codes/{code}", 200)
    assert named["public_url"] == url and named["area_code"] == TOWN
    shown = public.call("GET", f"/api/v1/public/projects/{code}/feedback", 200)
    assert [f["text"] for f in shown["items"]] == [demo_supervision.FEEDBACK["text"]]
    progress = public.call("GET", f"/api/v1/public/projects/{named['project_id']}", 200)
    assert progress["title"] == named["title"]  # what the /p/<code> page shows beside it


def test_the_group_watches_every_project_with_its_opening_report(make_run):
    staff = Api(make_run.base_url, make_run.login("renda", "demo-renda-2026"))
    (group,) = staff.call("GET", "/api/v1/supervision-groups", 200, params={"area_code": TOWN})[
        "items"
    ]
    year = group["year"]
    projects = staff.call(
        "GET", "/api/v1/supervision/projects", 200, params={"area_code": TOWN, "year": year}
    )
    assert projects["unassigned_total"] == 0 and projects["total"] == len(group["projects"])
    roles = sorted(m["role"] for m in group["members"])
    assert roles == ["deputy", "leader", "office"]
    (checkpoint,) = staff.call(
        "GET", "/api/v1/checkpoints", 200, params={"area_code": TOWN, "year": year}
    )["items"]
    counts = staff.call("GET", f"/api/v1/checkpoints/{checkpoint['id']}", 200)["counts"]
    assert (counts["filed"], counts["verdicts"]["good"]) == (1, 1)


def test_loading_the_demo_again_adds_nothing(make_run, monkeypatch):
    monkeypatch.setenv("DATA_DIR", make_run.env["DATA_DIR"])  # its files go where make run's do
    again = demo_supervision.ensure_supervision(make_run.base_url)
    assert again is not None and again.created is False
    staff = Api(make_run.base_url, make_run.login("renda", "demo-renda-2026"))
    groups = staff.call("GET", "/api/v1/supervision-groups", 200, params={"area_code": TOWN})
    assert groups["total"] == 1
