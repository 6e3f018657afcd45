"""信访代办 end to end over HTTP (issue 13), on SQLite and on PostgreSQL: real processes — petition
workers per level, collection, the gateway — on a RabbitMQ vhost of their own, everything done
through the gateway as residents, deputies and staff would.

1. A resident scans a deputy's QR code: the PNG the API serves decodes (zxing-cpp) to the
   resident page's URL, whose code opens the deputy's public page; the matter goes in with a
   name and a phone, no login, and a tracking code comes back.
2. The deputy accepts it and diverts it (分流) to 住建局 with a due date; the department sees it.
   The petition workers are restarted on the development clock (MINSHENG_TODAY, MINSHENG_DEV=1)
   past the handling limit: the matter is overdue, and the area's reminder run urges it (催办,
   then 通报) — each step once, an event each, the township worker's metric counts it.
3. Reported up (上报) to a banner deputy: banner staff and that deputy see it with its history,
   the township deputy may no longer act; resolved, visited back 不满意 (回访), reopened once with
   a reason, resolved again; the resident rates 满意 through the tracking route and it closes.
4. A second matter is converted into a proposal (matter_converted_to_proposal_v1); collection
   makes the proposal, government staff screen it into the library and answer
   (proposal_screened_v1), and the resident's tracking page says what became of it.
5. Open311: services and requests read with the `georeport` client (JSON and XML); a POST
   without an api_key and with a wrong one is 403, with the one an admin issued 201.
6. Privacy: no public answer (tracking pages, the public deputy page, every Open311 answer), no
   event and no worker's or the gateway's log file holds a resident's name or phone.

12345 work orders have their own journey (test_work_orders_journey)."""

import io
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
import zxingcpp
from contracts import registry
from contracts.events import (
    MATTER_CIRCULATED,
    MATTER_CONVERTED_TO_PROPOSAL,
    MATTER_ESCALATED,
    MATTER_RESOLVED,
    MATTER_SUBMITTED,
    MATTER_URGED,
    PROPOSAL_SCREENED,
    EventSpec,
)
from georeport import GeoReport
from PIL import Image
from servicekit import testing
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.testing import wait_until
from sqlalchemy.orm import Session

from gateway import accounts
from tests.support.api import Api
from tests.support.events import event_tap

TOWN, BANNER, CITY = "150622100", "150622", "150600"  # 薛家湾镇, 准格尔旗, 鄂尔多斯市
PASSWORD = "e2e-password-123"
PUBLIC_BASE_URL = "https://minsheng.ordos.example"
# The development clock: the journey starts on a Tuesday of 2026 (a year the working-day
# calendar knows) and the petition workers are restarted three days past the handling limit.
START = date(2026, 9, 1)
DIVERTED_LIMIT = 10  # calendar days for a diverted matter in 薛家湾镇 (the town's own rule)
HANDLE_DUE = START + timedelta(days=DIVERTED_LIMIT)  # counted from the next day: 09-11
LATER = HANDLE_DUE + timedelta(days=3)  # 09-14: 催办 (−2) and 通报 (+1) reached, 通报上级 (+5) not
PETITION_LEVELS = ("township", "banner", "city")

