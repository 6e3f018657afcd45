"""Demo data for petition (信访代办, issue 13) in the demo town 薛家湾镇, over HTTP like any client:
the town's liaison station and three deputies imported by CSV by the banner's congress staff
(renda), as an official would — the demo deputy account `daibiao` is 王建国's profile — their
public codes, and six matters residents sent through 王建国's code (POST /api/v1/matters, no
login), one in each tier and state: 首接代办 resolved; 分流代办 routed to 住建局; 联合代办 with two
deputies and two departments; 上报 to the banner (准格尔旗); one still awaiting acceptance; one
resolved and rated 满意 by its resident on the tracking page.

Also written under var/demo/: the demo deputy's QR code (qr.png, from the gateway's route), its
A4 poster (deputy-<code>-poster.svg from the gateway, and deputy-<code>-poster.png composed
here with Pillow: the QR code, the code in words and the URL; the Chinese lines only where a
CJK font is installed, since the bundled DejaVu fonts have no Chinese). `make run` prints the
resident page's URL the QR code encodes (PUBLIC_BASE_URL + /d/<code>).

Idempotent: a town that has deputies already gets nothing new (its files are written again).
"""

import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicekit import config
from servicekit.clock import business_date

from scripts import demo_data
from scripts.http_vote import Http, login

TOWN = demo_data.ROSTER_AREA  # 薛家湾镇
BANNER = "150622"  # 准格尔旗
STAFF = "renda"  # 准格尔旗人大常委会办公室 (congress_staff)
DEPUTY = demo_data.DEMO_DEPUTY  # daibiao: 王建国's account
STATION = {
    "area_code": TOWN,
    "name": "薛家湾镇人大代表联络站",
    "kind": "station",
    "address": "薛家湾镇迎宾路 18 号",
    "lat": 39.85,
    "lng": 111.23,
    "phone": "0477-4221234",
    "opening_hours": "周一至周五 9:00-17:00",
}
DEPUTIES_CSV = (
    "姓名,层级,地区代码,代表团,联络站,专长,公开联系方式,公开电话,账号\n"
    f"王建国,苏木乡镇,{TOWN},薛家湾镇代表团,薛家湾镇人大代表联络站,调解、法律,,,{DEPUTY}\n"
    f"赵桂兰,苏木乡镇,{TOWN},薛家湾镇代表团,薛家湾镇人大代表联络站,教育,仅在线留言,,demo-zhao\n"
    f"李明,旗区,{BANNER},准格尔旗代表团,,城建,公开电话,0477-4212345,demo-li\n"
)
PLACE = {"text": "薛家湾镇迎宾路小区", "lat": 39.851, "lng": 111.231}
# (key, text, category): what each resident reported
MATTERS = (
    ("direct", "小区门口路灯坏了一个多月，晚上老人出门不安全。", "基础设施"),
    ("diversion", "迎宾路小区楼顶防水层破损，顶楼住户家中漏雨。", "基础设施"),
    ("joint", "小区东侧道路施工后一直未恢复，车辆和行人通行困难。", "基础设施"),
    ("report_up", "镇区供热管网老化，冬季多个小区室温不达标，需旗里统筹改造。", "基础设施"),
    ("waiting", "社区卫生室周末不开门，老人看病要跑很远。", "医疗卫生"),
    ("rated", "小区垃圾清运不及时，夏天气味很大。", "生态环境"),
)


@dataclass(frozen=True)
class DemoPetition:
    created: bool  # False: the town had deputies already
    deputy: str
    code: str
    url: str
    files: list[Path]
    matters: dict[str, str]  # key -> state, for the banner


def login_as(base_url: str, username: str) -> Http:
    (password,) = [row[4] for row in demo_data.DEMO_ACCOUNTS if row[0] == username]
    return login(base_url, username, password)


def ensure_petition(base_url: str) -> DemoPetition:
    staff = login_as(base_url, STAFF)
    found = staff.call("GET", "/api/v1/deputies", params={"area_code": TOWN})
    created = not found["total"]
    matters: dict[str, str] = {}
    if created:
        staff.call("POST", "/api/v1/stations", 201, body=STATION)
        body = {"area_code": BANNER, "csv": DEPUTIES_CSV}
        staff.call("POST", "/api/v1/deputies/import", 201, body=body)
        found = staff.call("GET", "/api/v1/deputies", params={"area_code": BANNER})
    deputies = {d["username"]: d for d in found["items"]}
    wang = deputies[DEPUTY]
    if created:
        matters = _matters(base_url, wang["public_code"], deputies)
    files = _files(base_url, staff, wang)
    return DemoPetition(created, wang["name"], wang["public_code"], wang["public_url"], files,
                        matters)  # fmt: skip


