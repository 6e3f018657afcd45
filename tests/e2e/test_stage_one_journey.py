"""A township's whole stage 1 over HTTP, as issue 3 describes it: a notice, 40 proposals from
every channel, duplicates merged, screening by two screeners, three rounds (三上三下), a list of
12 frozen for 10 seats, its event observed exactly once by a test consumer, outcomes published
and answered; a frozen list is immutable; anonymous callers get 401 on every staff route."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from contracts import reference
from contracts.events import CANDIDATE_LIST_FROZEN, MATTER_CONVERTED_TO_PROPOSAL
from kombu import Connection
from servicekit import topology
from servicekit.outbox import build_envelope
from servicekit.testing import wait_until

from gateway import openapi
from tests.e2e.test_intake_journey import create_account
from tests.support.events import event_tap
from tests.support.gateway import concrete

AREA = "150627100"  # 阿勒腾席热镇: no other e2e module uses it; the test opens its own notice
SCORES = {"public_benefit": 4, "inclusive": 4, "urgency": 3, "assessable": 5}
CHANNELS = (
    # channel, how many, extra fields
    ("online", 11, {"submitter_name": "刘桂兰", "submitter_phone": "13904771111"}),
    ("deputy", 8, {"deputy_name": "高代表", "liaison_station": "迎宾路代表联络站"}),
    ("department", 6, {"department_name": "准格尔旗教育局"}),
    ("letter", 5, {}),
    ("visit", 5, {}),
    ("hotline", 4, {}),
)
SUBJECTS = ("供暖管网", "路灯", "停车场", "卫生室", "幼儿园", "老年食堂", "公共厕所", "健身广场",
            "排水管道", "公交站台", "充电桩", "文化室", "菜市场", "垃圾站", "篮球场", "便民桥",
            "自来水", "养老驿站", "图书室", "消防通道")  # fmt: skip
PLACES = ("一村", "二村", "新华街", "民族路")
FIRST_COPY = 35  # proposals 35-38 repeat 0-3; the 40th comes from a petition matter
CATEGORIES = ("基础设施", "养老托育", "教育", "医疗卫生", "交通出行")


class Client:
    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base, self.headers = base, headers or {}

    def call(self, method: str, path: str, expect: int, **kwargs) -> dict:
        response = requests.request(
            method, f"{self.base}{path}", headers=self.headers, timeout=20, **kwargs
        )
        assert response.status_code == expect, (method, path, response.text)
        return response.json()


def proposal_body(index: int, channel: str, extra: dict) -> dict:
    """39 proposals over HTTP; the last 4 repeat the first 4 in other words (the duplicates)."""
    base = index if index < FIRST_COPY else index - FIRST_COPY
    subject, place = SUBJECTS[base % 20], PLACES[base // 20 % 2]
    return {
        "title": f"{place}{subject}改造" if index < FIRST_COPY else f"改造{place}的{subject}",
        "description": f"{place}{subject}年久失修，群众反映强烈，建议尽快改造{subject}。",
        "category": CATEGORIES[index % len(CATEGORIES)],
        "area_code": AREA,
        "channel": channel,
        "location": {"text": f"准格尔旗示例镇{place}"},
        "estimated_cost_fen": (index + 1) * 2_000_000,
        **extra,
    }


@pytest.fixture(scope="module")
def frozen_events(amqp_uri):
    """A test consumer's own queue on collection.events, bound before anything is frozen."""
    with event_tap(amqp_uri, CANDIDATE_LIST_FROZEN) as drain:
        yield drain


