"""A 12345 work order through the gateway only, on the platform as `make run` starts it: congress
staff import the demo deputy's profile and an order; the hotline's signed webhook moves it on
(a replay answers the same, a forged signature is 401); the deputy supervises it, urges, finds
it among their overdue supervised orders, rates it once closed, files a finding that reaches a
local 12345 receiver signed, and reads the study's report and its Excel export."""

import io
import json

import pytest
import requests
from openpyxl import load_workbook
from servicekit import testing

from tests.support import work_orders as w
from tests.support.feed_receiver import FeedReceiver

AREA = "150622100"  # 薛家湾镇: the demo deputy daibiao's town
DEPUTY_CSV = "姓名,层级,地区代码,账号\n演示代表01,苏木乡镇,150622100,daibiao\n"


@pytest.fixture(scope="module")
def receiver():
    started = FeedReceiver(secret=w.SECRET).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def make_run_env(receiver):
    return {
        "PETITION_HOTLINE_SECRET": w.SECRET,
        "PETITION_HOTLINE_URL": receiver.url,
        "PETITION_HOTLINE_BACKOFF_SECONDS": "0.1",
    }


def webhook(base: str, order: dict, secret: str = w.SECRET) -> requests.Response:
    signed = w.delivery(json.dumps(order, ensure_ascii=False), secret)
    headers = {
        "Content-Type": "application/json",
        "X-Minsheng-Timestamp": signed["timestamp"],
        "X-Minsheng-Signature": signed["signature"],
    }
    return requests.post(f"{base}/api/v1/work-orders/webhook", data=signed["body"].encode(),
                         headers=headers, timeout=10)  # fmt: skip


def ok(response: requests.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_an_order_imported_supervised_urged_rated_and_studied(make_run, receiver):
    base = make_run.base_url
    renda = make_run.login("renda", "demo-renda-2026")
    ok(requests.post(f"{base}/api/v1/deputies/import", headers=renda, timeout=10,
                     json={"area_code": "150622", "csv": DEPUTY_CSV}), 201)  # fmt: skip
    order_no = f"E2E-{testing.free_port()}"
    order = w.order(order_no=order_no)
    imported = ok(requests.post(f"{base}/api/v1/work-orders/import", headers=renda, timeout=10,
                                json={"area_code": "150622", "orders": [order]}), 201)  # fmt: skip
    order_id = imported["orders"][0]["id"]

    moved = ok(webhook(base, {**order, "status": "办理中"}))
    assert moved["version"] == 2 and ok(webhook(base, {**order, "status": "办理中"})) == moved
    forged = webhook(base, {**order, "status": "已退回"}, secret="forged-" + "x" * 40)
    assert forged.status_code == 401 and forged.json()["error"]["details"]["reason"]

    daibiao = make_run.login("daibiao", "demo-daibiao-2026")
    path = f"{base}/api/v1/work-orders/{order_id}"
    ok(requests.post(f"{path}/supervise", headers=daibiao, json={"note": "疑难"}, timeout=10))
    urged = ok(requests.post(f"{path}/urge", headers=daibiao, json={"text": "请本周答复"},
                             timeout=10))  # fmt: skip
    assert urged["urges"][0]["text"] == "请本周答复"
    overdue = {"area_code": AREA, "mine": "true", "overdue": "true"}
    mine = ok(requests.get(f"{base}/api/v1/work-orders", headers=daibiao, params=overdue,
                           timeout=10))  # fmt: skip
    assert order_id in [o["id"] for o in mine["items"]]  # due 23 November 2026

    closed = {**order, "status": "已办结", "closed_at": "2026-11-30T10:00:00+08:00"}
    ok(webhook(base, closed))
    rated = ok(requests.post(f"{path}/rate", headers=daibiao, timeout=10,
                             json={"rating": "dissatisfied", "comment": "超期办结"}))  # fmt: skip
    assert rated["supervision"][0]["rating"] == "dissatisfied"

    finding = {"area_code": AREA, "title": "迎宾路积水", "content": "雨后积水严重",
               "category": "城乡建设", "work_order_id": order_id}  # fmt: skip
    filed = ok(requests.post(f"{base}/api/v1/work-orders/findings", headers=daibiao,
                             json=finding, timeout=10), 201)  # fmt: skip
    testing.wait_until(lambda: filed["id"] in receiver.records, seconds=30)
    assert receiver.records[filed["id"]]["work_order_no"] == order_no

    report = ok(requests.get(f"{base}/api/v1/reports/hotline", headers=daibiao, timeout=10,
                             params={"area_code": AREA}))  # fmt: skip
    assert report["orders"] >= 1 and report["repeat_rule"]
    export = requests.get(f"{base}/api/v1/reports/hotline/export", headers=renda, timeout=10,
                          params={"area_code": "150622", "format": "xlsx"})  # fmt: skip
    assert export.status_code == 200
    assert "重复投诉" in load_workbook(io.BytesIO(export.content)).sheetnames
