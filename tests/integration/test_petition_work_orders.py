"""12345 work orders on both engines (PostgreSQL and SQLite): the signed webhook is idempotent
by order number (a redelivery answers the same and writes nothing; a new status is a version
with history; a bad signature writes nothing), and a deputy's findings reach a local 12345
receiver signed, retried with backoff after failures, given up after the last attempt, kept
pending while the adapter is off, and never doubled when an answer is lost."""

from datetime import timedelta

import pytest
from petition.db.work_orders import HotlineFinding, WorkOrderChange
from petition.use_cases import work_order_outbound as outbound
from servicekit.auth import ANONYMOUS
from servicekit.clock import utcnow
from servicekit.errors import Unauthenticated
from sqlalchemy import func, select

from tests.support import petition as p
from tests.support import work_orders as w
from tests.support.feed_receiver import FeedReceiver
from tests.support.workers import migrated_sessions, service_worker

FINDING = {
    "area_code": "150622100",
    "title": "迎宾路积水",
    "content": "迎宾路与府前街交叉口雨后积水严重，影响通行。",
    "category": "城乡建设",
    "address": "迎宾路与府前街交叉口",
}


@pytest.fixture(params=["postgresql", "sqlite"])
def world(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        urls = {"petition": request.getfixturevalue("pg").create("petition")}
    with migrated_sessions("petition", tmp_path, urls) as sessions:
        yield p.build(sessions)


@pytest.fixture
def receiver():
    started = FeedReceiver(secret=w.SECRET).start()
    yield started
    started.stop()


def worker(world, principal=ANONYMOUS, hotline=None):
    return service_worker("petition", world.sessions, principal, hotline=hotline or w.link())


def changes(world):
    query = select(func.count()).select_from(WorkOrderChange)
    return world.sessions["petition"].scalar(query)


class TestWebhook:
    def test_a_redelivery_answers_the_same_and_writes_nothing(self, world):
        first = worker(world).receive_work_order(w.delivery(w.ORDER))
        for _ in range(3):
            assert worker(world).receive_work_order(w.delivery(w.ORDER)) == first
        assert changes(world) == 1

    def test_a_new_status_is_a_new_version_with_its_history(self, world):
        worker(world).receive_work_order(w.delivery(w.ORDER))
        handling = worker(world).receive_work_order(w.delivery(w.order(status="办理中")))
        closed = w.order(status="已办结", closed_at="2026-11-12T17:00:00+08:00")
        done = worker(world).receive_work_order(w.delivery(closed))
        assert (handling["version"], done["version"], done["status"]) == (2, 3, "closed")
        history = worker(world, p.RENDA).get_work_order(done["id"])["history"]
        assert [(h["status_from"], h["status_to"]) for h in history] == [
            (None, "dispatched"),
            ("dispatched", "handling"),
            ("handling", "closed"),
        ]

    def test_a_forged_or_replayed_delivery_writes_nothing(self, world):
        forged = {**w.delivery(w.ORDER), "body": w.delivery(w.order(status="已退回"))["body"]}
        with pytest.raises(Unauthenticated):
            worker(world).receive_work_order(forged)
        with pytest.raises(Unauthenticated):
            worker(world).receive_work_order(w.delivery(w.ORDER, at=utcnow().timestamp() - 900))
        assert changes(world) == 0


class TestFindingsOut:
    def filed(self, world, hotline, key=None):
        return worker(world, p.WANG, hotline).file_hotline_finding(FINDING, key)

    def push(self, world, hotline, after=timedelta(0)):
        at = utcnow() + after
        return outbound.push_findings(world.sessions["petition"], hotline, "township",
                                      lambda: at, lambda: 0.0)  # fmt: skip

    def row(self, world, finding_id):
        session = world.sessions["petition"]
        session.expire_all()
        return session.get(HotlineFinding, finding_id)

    def test_a_finding_is_delivered_signed_after_a_failure_and_its_backoff(self, world, receiver):
        hotline = w.link(receiver.url, max_attempts=3)
        finding = self.filed(world, hotline)
        assert finding["state"] == "pending" and finding["push_enabled"]
        receiver.fail_next(1)
        assert self.push(world, hotline) == {"failed": 1}
        row = self.row(world, finding["id"])
        assert (row.state, row.attempts, row.last_error) == (
            "pending",
            1,
            "HTTP 503 Service Unavailable",
        )
        assert self.push(world, hotline) == {}  # still waiting out its backoff
        assert self.push(world, hotline, timedelta(minutes=5)) == {"delivered": 1}
        (stored,) = receiver.records.values()  # the receiver checked the signature
        assert stored["record_id"] == finding["id"] and stored["title"] == "迎宾路积水"
        assert stored["filed_by"]["name"] == "王建国" and "刘秀英" not in str(stored)
        assert self.row(world, finding["id"]).state == "delivered"

    def test_dead_after_the_last_attempt(self, world, receiver):
        hotline = w.link(receiver.url, max_attempts=2)
        finding = self.filed(world, hotline)
        receiver.fail_next(5)
        self.push(world, hotline)
        assert self.push(world, hotline, timedelta(hours=2)) == {"dead": 1}
        row = self.row(world, finding["id"])
        assert (row.state, row.attempts) == ("dead", 2) and not receiver.records

    def test_a_lost_answer_is_retried_and_never_doubled(self, world, receiver):
        hotline = w.link(receiver.url)
        self.filed(world, hotline)
        receiver.lose_next(1)
        assert self.push(world, hotline) == {"failed": 1}
        assert self.push(world, hotline, timedelta(minutes=5)) == {"delivered": 1}  # 409
        assert len(receiver.records) == 1 and receiver.duplicates() == 1

    def test_with_the_adapter_off_findings_wait_pending(self, world, receiver):
        off = w.link()
        finding = self.filed(world, off, key="f-1")
        assert not finding["push_enabled"]
        assert self.filed(world, off, key="f-1") == finding  # a retried filing: one record
        assert self.push(world, off, timedelta(hours=1)) == {}
        assert self.row(world, finding["id"]).state == "pending" and receiver.requests == 0
