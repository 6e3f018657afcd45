"""A resident's name and phone reach the deputies and staff handling the matter, and nothing
else: not the deputy's public page, the tracking page, any event, the metrics, the remembered
answer of a retried submission — and no log line, of the service or of the gateway, on the way
in or on a refusal."""

import json
import logging

import pytest
from servicekit import metrics
from servicekit.logging import JsonFormatter
from servicekit.relay import OUTBOX
from sqlalchemy import select, text

from tests.support import petition as p
from tests.support.gateway import running_gateway
from tests.support.workers import migrated_sessions

NAME, PHONE = p.RESIDENT["name"], p.RESIDENT["phone"]


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


@pytest.fixture
def log_lines(caplog):
    caplog.set_level(logging.DEBUG)
    formatter = JsonFormatter()
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)


def assert_private(text: str) -> None:
    assert NAME not in text and PHONE not in text


def test_public_views_events_metrics_and_logs_never_hold_the_resident(world, log_lines):
    created = world.submit("wang", "key-private")
    world.submit("wang", "key-private")  # a retry: answered from the remembered result
    matter = created["id"]
    world.act(p.WANG, matter, "accept")
    world.act(p.WANG, matter, "tier", tier="direct", method="follow")
    world.act(p.WANG, matter, "resolve", result="已联系居民并处理完毕")
    world.act(
        p.WANG,
        matter,
        "convert",
        title="小区照明改造",
        description="路灯老化，建议整体改造照明设施",
    )

    public = [
        world.worker().get_public_code(world.code_of("wang")),
        world.worker().track_matter(created["tracking_code"]),
        world.worker().rate_matter(created["tracking_code"], {"satisfaction": "satisfied"}),
        world.worker(p.RENDA).list_matters({"area_code": "150622"}),
        world.worker(p.RENDA).get_petition_report({"area_code": "150622"}),
    ]
    for view in public:
        assert_private(json.dumps(view, ensure_ascii=False))

    session = world.sessions["petition"]
    envelopes = [row for (row,) in session.execute(select(OUTBOX.c.envelope))]
    assert len(envelopes) >= 3
    assert_private("\n".join(envelopes))
    remembered = session.execute(text("SELECT result FROM idempotency_keys")).scalars().all()
    assert remembered and all(NAME not in r and PHONE not in r for r in remembered)
    assert_private(metrics.exposition().decode())
    assert_private(log_lines())

    staff = world.worker(p.WANG).get_matter(matter)  # the deputy handling it may call back
    assert (staff["resident_name"], staff["resident_phone"]) == (NAME, PHONE)


def test_a_refused_submission_logs_neither(world, log_lines):
    from servicekit.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        world.worker().submit_matter(
            {**p.MATTER, "code": world.code_of("wang"), "category": "娱乐", "resident": p.RESIDENT}
        )
    assert_private(json.dumps(refused.value.details, ensure_ascii=False))
    assert_private(log_lines())


def test_the_gateway_logs_neither_on_the_way_in(monkeypatch, tmp_path, log_lines):
    with running_gateway(monkeypatch, tmp_path, max_body_bytes=64 * 1024) as gateway:
        gateway.fake.replies["submit_matter"] = {"tracking_code": "T4KQ-7MZP-X2WD"}
        body = {**p.MATTER, "code": "T7K2M9QX", "resident": p.RESIDENT}
        assert gateway.request("post", "/api/v1/matters", json=body).status_code == 201
        bad = {**body, "resident": {**p.RESIDENT, "phone": PHONE + "x"}}
        assert gateway.request("post", "/api/v1/matters", json=bad).status_code == 400
        (call,) = gateway.calls
        assert call.method == "submit_matter" and call.level == "township"
    assert_private(log_lines())