def _matters(base_url: str, code: str, deputies: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The six matters through 王建国's code, each taken as far as its tier goes."""
    public, wang = Http(base_url), login_as(base_url, DEPUTY)
    due = business_date().isoformat()
    states = {}
    for key, text, category in MATTERS:
        body = {"code": code, "text": text, "category": category, "location": PLACE,
                "resident": {"name": "刘秀英", "phone": "13912345678"}}  # fmt: skip
        matter = public.call("POST", "/api/v1/matters", 201, body=body)
        states[key] = _handle(public, wang, key, matter, deputies, due)
    return states


def _handle(
    public: Http, wang: Http, key: str, matter: dict[str, Any], deputies: dict, today: str
) -> str:
    if key == "waiting":
        return str(matter["state"])

    def act(action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
        path = f"/api/v1/matters/{matter['id']}/{action}"
        return dict(wang.call("POST", path, expect, body=body))

    act("accept", note="已电话联系反映人（演示）")
    if key == "report_up":
        reason = "供热管网改造属旗级统筹事项，镇级无权限（演示）"
        return str(act("report-up", reason=reason, method="supervise")["state"])
    if key in ("direct", "rated"):
        act("tier", tier="direct", method="investigate")
        result = "已协调物业和环卫站当天处理（演示）"
        done = act("resolve", result=result)
        if key == "rated":
            code = done["tracking_code"]
            path = f"/api/v1/matters/track/{code}/satisfaction"
            return str(public.call("POST", path, body={"satisfaction": "satisfied"})["state"])
        return str(done["state"])
    if key == "diversion":
        body = {"tier": "diversion", "method": "supervise", "department": "住建局"}
        return str(act("tier", **body, due_date=_later(today, 30))["state"])
    others = [deputies["demo-zhao"]["id"], deputies["demo-li"]["id"]]
    meeting = {"held_on": today, "place": "薛家湾镇人大代表联络站",
               "attendees": ["王建国", "赵桂兰", "李明", "住建局", "交通运输局"],
               "decisions": "住建局负责恢复路面，交通运输局配合疏导交通（演示）。"}  # fmt: skip
    body = {"tier": "joint", "method": "assist", "deputy_ids": others,
            "departments": ["住建局", "交通运输局"], "meeting": meeting}  # fmt: skip
    return str(act("tier", **body)["state"])


def _later(day: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def download(base_url: str, staff: Http, path: str) -> bytes:
    """A file route's bytes, as the logged-in staff member."""
    headers = {"Authorization": f"Bearer {staff.token}"}
    request = urllib.request.Request(f"{base_url}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def out_dir() -> Path:
    """var/demo beside var/data (DATA_DIR's parent), as var/log is."""
    return config.data_dir().parent / "demo"


def _files(base_url: str, staff: Http, deputy: dict[str, Any]) -> list[Path]:
    folder = out_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = f"/api/v1/deputies/{deputy['id']}"
    qr = folder / "qr.png"
    qr.write_bytes(download(base_url, staff, f"{path}/qr.png"))
    svg = folder / f"deputy-{deputy['public_code']}-poster.svg"
    svg.write_bytes(download(base_url, staff, f"{path}/poster.svg"))
    png = folder / f"deputy-{deputy['public_code']}-poster.png"
    try:
        poster_png(qr, deputy, png)
    except ImportError:  # Pillow comes with the dev install `make run` does; without it, SVG
        return [qr, svg]
    return [qr, svg, png]


CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
A4 = (1240, 1754)  # 150 dpi


def _font(paths: tuple[str, ...], size: int) -> Any:
    from PIL import ImageFont

    for path in paths:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def poster_png(qr: Path, deputy: dict[str, Any], out: Path) -> None:
    """An A4 PNG of the poster: the QR code, the code in words, the URL (and the Chinese
    title, name and station where a CJK font is installed)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    code = Image.open(qr).convert("RGB").resize((700, 700), Image.Resampling.NEAREST)
    page.paste(code, ((A4[0] - 700) // 2, 560))
    cjk = _font(CJK_FONTS, 64)
    if cjk is not None:
        for y, size, line in ((120, 96, "码上找代表"), (300, 72, deputy["name"]),
                              (400, 44, "扫码反映问题，或在网页输入代表码")):  # fmt: skip
            font = _font(CJK_FONTS, size)
            draw.text((A4[0] // 2, y), line, fill="black", font=font, anchor="mm")
    words = " ".join(deputy["public_code"][i : i + 4] for i in range(0, 8, 4))
    latin = _font((LATIN_FONT,), 110)
    draw.text((A4[0] // 2, 1400), words, fill="black", font=latin, anchor="mm")
    small = _font((LATIN_FONT,), 36)
    draw.text((A4[0] // 2, 1520), deputy["public_url"], fill="black", font=small, anchor="mm")
    page.save(out, "PNG")
