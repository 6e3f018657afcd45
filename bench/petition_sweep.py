"""The nightly time-limit sweep of bench.bench_petition: N open matters of a city bulk-inserted
straight into a petition database (SQL executemany, not the API: the setup is not what is
measured), then the reminders/escalation run (petition.use_cases.reminders) timed in this
process against that database, on SQLite and on PostgreSQL.

The matters are spread over every area of the areas file (city, banners, townships: each
matter at its area's level), over the open states (received: a deputy's first contact or a
station's acceptance; accepted; handling in each tier) and over 120 days of receipt, so that
some time limits are far off, some close (催办), some just past (通报) and some well past
(通报上级); a tenth as many resolved and closed matters lie beside them. Their due days are
computed with the service's own rules and calendar (petition.domain.timelimits).

Measured: the catch-up run (`remind` on yesterday, nothing recorded yet: every step due so far
is sent at once, as after a first deployment or an outage), then the timer's own function
(`reminders.hourly`, level "all": one worker sweeping the whole city), 3 times: the first is
tonight's sweep (the steps that fell due today), the next ones find nothing new.
"""

import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from servicekit import areas, migrate, testing
from servicekit.db import make_engine
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

SWEEP_TARGET_S = 2.0
DAYS_SPREAD = 120  # matters received over the last 120 days
CHUNK = 5000
STATES = ("received", "received", "accepted", "handling", "handling", "handling")
TIERS = ("direct", "diversion", "joint")
CATEGORIES = ("基础设施", "生态环境", "劳动社保", "矛盾纠纷", "教育", "医疗卫生")


@dataclass
class SweepFigures:
    engine_name: str
    open_matters: int
    closed_matters: int
    insert_seconds: float
    catch_up_seconds: float
    catch_up_sent: int
    runs: list[float]
    runs_sent: list[int]

    @property
    def verdict(self) -> str:
        return "PASS" if max(self.runs) < SWEEP_TARGET_S else "FAIL"


def _areas() -> list[areas.Area]:
    return [a for a in areas.load().all() if a.level in ("city", "banner", "township")]


class Dues:
    """Due days by (stage, start day): the service's rules and calendar, each computed once."""

    def __init__(self, session: Session) -> None:
        from petition.domain import timelimits as t
        from petition.use_cases import calendar

        self.t = t
        self.work = calendar.work_calendar(session)
        self.cache: dict[tuple[str, date], tuple[date, str]] = {}

    def due(self, stage: str, start: date) -> tuple[date, str]:
        key = (stage, start)
        if key not in self.cache:
            rule = self.t.pick(self.t.DEFAULT_RULES, stage, None, None)
            self.cache[key] = (self.t.due_date(start, rule, self.work), rule.unit)
        return self.cache[key]