# Residents: who they are never leaves petition's staff views.
FIRST = {"name": "白玉兰", "phone": "13947712345"}
SECOND = {"name": "乔二虎", "phone": "13847756789"}
INTEGRATOR_RESIDENT = {"first_name": "满达", "last_name": "巴图", "phone": "13704771111"}
PRIVATE = (
    *FIRST.values(),
    *SECOND.values(),
    *INTEGRATOR_RESIDENT.values(),
    "巴图满达",
    "满达巴图",
)
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
    "王建国,苏木乡镇,150622100,薛家湾镇代表团,薛家湾镇人大代表联络站,调解、城建,,,e2e-wang\n"
    "李明,旗区,150622,准格尔旗代表团,,城建,公开电话,0477-4212345,e2e-li\n"
)
TOWN_RULES = {
    "rules": [
        {"stage": "accept", "limit": 15, "unit": "calendar_day", "starts": "next_day"},
        {"stage": "first_contact", "limit": 3, "unit": "workday", "starts": "next_day"},
        {"stage": "handle", "limit": 60, "unit": "calendar_day", "starts": "next_day"},
        {
            "stage": "handle",
            "applies_to": "diversion",
            "limit": DIVERTED_LIMIT,
            "unit": "calendar_day",
            "starts": "next_day",
        },
    ],
    "max_extension": 30,
    "reason": "薛家湾镇人大主席团：分流代办 10 日内办结",
}
STREETLIGHT = {
    "text": "迎宾路小区东门路灯坏了一个多月，晚上老人出门不安全，物业说归住建局管。",
    "category": "基础设施",
    "location": {"text": "迎宾路小区东门", "lat": 39.851, "lng": 111.231},
}
SQUARE = {
    "text": "吉祥广场地砖破损、健身器材老旧，孩子和老人活动不安全，希望整体翻新。",
    "category": "文化体育",
    "location": {"text": "薛家湾镇吉祥广场"},
}
SCORES = {"public_benefit": 5, "inclusive": 5, "urgency": 4, "assessable": 4}
TAPPED = (
    MATTER_SUBMITTED,
    MATTER_URGED,
    MATTER_CIRCULATED,
    MATTER_ESCALATED,
    MATTER_RESOLVED,
    MATTER_CONVERTED_TO_PROPOSAL,
    PROPOSAL_SCREENED,
)
URGED_METRIC = "minsheng_petition_matters_urged_total"


