"""Petition on the development clock (MINSHENG_TODAY with MINSHENG_DEV=1, as implementation):
the days a matter is received, accepted and resolved on, its overdue flag and the reminder run
all follow the made-up date, so a developer's stack (and the e2e journey) can walk a matter
past its time limit; the wall clock (received_at, the steps' times) is never touched. Unset,
it is today in Beijing."""

from datetime import date, datetime

import pytest
from servicekit import clock
from servicekit.errors import ValidationFailed

from tests.support import petition as p
from tests.support.workers import migrated_sessions

ACCEPTED_ON = date(2026, 9, 1)  # a Tuesday: handling (60 calendar days, next day) due 10-31


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", ACCEPTED_ON.isoformat())
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def test_unset_petition_days_are_beijing_days(monkeypatch):
    from petition.use_cases import common

    monkeypatch.delenv("MINSHENG_TODAY", raising=False)
    assert common.today() == datetime.now(clock.BEIJING).date()
    moment = datetime(2026, 9, 30, 18, 0, tzinfo=clock.BEIJING)
    assert common.business_day(moment) == date(2026, 9, 30)


def test_a_matter_walks_past_its_time_limit_on_the_dev_clock(world, monkeypatch):
    created = world.submit()
    matter = world.act(p.WANG, created["id"], "accept")
    assert created["accept_due"] == "2026-09-04"  # 3 working days from the made-up day
    assert matter["handle_due"] == "2026-10-31"
    assert matter["received_at"][:4] == str(clock.utcnow().year)  # the wall clock as it is
    assert world.worker(p.TOWN_RENDA).run_matter_reminders({"area_code": "150622100"})["sent"] == []

    monkeypatch.setenv("MINSHENG_TODAY", "2026-11-02")  # the workers restarted at a later date
    late = world.worker(p.WANG).get_matter(created["id"])
    assert late["overdue"] is True
    run = world.worker(p.TOWN_RENDA).run_matter_reminders({"area_code": "150622100"})
    assert run["on"] == "2026-11-02"
    assert [(s["stage"], s["step"]) for s in run["sent"]] == [
        ("handle", "urge"),
        ("handle", "circulate"),
    ]
    with pytest.raises(ValidationFailed):  # still never ahead of (the made-up) today
        world.worker(p.TOWN_RENDA).run_matter_reminders(
            {"area_code": "150622100", "on": "2026-11-03"}
        )
    world.act(p.WANG, created["id"], "tier", tier="direct", method="follow")
    resolved = world.act(p.WANG, created["id"], "resolve", result="已更换路灯")
    report = world.worker(p.TOWN_RENDA).get_petition_report({"area_code": "150622100"})
    assert report["as_of"] == "2026-11-02"
    assert report["totals"]["on_time"]["part"] == 0  # resolved 11-02, after its 10-31
    assert resolved["state"] == "resolved"