def matter_rows(count: int, closed: int, today: date, dues: Dues) -> Iterator[dict[str, Any]]:
    places = _areas()
    now = datetime.now(UTC)
    for i in range(count + closed):
        place = places[i % len(places)]
        received_on = today - timedelta(days=(i * 7919) % DAYS_SPREAD)
        is_open = i < count
        state = (
            STATES[(i // len(places)) % len(STATES)] if is_open else ("resolved", "closed")[i % 2]
        )
        tier = None if state in ("received", "accepted") else TIERS[i % len(TIERS)]
        stage = "first_contact" if i % 3 else "accept"
        accept_due, unit = dues.due(stage, received_on)
        handle_started = None if state == "received" else received_on + timedelta(days=1)
        handle_due = None
        if handle_started is not None:
            handle_due, unit = dues.due("handle", handle_started)
        received_at = datetime(received_on.year, received_on.month, received_on.day, 2, tzinfo=UTC)
        yield {
            "id": str(uuid.UUID(int=i + 1)),
            "tracking_code": f"B{i:013d}",
            "channel": "public",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "title": f"示例事项 {i}",
            "text": "小区门口路灯坏了一个多月，晚上老人出门不安全。（基准测试数据）",
            "year": received_on.year,
            "area_code": place.code,
            "area_path": place.path,
            "origin_level": place.level,
            "level": place.level,
            "handling_area_code": place.code,
            "deputy_id": str(uuid.UUID(int=10**9 + i % 1243)) if stage == "first_contact" else None,
            "station_id": None,
            "location_text": "示例地点",
            "lat": None,
            "lng": None,
            "attachments": "[]",
            "resident_name": None,
            "resident_phone": None,
            "state": state,
            "tier": tier,
            "reopens": 0,
            "escalations": 0,
            "converted": False,
            "received_at": received_at,
            "received_on": received_on,
            "accept_stage": stage,
            "accept_started_on": received_on,
            "accept_due": accept_due,
            "accepted_at": None if state == "received" else received_at + timedelta(days=1),
            "handle_started_on": handle_started,
            "handle_due": handle_due,
            "due_unit": unit if is_open else None,
            "extended_days": 0,
            "due_pending_year": None,
            "resolved_at": None if is_open else received_at + timedelta(days=10),
            "resolved_on": None if is_open else received_on + timedelta(days=10),
            "result": None if is_open else "已办结（基准测试数据）",
            "documents": "[]",
            "satisfaction": "satisfied" if state == "closed" else None,
            "rated_by": "resident" if state == "closed" else None,
            "entered_by": None,
            "updated_at": now,
        }


def bulk_insert(engine: Engine, count: int, closed: int) -> float:
    """Direct SQL inserts (executemany in chunks, one transaction): setup, not measured."""
    from petition.db.matters import Matter
    from petition.use_cases.common import today

    started = time.perf_counter()
    with Session(engine) as session:
        dues = Dues(session)
        rows = matter_rows(count, closed, today(), dues)
        table = Matter.__table__
        while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
            session.execute(insert(table), chunk)
        session.commit()
    return time.perf_counter() - started


def sweep(engine: Engine, count: int, closed: int, runs: int = 3) -> SweepFigures:
    from petition.use_cases import reminders
    from petition.use_cases.common import today

    # The events are signed as the workers sign them (bench.stack sets the same secret).
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)
    name = engine.dialect.name
    inserted = bulk_insert(engine, count, closed)
    outbox = OutboxWriter(OUTBOX, "bench")
    with Session(engine) as session:
        started = time.perf_counter()
        yesterday = today() - timedelta(days=1)
        sent, _ = reminders.remind(session, outbox, "/", "all", yesterday, datetime.now(UTC))
        catch_up = time.perf_counter() - started
    seconds, counts = [], []
    for _ in range(runs):
        with Session(engine) as session:
            before = _outbox_rows(session)
            started = time.perf_counter()
            reminders.hourly(session, outbox, "all", datetime.now(UTC))
            seconds.append(time.perf_counter() - started)
            counts.append(_outbox_rows(session) - before)
    return SweepFigures(name, count, closed, inserted, catch_up, len(sent), seconds, counts)


def _outbox_rows(session: Session) -> int:
    found = session.scalar(select(func.count()).select_from(OUTBOX)) or 0
    session.rollback()
    return int(found)


@contextmanager
def sqlite_engine(folder: str) -> Iterator[Engine]:
    url = f"sqlite:///{folder}/petition-sweep.db"
    migrate.upgrade("petition", url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Engine]:
    databases = testing.PgDatabases()
    try:
        url = databases.create("petition_sweep")
        migrate.upgrade("petition", url)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        databases.drop_all()


def report(figures: SweepFigures) -> None:
    runs = ", ".join(f"{s:.3f}" for s in figures.runs)
    print(
        f"\nnightly time-limit sweep on {figures.engine_name} ({figures.open_matters} open "
        f"matters + {figures.closed_matters} closed, bulk-inserted by SQL in "
        f"{figures.insert_seconds:.1f} s)"
    )
    print(
        f"  catch-up run (remind on yesterday, nothing recorded before): "
        f"{figures.catch_up_seconds:.3f} s, {figures.catch_up_sent} steps sent"
    )
    print(
        f"  reminders.hourly (the timer), {len(figures.runs)} runs: first {figures.runs[0]:.3f} s, "
        f"median {statistics.median(figures.runs):.3f} s ({runs}; events {figures.runs_sent}); "
        f"target < {SWEEP_TARGET_S:g} s: {figures.verdict}"
    )