def open_notice(staff: Client) -> int:
    now = datetime.now(UTC)
    notice = staff.call(
        "POST",
        "/api/v1/notices",
        201,
        json={
            "area_code": AREA,
            "year": 2027,
            "title": "2027年民生实事项目征集公告",
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    return notice["year"]


def submit_thirty_nine(base: str, staff: Client, deputy: Client) -> list[dict]:
    created, index = [], 0
    for channel, count, extra in CHANNELS:
        client = {"online": Client(base), "deputy": deputy}.get(channel, staff)
        for _ in range(count):
            body = proposal_body(index, channel, extra)
            if channel == "deputy":
                body["supporters"] = [{"name": f"居民{index}", "suggestion": "同意，盼早日实施"}]
            created.append(client.call("POST", "/api/v1/proposals", 201, json=body))
            index += 1
    return created


def matter_becomes_a_proposal(amqp_uri: str, staff: Client) -> dict:
    """petition's event, published as its relay would, arrives as a proposal (channel petition)."""
    payload = {
        "matter_id": f"M-E2E-{uuid.uuid4().hex[:8]}",
        "area_code": AREA,
        "level": "township",
        "title": "村口便民桥护栏损坏",
        "description": "群众通过代表反映村口便民桥护栏损坏，存在安全隐患。",
        "category": "交通出行",
        "location_text": "阿勒腾席热镇一村村口",
        "deputy_name": "高代表",
        "converted_at": datetime.now(UTC).isoformat(),
    }
    envelope = build_envelope(
        MATTER_CONVERTED_TO_PROPOSAL, payload, area_code=AREA, level="township",
        correlation_id="e2e-matter",
    )  # fmt: skip
    with Connection(amqp_uri, connect_timeout=5) as connection:
        connection.Producer().publish(
            envelope,
            exchange=topology.event_exchange("petition"),
            routing_key=MATTER_CONVERTED_TO_PROPOSAL.name,
            serializer="json",
        )
    query = {"area_code": AREA, "channel": "petition"}
    wait_until(
        lambda: staff.call("GET", "/api/v1/proposals", 200, params=query)["total"] == 1,
        20, 0.2, "the matter to become a proposal",
    )  # fmt: skip
    return staff.call("GET", "/api/v1/proposals", 200, params=query)["items"][0]


def merge_duplicates(staff: Client, created: list[dict]) -> list[dict]:
    """Each of the last four is suggested as a duplicate of its twin and merged into it."""
    for twin, copy in zip(created[:4], created[FIRST_COPY : FIRST_COPY + 4], strict=True):
        suggested = staff.call("GET", f"/api/v1/proposals/{twin['id']}/duplicates", 200)
        assert copy["id"] in {item["id"] for item in suggested["items"]}
        merged = staff.call(
            "POST",
            "/api/v1/proposals/merge",
            200,
            json={"target_id": twin["id"], "source_ids": [copy["id"]]},
        )
        assert len(merged["supporters"]) >= 1
    return created[:FIRST_COPY] + created[FIRST_COPY + 4 :]


def screen_all(first: Client, second: Client, live: list[dict]) -> list[str]:
    """Two screeners score every proposal; 13 go into the library, the rest are rejected."""
    library = []
    for index, proposal in enumerate(live):
        accept = index < 13
        verdict = (
            {"verdict": "in_library"}
            if accept
            else {"verdict": "rejected", "reason": "已列入旗级年度计划，不再重复立项"}
        )
        for screener, bump in ((first, 0), (second, 1)):
            body = {**SCORES, "urgency": SCORES["urgency"] + bump, **verdict}
            screener.call("POST", f"/api/v1/proposals/{proposal['id']}/screenings", 201, json=body)
        if accept:
            library.append(proposal["id"])
    return library


def three_rounds(staff: Client, account: str, draft_id: str, version0: list[dict]) -> list[dict]:
    """Three rounds, each asking `account` (staff's own: only the account asked answers)."""
    items = [{"proposal_id": item["proposal_id"]} for item in version0]
    for number in (1, 2, 3):
        opened = staff.call(
            "POST",
            f"/api/v1/draft-lists/{draft_id}/rounds",
            201,
            json={
                "recipients": [{"kind": "township", "recipient": "各村委会", "account": account}]
            },
        )
        staff.call(
            "POST",
            f"/api/v1/draft-lists/{draft_id}/rounds/{number}/comments",
            200,
            json={"comment_request_id": opened["comment_requests"][0]["id"], "comment": "同意"},
        )
        reasons = {}
        if number == 1:
            reasons[items.pop()["proposal_id"]] = "与旗级项目重复"
        elif number == 2:
            items[0] = {**items[0], "estimated_cost_fen": 1_500_000}
            reasons[items[0]["proposal_id"]] = "按评审意见压缩投资"
        staff.call(
            "POST",
            f"/api/v1/draft-lists/{draft_id}/rounds/{number}/close",
            201,
            json={"items": items, "reasons": reasons},
        )
    return items


class TestStageOne:
    def test_a_township_from_notice_to_a_frozen_list(self, make_run, frozen_events):
        base = make_run.base_url
        staff = Client(base, create_account(make_run, "zg-gov-1", "government_staff", AREA))
        second = Client(base, create_account(make_run, "zg-gov-2", "government_staff", AREA))
        deputy = Client(base, create_account(make_run, "zg-deputy", "deputy", AREA))
        year = open_notice(staff)

        created = submit_thirty_nine(base, staff, deputy)
        created.append(matter_becomes_a_proposal(make_run.env["AMQP_URI"], staff))
        assert len(created) == 40 and len({c["tracking_code"] for c in created}) == 40
        channels = {
            c["channel"]
            for c in staff.call(
                "GET", "/api/v1/proposals", 200, params={"area_code": AREA, "page_size": 100}
            )["items"]
        }
        assert channels == set(reference.CHANNELS)
        live = merge_duplicates(staff, created)
        library = screen_all(staff, second, live)
        listed = staff.call("GET", "/api/v1/library", 200, params={"area_code": AREA, "year": year})
        assert {item["proposal_id"] for item in listed["items"]} == set(library)

        draft = staff.call(
            "POST",
            "/api/v1/draft-lists",
            201,
            json={"area_code": AREA, "year": year, "title": f"{year}年民生实事候选项目"},
        )
        version0 = staff.call("GET", f"/api/v1/draft-lists/{draft['id']}/versions/0", 200)
        final = three_rounds(staff, "zg-gov-1", draft["id"], version0["items"])
        assert len(final) == 12

        short = requests.post(  # 11 seats need ceil(11 x 1.2) = 14 candidates: 2 short
            f"{base}/api/v1/draft-lists/{draft['id']}/freeze",
            json={"seats": 11},
            headers=staff.headers,
            timeout=20,
        )
        assert short.status_code == 422 and "2" in short.json()["error"]["message"]
        frozen = staff.call(
            "POST", f"/api/v1/draft-lists/{draft['id']}/freeze", 201, json={"seats": 10}
        )
        for method, path, body in (
            ("POST", f"/api/v1/draft-lists/{draft['id']}/freeze", {"seats": 10}),
            ("POST", f"/api/v1/draft-lists/{draft['id']}/rounds", {"recipients": []}),
        ):
            again = requests.request(method, base + path, json=body, headers=staff.headers)
            assert again.status_code in (400, 409), again.text
        refreeze = requests.post(
            f"{base}/api/v1/draft-lists/{draft['id']}/freeze",
            json={"seats": 10},
            headers=staff.headers,
            timeout=20,
        )
        assert refreeze.status_code == 409

        events = wait_for_events(frozen_events)
        assert len(events) == 1  # exactly once
        payload = events[0]["payload"]
        assert payload["candidate_list_id"] == frozen["id"]
        assert [c["proposal_id"] for c in payload["candidates"]] == [
            item["proposal_id"] for item in final
        ]
        assert payload["seats"] == 10 and payload["differential_ratio_permille"] == 200

        self.publish_and_track(base, staff, created, library, year)
        self.metrics_say_so(make_run)

    def metrics_say_so(self, make_run) -> None:
        """The township worker (first of make run's metrics ports) counts what happened."""
        port = int(make_run.env["METRICS_PORT_BASE"])
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert 'minsheng_open_rounds{level="township",service="collection"} 0.0' in text
        frozen = [
            line
            for line in text.splitlines()
            if line.startswith("minsheng_candidate_lists_frozen_total{")
        ]
        assert frozen and float(frozen[0].split()[-1]) >= 1
        assert 'verdict="rejected"' in text and 'channel="visit"' in text

    def publish_and_track(self, base, staff, created, library, year) -> None:
        rejected = next(c for c in created[:FIRST_COPY] if c["id"] not in library)
        before = requests.get(f"{base}/api/v1/proposals/track/{rejected['tracking_code']}")
        assert before.json()["status"] == "submitted" and before.json()["outcome_reason"] is None
        scope = {"area_code": AREA, "year": year}
        staff.call("POST", "/api/v1/outcomes/publish", 200, json=scope)
        staff.call("POST", "/api/v1/outcomes/answer", 200, json=scope)
        after = requests.get(f"{base}/api/v1/proposals/track/{rejected['tracking_code']}").json()
        assert after["status"] == "rejected"
        assert after["outcome_reason"] == "已列入旗级年度计划，不再重复立项"
        copy = created[FIRST_COPY]["tracking_code"]
        merged = requests.get(f"{base}/api/v1/proposals/track/{copy}")
        assert merged.json()["status"] == "merged"
        assert merged.json()["merged_into"] == created[0]["tracking_code"]
        public_page = json.dumps(after, ensure_ascii=False) + merged.text
        for personal in ("刘桂兰", "13904771111", "居民", "zg-gov"):
            assert personal not in public_page


def wait_for_events(drain, seconds: float = 10.0, settle: float = 2.0) -> list[dict]:
    """Wait for the first delivery, then a little longer so a duplicate would be caught too."""
    deadline = time.monotonic() + seconds
    got: list[dict] = []
    while not got and time.monotonic() < deadline:
        time.sleep(0.1)
        got += drain()
    time.sleep(settle)
    return got + drain()


LOGIN_ROUTES = [route for route in openapi.ROUTES if route.login]


@pytest.mark.parametrize("route", LOGIN_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_staff_route_refuses_an_anonymous_caller(make_run, route):
    path = route.path.replace("{id}", str(uuid.uuid4())).replace("{n}", "1")
    path = path.replace("{session_id}", "T-" + uuid.uuid4().hex).replace("{sheet}", "1")
    path = path.replace("{code}", AREA).replace("{proposal_id}", str(uuid.uuid4()))
    path = concrete(path)  # the other services' ids, as the gateway's route tests fill them
    body = {} if route.method in ("post", "put") else None
    response = requests.request(
        route.method, make_run.base_url + path, json=body, params={"area_code": AREA}, timeout=20
    )
    assert response.status_code == 401, (route.path, response.text)
    assert response.json()["error"]["code"]
