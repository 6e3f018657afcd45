"""Checkpoints under concurrency, on PostgreSQL and SQLite, each caller on its own connection
as worker processes would: reports racing for one group × project make one (the others a
409, never a 500), setting one stage at once makes one checkpoint, and reminder runs at once
record each step once."""

import threading
from collections.abc import Callable

import pytest
from servicekit.db import make_engine
from servicekit.errors import Conflict
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from supervision.db.checkpoints_models import Checkpoint, CheckpointReminder, CheckpointReport
from supervision.db.models import Finding

from tests.service.test_supervision_checkpoints import (
    AREA,
    MEMBER,
    STAFF,
    report,
    seed_group,
    seed_project,
)
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration
RACERS = 4


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path, monkeypatch):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", "2026-06-15")
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'supervision.db'}"
    return request.getfixturevalue("pg").create("supervision")


@pytest.fixture
def area(url, tmp_path):
    with migrated_sessions("supervision", tmp_path, {"supervision": url}) as sessions:
        session = sessions["supervision"]
        school, road = seed_project(session, "新建第三小学"), seed_project(session, "硬化乡村道路")
        first = seed_group(session, "第一监督组", ["deputy-1"], [school, road])
        checkpoint = service_worker("supervision", sessions, STAFF, level="banner").set_checkpoint(
            {"area_code": AREA, "year": 2026, "stage": "midyear", "due_date": "2026-09-30"}
        )
        yield {"school": school, "road": road, "first": first, "checkpoint": checkpoint["id"]}


def race(url: str, principal, calls: list[Callable]) -> tuple[int, list[Exception]]:
    engine = make_engine(url)
    start, passed, refused, lock = threading.Barrier(len(calls)), [], [], threading.Lock()

    def run(call: Callable) -> None:
        with Session(engine) as session:
            worker = service_worker(
                "supervision", {"supervision": session}, principal, level="banner"
            )
            start.wait()
            try:
                call(worker)
                with lock:
                    passed.append(1)
            except Conflict as problem:
                with lock:
                    refused.append(problem)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    engine.dispose()
    return len(passed), refused


def count(url: str, model) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = int(conn.scalar(select(func.count()).select_from(model)) or 0)
    engine.dispose()
    return value


def test_reports_racing_for_one_project_make_one(url, area):
    body = report(area)
    calls = [
        lambda w, n=n: w.file_checkpoint_report(area["checkpoint"], body, f"key-{n}")
        for n in range(RACERS)
    ]
    passed, refused = race(url, MEMBER, calls)
    assert (passed, len(refused)) == (1, RACERS - 1)
    assert count(url, CheckpointReport) == 1
    assert count(url, Finding) == 1  # the losers' findings were rolled back with them


def test_one_stage_set_at_once_is_one_checkpoint(url, area):
    body = {"area_code": AREA, "year": 2026, "stage": "yearend", "due_date": "2026-12-20"}
    passed, refused = race(url, STAFF, [lambda w: w.set_checkpoint(body)] * RACERS)
    assert passed + len(refused) == RACERS and passed >= 1
    assert count(url, Checkpoint) == 2


def test_reminder_runs_at_once_record_each_step_once(url, area, monkeypatch):
    monkeypatch.setenv("MINSHENG_TODAY", "2026-10-14")
    passed, _ = race(url, STAFF, [lambda w: w.send_checkpoint_reminders()] * RACERS)
    assert passed == RACERS  # the timer's losers skip quietly
    assert count(url, CheckpointReminder) == 2 * 3  # two missing reports × three steps