# ---- the stack ---------------------------------------------------------------------------
@dataclass
class Stack:
    platform: testing.Platform
    amqp_uri: str
    database: str
    metrics_ports: dict[str, int]
    gateway_url: str  # the gateway's own database (accounts are made there, as the CLI does)
    seen: list[str] = field(default_factory=list)  # every public answer's text

    @property
    def base(self) -> str:
        return self.platform.base_url

    def start_petition(self, env: dict[str, str] | None = None) -> None:
        for level in PETITION_LEVELS:
            port = {"METRICS_PORT": str(self.metrics_ports[level])}
            self.platform.start_worker(level, service="petition", env={**port, **(env or {})})
        self.platform.wait_levels(*PETITION_LEVELS, service="petition")

    def restart_petition(self, today: date) -> None:
        """Every petition worker stopped, and started again on a later development date."""
        for level in PETITION_LEVELS:
            self.platform.stop(f"petition-{level}")

        def down() -> bool:
            levels = self.platform.health().get("services", {}).get("petition", {})
            return not any(levels.get(level, {}).get("up") for level in PETITION_LEVELS)

        wait_until(down, 30, 0.2, "the gateway to see petition's workers gone")
        self.start_petition({"MINSHENG_TODAY": today.isoformat()})

    def account(self, username: str, role: str, area: str, department: str | None = None) -> Api:
        with Session(make_engine(self.gateway_url)) as session:
            accounts.create_account(
                session,
                username=username,
                password=PASSWORD,
                roles=[role],
                area_code=area,
                display_name=None,
                now=utcnow(),
                department=department,
            )
        token = requests.post(
            f"{self.base}/api/v1/auth/token",
            json={"username": username, "password": PASSWORD},
            timeout=10,
        )
        assert token.status_code == 200, token.text
        return Api(self.base, {"Authorization": f"Bearer {token.json()['access_token']}"})

    def public(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        """A call anyone may make, its answer kept for the privacy check."""
        response = requests.request(method, f"{self.base}{path}", timeout=20, **kwargs)
        self.seen.append(response.text)
        assert response.status_code == expect, (method, path, response.text)
        return response.json()

    def logs(self) -> dict[str, str]:
        folder = Path(self.platform.data_dir)
        return {log.name: log.read_text(errors="replace") for log in folder.glob("*.log")}


def database_urls(database: str, folder: Path, pg: Any) -> dict[str, str]:
    """Every registered database on the engine of this run."""
    if database == "sqlite":
        return {name: f"sqlite:///{folder / f'{name}.db'}" for name in registry.databases()}
    return {name: pg.create(f"journey_{name}") for name in registry.databases()}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory) -> Iterator[Stack]:
    if not testing.port_open("127.0.0.1", 5672):
        testing.unavailable("RabbitMQ at 127.0.0.1:5672")
    pg = request.getfixturevalue("pg") if request.param == "postgresql" else None
    folder = tmp_path_factory.mktemp(f"petition-{request.param}")
    urls = database_urls(request.param, folder, pg)
    vhost = testing.Vhost().create()  # this stack's own: nothing left over reaches the other
    env = {
        **{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
        "MINSHENG_DEV": "1",
        "MINSHENG_TODAY": START.isoformat(),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "RATE_LIMIT_PUBLIC": "1000/60",
        "LOG_LEVEL": "DEBUG",
    }
    platform = testing.Platform(vhost.uri, str(folder / "data"), env)
    ports = {level: testing.free_port() for level in PETITION_LEVELS}
    running = Stack(platform, vhost.uri, request.param, ports, urls["gateway"])
    try:
        platform.prepare()
        platform.start_gateway()  # first: the workers are waited for through its health
        platform.start_worker("all", service="collection")
        running.start_petition()
        platform.wait_levels(*PETITION_LEVELS, service="collection")
        yield running
    finally:
        platform.stop_all()
        vhost.delete()


@dataclass
class People:
    town_staff: Api  # 薛家湾镇人大: the station, the town's time limits, its reminder run
    banner_staff: Api  # 准格尔旗人大常委会: imports the deputies; sees what is reported up
    wang: Api  # 王建国, a deputy of the town: the QR code's holder
    li: Api  # 李明, a deputy of the banner
    zhujian: Api  # 准格尔旗住建局 staff
    zhengfu: Api  # 薛家湾镇人民政府: screens proposals in collection
    admin: Api  # issues Open311 api_keys
    deputies: dict[str, dict[str, Any]]  # by username


def people_of(stack: Stack) -> People:
    town_staff = stack.account("e2e-town-renda", "congress_staff", TOWN)
    banner_staff = stack.account("e2e-qi-renda", "congress_staff", BANNER)
    town_staff.call("POST", "/api/v1/stations", 201, json=STATION)
    imported = banner_staff.call(
        "POST", "/api/v1/deputies/import", 201, json={"area_code": BANNER, "csv": DEPUTIES_CSV}
    )
    assert (imported["imported"], imported["created"]) == (2, 2)
    town_staff.call("PUT", f"/api/v1/time-limits/{TOWN}", 200, json=TOWN_RULES)
    return People(
        town_staff=town_staff,
        banner_staff=banner_staff,
        wang=stack.account("e2e-wang", "deputy", TOWN),
        li=stack.account("e2e-li", "deputy", BANNER),
        zhujian=stack.account("e2e-zjj", "department_staff", BANNER, "住建局"),
        zhengfu=stack.account("e2e-zhengfu", "government_staff", TOWN),
        admin=stack.account("e2e-admin", "admin", CITY),
        deputies={d["username"]: d for d in imported["deputies"]},
    )


class Taps:
    """Test consumers on every event of the journey, bound before anything is published."""

    def __init__(self, drains: dict[str, Any]):
        self.drains = drains
        self.got: dict[str, list[dict[str, Any]]] = {name: [] for name in drains}

    def of(self, spec: EventSpec, count: int, matter_id: str) -> list[dict[str, Any]]:
        """The payloads of `spec` about one matter once `count` have come, a second more so
        that a duplicate would be caught too."""

        def mine() -> list[dict[str, Any]]:
            self.got[spec.name] += self.drains[spec.name]()
            return [
                e["payload"]
                for e in self.got[spec.name]
                if matter_id
                in (e["payload"].get("matter_id"), e["payload"].get("source_matter_id"))
            ]

        wait_until(lambda: len(mine()) >= count, 30, 0.2, f"{count} × {spec.name}")
        time.sleep(1)
        return mine()

    def everything(self) -> list[dict[str, Any]]:
        for name, drain in self.drains.items():
            self.got[name] += drain()
        return [e for events in self.got.values() for e in events]


@pytest.fixture
def taps(stack: Stack) -> Iterator[Taps]:
    with ExitStack() as opened:
        drains = {
            spec.name: opened.enter_context(event_tap(stack.amqp_uri, spec)) for spec in TAPPED
        }
        yield Taps(drains)


# ---- the journey -------------------------------------------------------------------------
def test_a_residents_matters_from_the_qr_code_to_next_years_project(stack: Stack, taps: Taps):
    started = time.monotonic()
    people = people_of(stack)
    code = scan_the_deputys_qr_code(stack, people)
    first = submit(stack, code, STREETLIGHT, FIRST, "2026-09-04")  # Tuesday → Friday
    divert_it(stack, people, first)
    overdue_and_urged(stack, people, first, taps)
    report_up_and_resolve(stack, people, first, taps)
    second = submit(stack, code, SQUARE, SECOND, "2026-09-17")  # Monday → Thursday
    a_proposal_for_next_year(stack, people, second, taps)
    open311(stack, people, [first["id"], second["id"]])
    nothing_private_anywhere(stack, taps)
    print(f"\npetition journey on {stack.database}: {time.monotonic() - started:.1f} s")


def scan_the_deputys_qr_code(stack: Stack, people: People) -> str:
    wang = people.deputies["e2e-wang"]
    png = people.wang.raw("GET", f"/api/v1/deputies/{wang['id']}/qr.png")
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png", png.text
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    url = urlparse(decoded.text)
    assert f"{url.scheme}://{url.netloc}" == PUBLIC_BASE_URL and url.path.startswith("/d/")
    code = url.path.removeprefix("/d/")
    assert code == wang["public_code"]
    page = stack.public("GET", f"/api/v1/public/deputies/{code}", 200)
    assert page["active"] is True and page["holder"]["kind"] == "deputy"
    assert page["holder"]["deputy"]["name"] == "王建国"
    assert page["holder"]["deputy"]["station"]["name"] == STATION["name"]
    return code


def submit(
    stack: Stack, code: str, matter: dict[str, Any], resident: dict[str, str], accept_due: str
) -> dict[str, Any]:
    """As the resident: through the deputy's code, no login; the tracking page shows it.
    `accept_due`: the deputy's first contact, 3 working days from the (development) day."""
    created = stack.public(
        "POST", "/api/v1/matters", 201, json={**matter, "code": code, "resident": resident}
    )
    assert (created["state"], created["level"], created["area_code"]) == (
        "received",
        "township",
        TOWN,
    )
    assert created["accept_due"] == accept_due
    tracked = track(stack, created["tracking_code"])
    assert tracked["deputy_name"] == "王建国" and tracked["state_name"] == "已登记，待受理"
    return created


def track(stack: Stack, tracking_code: str) -> dict[str, Any]:
    tracked: dict[str, Any] = stack.public("GET", f"/api/v1/matters/track/{tracking_code}", 200)
    return tracked


def divert_it(stack: Stack, people: People, matter: dict[str, Any]) -> None:
    """The deputy sees it with the resident's contact (staff view), accepts it and diverts it to
    住建局 with a due date; the department's staff see it among theirs."""
    path = f"/api/v1/matters/{matter['id']}"
    mine = people.wang.call("GET", "/api/v1/matters", 200, params={"area_code": TOWN})
    assert [m["id"] for m in mine["items"]] == [matter["id"]]
    detail = people.wang.call("GET", path, 200)
    assert (detail["resident_name"], detail["resident_phone"]) == (FIRST["name"], FIRST["phone"])
    accepted = people.wang.call("POST", f"{path}/accept", 200, json={"note": "已电话联系群众"})
    assert accepted["state"] == "accepted"
    diverted = people.wang.call(
        "POST",
        f"{path}/tier",
        200,
        json={
            "tier": "diversion",
            "method": "supervise",
            "department": "住建局",
            "due_date": HANDLE_DUE.isoformat(),
            "note": "路灯维修属住建局职责",
        },
    )
    assert (diverted["state"], diverted["tier"]) == ("handling", "diversion")
    assert diverted["handle_due"] == HANDLE_DUE.isoformat()  # the town's rule for 分流代办
    assert [d["department"] for d in diverted["departments"]] == ["住建局"]
    assert diverted["overdue"] is False
    routed = people.zhujian.call("GET", "/api/v1/matters", 200, params={"area_code": BANNER})
    assert [m["id"] for m in routed["items"]] == [matter["id"]]
    assert track(stack, matter["tracking_code"])["tier_name"] == "分流代办"


def overdue_and_urged(stack: Stack, people: People, matter: dict[str, Any], taps: Taps) -> None:
    """Time passes: the petition workers run at LATER. The matter stands overdue, the area's
    reminder run sends 催办 and 通报 once each (a second run sends nothing), as events, and the
    township worker counts the 催办."""
    stack.restart_petition(LATER)
    overdue = people.town_staff.call(
        "GET", "/api/v1/matters", 200, params={"area_code": TOWN, "overdue": "true"}
    )
    assert [(m["id"], m["overdue"], m["due"]) for m in overdue["items"]] == [
        (matter["id"], True, HANDLE_DUE.isoformat())
    ]
    body = {"area_code": TOWN}
    run = people.town_staff.call("POST", "/api/v1/petition/reminders/run", 200, json=body)
    assert run["on"] == LATER.isoformat() and run["skipped_unknown_years"] == []
    assert [(s["matter_id"], s["stage"], s["step"], s["step_name"]) for s in run["sent"]] == [
        (matter["id"], "handle", "urge", "催办"),
        (matter["id"], "handle", "circulate", "通报"),
    ]
    again = people.town_staff.call("POST", "/api/v1/petition/reminders/run", 200, json=body)
    assert again["sent"] == []
    (urged,) = taps.of(MATTER_URGED, 1, matter["id"])
    assert (urged["stage"], urged["due_date"], urged["distance"]) == (
        "handle",
        HANDLE_DUE.isoformat(),
        3,
    )
    (circulated,) = taps.of(MATTER_CIRCULATED, 1, matter["id"])
    assert circulated["step"] == "circulate"
    metrics = requests.get(
        f"http://127.0.0.1:{stack.metrics_ports['township']}/metrics", timeout=5
    ).text
    assert any(
        line.startswith(URGED_METRIC) and 'stage="handle"' in line and line.endswith(" 1.0")
        for line in metrics.splitlines()
    ), [line for line in metrics.splitlines() if URGED_METRIC in line]
    figures = people.town_staff.call("GET", "/api/v1/reports/petition", 200, params=body)
    assert figures["as_of"] == LATER.isoformat() and figures["totals"]["overdue"] == 1


def report_up_and_resolve(stack: Stack, people: People, matter: dict[str, Any], taps: Taps):
    """上报 to 李明 at the banner; the banner's staff and deputy see it with its history; the
    town's deputy may no longer act on it. Resolved, 不满意 at the return visit, reopened once,
    resolved again; the resident rates 满意 on the tracking page and it closes."""
    path = f"/api/v1/matters/{matter['id']}"
    li = people.deputies["e2e-li"]
    up = people.wang.call(
        "POST",
        f"{path}/report-up",
        200,
        json={"reason": "涉及旗区路灯改造资金，镇级无权决定", "to_deputy_id": li["id"]},
    )
    assert (up["level"], up["state"], up["area_code"]) == ("banner", "received", TOWN)
    (escalated,) = taps.of(MATTER_ESCALATED, 1, matter["id"])
    assert (escalated["from_level"], escalated["level"]) == ("township", "banner")
    listed = people.banner_staff.call("GET", "/api/v1/matters", 200, params={"area_code": BANNER})
    assert matter["id"] in {m["id"] for m in listed["items"] if m["level"] == "banner"}
    seen = people.li.call("GET", path, 200)
    assert [s["action"] for s in seen["steps"]] == ["submit", "accept", "tier", "report_up"]
    assert seen["resident_phone"] == FIRST["phone"]  # the deputy handling it may call back
    refused = people.wang.refused("POST", f"{path}/accept", 403, json={})
    assert refused["code"] == "forbidden"

    def li_acts(action: str, **body: Any) -> dict[str, Any]:
        answer: dict[str, Any] = people.li.call("POST", f"{path}/{action}", 200, json=body)
        return answer

    li_acts("accept", note="旗人大代表李明接办")
    li_acts("tier", tier="direct", method="follow")
    resolved = li_acts("resolve", result="旗住建局已更换迎宾路小区东门路灯 3 盏")
    assert resolved["state"] == "resolved"
    visited = li_acts("return-visit", satisfaction="dissatisfied", by="phone", note="只修了一盏")
    assert (visited["state"], visited["satisfaction"]) == ("resolved", "dissatisfied")
    assert "reopen" in visited["allowed_actions"]
    reopened = li_acts("reopen", reason="群众反映仍有两盏不亮，责成重新办理")
    assert (reopened["state"], reopened["reopens"]) == ("handling", 1)
    li_acts("resolve", result="三盏路灯全部修复，并增设一盏")
    tracked = track(stack, matter["tracking_code"])
    assert tracked["can_rate"] is True and tracked["level_name"] == "旗区级"
    rated = stack.public(
        "POST",
        f"/api/v1/matters/track/{matter['tracking_code']}/satisfaction",
        200,
        json={"satisfaction": "satisfied", "comment": "路灯都亮了，谢谢代表"},
    )
    assert (rated["state"], rated["satisfaction_name"], rated["can_rate"]) == (
        "closed",
        "满意",
        False,
    )
    assert [s["action"] for s in rated["steps"]] == [
        "submit", "accept", "tier", "report_up", "accept", "tier", "resolve", "return_visit",
        "reopen", "resolve", "rate",
    ]  # fmt: skip
    assert rated["result"] == "三盏路灯全部修复，并增设一盏"
    people.li.refused("POST", f"{path}/reopen", 409, json={"reason": "再次重新办理"})
    resolutions = taps.of(MATTER_RESOLVED, 2, matter["id"])
    assert [(r["level"], r["reopens"], r["resolved_locally"]) for r in resolutions] == [
        ("banner", 0, True),
        ("banner", 1, True),
    ]


def a_proposal_for_next_year(stack: Stack, people: People, matter: dict[str, Any], taps: Taps):
    """The deputy turns the matter into a livelihood proposal; collection makes it, the town's
    government screens it into the library and answers; the resident's tracking page says so."""
    path = f"/api/v1/matters/{matter['id']}"
    people.wang.call("POST", f"{path}/accept", 200, json={})
    converted = people.wang.call(
        "POST",
        f"{path}/convert",
        200,
        json={
            "title": "薛家湾镇吉祥广场翻新改造",
            "description": "群众扫码向代表反映吉祥广场地砖破损、健身器材老旧，建议列为民生实事。",
            "category": "文化体育",
        },
    )
    assert converted["proposal"]["verdict"] is None
    (event,) = taps.of(MATTER_CONVERTED_TO_PROPOSAL, 1, matter["id"])
    assert event["deputy_name"] == "王建国"
    waiting = track(stack, matter["tracking_code"])["proposal"]
    assert waiting["verdict_name"] == "已转为民生实事建议，等待筛选答复"

    def made() -> dict[str, Any] | None:
        listed = people.zhengfu.call("GET", "/api/v1/proposals", 200, params={"area_code": TOWN})
        return next((p for p in listed["items"] if p["title"] == event["title"]), None)

    proposal = wait_until(made, 30, 0.2, "collection to make the proposal")
    screening = {
        **SCORES,
        "verdict": "in_library",
        "library": {"lead_department": "住建局", "rationale": "群众反映强烈，符合四项原则"},
    }
    screenings = f"/api/v1/proposals/{proposal['id']}/screenings"
    people.zhengfu.call("POST", screenings, 201, json=screening)
    year = people.zhengfu.call("GET", f"/api/v1/proposals/{proposal['id']}", 200)["year"]
    scope = {"area_code": TOWN, "year": year}
    assert (
        people.zhengfu.call("POST", "/api/v1/outcomes/publish", 200, json=scope)["published"] == 1
    )
    assert people.zhengfu.call("POST", "/api/v1/outcomes/answer", 200, json=scope)["answered"] == 1
    (answer,) = taps.of(PROPOSAL_SCREENED, 1, matter["id"])
    assert (answer["verdict"], answer["proposal_id"]) == ("in_library", proposal["id"])

    def answered() -> dict[str, Any] | None:
        fate = track(stack, matter["tracking_code"])["proposal"]
        return fate if fate and fate["verdict"] else None

    fate = wait_until(answered, 30, 0.2, "petition to hear collection's answer")
    assert (fate["verdict"], fate["verdict_name"], fate["year"]) == (
        "in_library",
        "已列入民生实事项目库",
        year,
    )
    assert fate["proposal_tracking_code"] == proposal["tracking_code"]
    public = stack.public("GET", f"/api/v1/proposals/track/{proposal['tracking_code']}", 200)
    assert public["status"] == "in_library"


def open311(stack: Stack, people: People, matter_ids: list[str]) -> None:
    """Read with the `georeport` client in JSON and XML; POSTed with requests: 403 without an
    api_key and with a wrong one, 201 with the key an admin issued (shown once, no-store)."""
    root = f"{stack.base}/open311/v2"
    issued = people.admin.raw(
        "POST", "/api/v1/open311/keys", json={"area_code": BANNER, "name": "准格尔旗 12345 平台"}
    )
    assert issued.status_code == 201 and issued.headers["Cache-Control"] == "no-store"
    api_key = issued.json()["api_key"]
    posted = {
        "service_code": "environment",
        "description": "薛家湾镇南沟排洪渠附近有人倾倒建筑垃圾，气味很大。",
        "address_string": "薛家湾镇南沟排洪渠",
        "jurisdiction_id": TOWN,
        **INTEGRATOR_RESIDENT,
    }
    for refused in (posted, {**posted, "api_key": "o311_not-a-key"}):
        answer = requests.post(f"{root}/requests.json", data=refused, timeout=10)
        stack.seen.append(answer.text)
        assert answer.status_code == 403, answer.text
        assert [e["code"] for e in answer.json()] == [403]
    created = requests.post(
        f"{root}/requests.json", data={**posted, "api_key": api_key}, timeout=10
    )
    stack.seen.append(created.text)
    assert created.status_code == 201, created.text
    (filed,) = created.json()
    ids = {*matter_ids, filed["service_request_id"]}
    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction=BANNER, output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        assert {"infrastructure", "environment"} <= set(codes)
        listed = client.get_service_requests()
        listed = listed if isinstance(listed, list) else [listed]
        assert {r["service_request_id"] for r in listed} == ids
        one = client.get_service_request(filed["service_request_id"])
        assert one["service_request_id"] == filed["service_request_id"]
        assert one["status"] == "open"
        for answer in (services, listed, one):
            stack.seen.append(json.dumps(answer, ensure_ascii=False))
    for path in ("requests.json", "requests.xml", "servicerequestupdates.json"):
        answer = requests.get(f"{root}/{path}", params={"jurisdiction_id": BANNER}, timeout=10)
        assert answer.status_code == 200, answer.text
        stack.seen.append(answer.text)


def nothing_private_anywhere(stack: Stack, taps: Taps) -> None:
    public = "\n".join(stack.seen)
    assert len(stack.seen) > 20  # tracking pages, the public page, Open311 answers
    events = json.dumps(taps.everything(), ensure_ascii=False)
    logs = stack.logs()
    assert {f"petition-{level}.log" for level in PETITION_LEVELS} | {"gateway.log"} <= set(logs)
    for private in PRIVATE:
        assert private not in public, f"{private} in a public answer"
        assert private not in events, f"{private} in an event"
        for name, text in logs.items():
            assert private not in text, f"{private} in {name}"
