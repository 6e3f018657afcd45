"""A 12345 caller's name and phone (来电人, 联系电话) are kept for the staff detail view only:
not in lists, the study's report or export, the matter opened from the order, a finding sent
out, the remembered answer of a retried import, a refusal, the metrics or any log line."""

import base64
import json
import logging

import pytest
from petition.db.work_orders import HotlineFinding
from servicekit import metrics
from servicekit.auth import ANONYMOUS
from servicekit.errors import RuleViolation
from servicekit.logging import JsonFormatter
from sqlalchemy import select, text

from tests.support import petition as p
from tests.support import work_orders as w
from tests.support.workers import migrated_sessions, service_worker

NAME, PHONE = w.ORDER["resident_name"], w.ORDER["resident_phone"]


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


@pytest.fixture
def log_lines(caplog):
    caplog.set_level(logging.DEBUG)
    formatter = JsonFormatter()
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)


def private(value) -> bool:
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return NAME not in shown and PHONE not in shown


def test_only_the_staff_detail_holds_the_caller(world, log_lines):
    def worker(principal):
        return service_worker("petition", world.sessions, principal, hotline=w.link())

    body = {"area_code": "150622", "orders": [w.ORDER]}
    first = worker(p.RENDA).import_work_orders(body, "key-1")
    assert worker(p.RENDA).import_work_orders(body, "key-1") == first
    order_id = first["orders"][0]["id"]
    worker(ANONYMOUS).receive_work_order(w.delivery(w.order(status="办理中")))
    wang = worker(p.WANG)
    wang.supervise_work_order(order_id, {})
    wang.urge_work_order(order_id, {"text": "请尽快答复来电人"})
    matter = wang.open_matter_from_work_order(order_id, {})
    wang.file_hotline_finding({"area_code": "150622100", "title": "路灯", "content": "路灯不亮",
                               "category": "城乡建设", "work_order_id": order_id})  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        worker(p.RENDA).import_work_orders(
            {"area_code": "150622", "orders": [w.order(order_type="闲聊")]}
        )
    export = worker(p.RENDA).export_hotline_report({"area_code": "150622", "format": "csv"})
    shown = [
        worker(p.RENDA).list_work_orders({"area_code": "150622"}),
        worker(p.WANG).get_hotline_report({"area_code": "150622100"}),
        base64.b64decode(export["content_base64"]).decode("utf-8-sig"),
        worker(p.WANG).get_matter(matter["id"]),
        refused.value.details,
    ]
    assert all(private(view) for view in shown)
    session = world.sessions["petition"]
    assert all(private(b) for b in session.scalars(select(HotlineFinding.body)))
    assert all(
        private(r) for r in session.execute(text("SELECT result FROM idempotency_keys")).scalars()
    )
    assert private(metrics.exposition().decode()) and private(log_lines())

    detail = worker(p.RENDA).get_work_order(order_id)
    assert detail["resident"] == {"name": NAME, "phone": PHONE}
