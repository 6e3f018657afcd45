"""The budget feed (预算联网监督系统) through implementation's entrypoints, on its migrated SQLite
database, against the test receiver (tests.support.feed_receiver) over real HTTP: a funds flow's
records are delivered once and signed; a receiver that is down, loses an answer or keeps
failing is retried with backoff and then delivered, or given up after N attempts; a refused
record is dead at once; the delivery status lists them and a dead one is requeued."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from implementation import service as implementation_service
from implementation.db import feed as feed_db
from implementation.db.models import FeedRecord
from implementation.domain.feed_delivery import FeedSettings
from implementation.feed_endpoint import HttpFeedEndpoint, endpoint_from
from implementation.use_cases import feed_push
from servicekit import config, testing
from servicekit.auth import ANONYMOUS, Principal
from servicekit.db import make_engine
from servicekit.errors import Conflict, Forbidden, NotFound
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support import projects as p
from tests.support.feed_receiver import FeedReceiver
from tests.support.workers import migrated_sessions, service_worker

FINANCE = Principal("fin-1", ("finance_staff",), "150622100")
OTHER_FINANCE = Principal("fin-2", ("finance_staff",), "150602")  # another banner
ADMIN = Principal("admin-1", ("admin",), "150600")
FAST = {"backoff_base": 0.01, "backoff_cap": 0.05, "timeout": 5.0}


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


@pytest.fixture
def receiver():
    receiver = FeedReceiver().start()
    yield receiver
    receiver.stop()


def endpoint(receiver: FeedReceiver, **changes) -> HttpFeedEndpoint:
    settings = {"url": receiver.url, "secret": receiver.secret, **FAST, **changes}
    return HttpFeedEndpoint(FeedSettings(**settings))


def worker(sessions, feed, principal: Principal = FINANCE):
    return service_worker("implementation", sessions, principal, feed=feed)


def funded(sessions, feed, flows: int = 3) -> str:
    """A project from the vote, its budget and `flows` disbursements: its feed records."""
    worker(sessions, feed, ANONYMOUS).handle_voting_session_results_announced(
        p.envelope(p.results(1, 0))
    )
    project_id = worker(sessions, feed, p.STAFF).list_projects({"area_code": p.AREA})["items"][0][
        "id"
    ]
    budget = {"amounts": {"own_fiscal": 100_000_00}, "pro_code": "P2026-001", "reason": "年初预算"}
    worker(sessions, feed).put_budget(project_id, budget)
    for n in range(flows):
        worker(sessions, feed).add_fund_flow(project_id, flow(n), f"flow-{n}")
    return project_id


def flow(n: int) -> dict:
    return {
        "kind": "disbursement",
        "source": "own_fiscal",
        "amount_fen": 10_000_00,
        "flow_date": "2026-06-01",
        "voucher_no": f"V2026-{n:04d}",
        "payee": "准格尔旗某建设有限公司",
    }


def records(sessions) -> dict[str, FeedRecord]:
    session: Session = sessions["implementation"]
    session.rollback()
    session.expire_all()
    return {r.id: r for r in session.scalars(select(FeedRecord))}


def push_until(sessions, feed, done, seconds: float = 10) -> None:
    """Run the pusher's timer entrypoint until `done(records)` holds."""
    deadline = time.monotonic() + seconds
    while not done(records(sessions)):
        assert time.monotonic() < deadline, {
            r.id: (r.state, r.attempts) for r in records(sessions).values()
        }
        worker(sessions, feed, ANONYMOUS).push_feed()
        time.sleep(0.02)


def all_delivered(rows) -> bool:
    return all(r.state == "delivered" for r in rows.values())


class TestDelivery:
    def test_each_record_is_delivered_once_signed_with_its_body_as_stored(self, sessions, receiver):
        feed = endpoint(receiver)
        funded(sessions, feed)
        stored = records(sessions)
        kinds = sorted(r.kind for r in stored.values())
        assert kinds.count("budget") == 1 and kinds.count("disbursement") == 3
        worker(sessions, feed, ANONYMOUS).push_feed()
        rows = records(sessions)
        assert {r.state for r in rows.values()} == {"delivered"}
        assert {r.attempts for r in rows.values()} == {1}
        assert all(r.delivered_at is not None and r.last_error is None for r in rows.values())
        assert set(receiver.records) == set(rows)
        assert receiver.requests == len(rows) and receiver.answers == {200: len(rows)}
        for record_id, row in rows.items():
            assert receiver.raw[record_id] == row.body.encode()  # the signed bytes, as stored
            body = receiver.records[record_id]
            assert body["format"] == "minsheng-budget-feed/1"
            assert (body["mof_div_code"], body["fiscal_year"], body["pro_code"]) == (
                "150622",
                2026,
                "P2026-001",
            )
            assert body["record_type"] == row.kind and body["record_id"] == record_id
        worker(sessions, feed, ANONYMOUS).push_feed()  # nothing is due any more
        assert receiver.requests == len(rows)

    def test_a_lost_answer_is_posted_again_and_the_receiver_keeps_one_copy(
        self, sessions, receiver
    ):
        feed = endpoint(receiver)
        funded(sessions, feed, flows=1)
        receiver.lose_next(1)
        push_until(sessions, feed, all_delivered)
        rows = records(sessions)
        assert set(receiver.records) == set(rows)
        (twice,) = [rid for rid, n in receiver.posts.items() if n == 2]
        assert receiver.answers[409] == 1 and receiver.answers[0] == 1
        assert rows[twice].attempts == 2 and "RemoteDisconnected" in rows[twice].last_error
        assert receiver.duplicates() == 1 and len(receiver.records) == len(rows)

    def test_with_the_feed_off_records_stay_pending_and_the_status_says_so(self, sessions):
        feed = HttpFeedEndpoint(FeedSettings())
        funded(sessions, feed, flows=1)
        worker(sessions, feed, ANONYMOUS).push_feed()
        assert {r.state for r in records(sessions).values()} == {"pending"}
        page = worker(sessions, feed).list_feed_records({"area_code": p.AREA})
        assert page["feed"]["enabled"] is False and page["feed"]["endpoint"] is None
        assert "BUDGET_FEED_URL" in page["feed"]["note"]
        assert page["counts"] == {"pending": page["total"], "delivered": 0, "dead": 0}


class TestOutages:
    def test_a_receiver_that_is_down_costs_one_request_a_tick_then_all_arrive(
        self, sessions, receiver
    ):
        feed = endpoint(receiver, backoff_base=1.0, backoff_cap=1.0)
        funded(sessions, feed)
        receiver.stop()
        before = datetime.now(UTC)
        worker(sessions, feed, ANONYMOUS).push_feed()
        rows = records(sessions)
        tried = [r for r in rows.values() if r.attempts]
        assert len(tried) == 1 and tried[0].state == "pending"
        assert "ConnectionRefusedError" in tried[0].last_error
        assert tried[0].next_attempt_at >= before + timedelta(seconds=0.5)  # backing off
        assert {r.attempts for r in rows.values() if r is not tried[0]} == {0}  # released untried
        worker(sessions, feed, ANONYMOUS).push_feed()
        assert sum(r.attempts for r in records(sessions).values()) == 2
        receiver.start()
        push_until(sessions, feed, all_delivered)
        assert set(receiver.records) == set(rows) and receiver.duplicates() == 0

    def test_the_schedule_of_one_record_is_two_four_eight_seconds_halved_by_jitter(
        self, sessions, receiver
    ):
        feed = endpoint(receiver, backoff_base=2.0, backoff_cap=3600.0, max_attempts=10)
        funded(sessions, feed, flows=0)
        (only,) = [r.id for r in records(sessions).values() if r.kind == "budget"]
        others = [r for r in records(sessions).values() if r.id != only]
        session = sessions["implementation"]
        for row in others:  # delivered already: only the budget record is left to push
            row.state = "delivered"
        session.commit()
        receiver.fail_next(1000)
        now = datetime.now(UTC)
        for attempt in range(1, 6):
            feed_push.push_due(session, feed, "township", lambda at=now: at)
            row = records(sessions)[only]
            wait = (row.next_attempt_at - now).total_seconds()
            assert row.attempts == attempt
            assert 2 ** (attempt - 1) <= wait <= 2**attempt, (attempt, wait)
            now = row.next_attempt_at
        assert receiver.posts[only] == 5

    def test_a_receiver_that_keeps_failing_makes_the_record_dead_after_max_attempts(
        self, sessions, receiver
    ):
        feed = endpoint(receiver, max_attempts=3)
        funded(sessions, feed, flows=1)
        receiver.fail_next(10_000)
        push_until(sessions, feed, lambda rows: all(r.state == "dead" for r in rows.values()))
        rows = records(sessions)
        assert {r.attempts for r in rows.values()} == {3}
        assert {r.last_error for r in rows.values()} == {"HTTP 503 Service Unavailable"}
        assert all(receiver.posts[rid] == 3 for rid in rows) and not receiver.records
        worker(sessions, feed, ANONYMOUS).push_feed()
        assert receiver.requests == 3 * len(rows)  # a dead record is not tried again

    def test_a_record_the_receiver_refuses_is_dead_at_once(self, sessions, receiver):
        feed = endpoint(receiver)
        funded(sessions, feed, flows=0)
        receiver.fail_next(1, status=422)
        worker(sessions, feed, ANONYMOUS).push_feed()
        rows = records(sessions)
        (dead,) = [r for r in rows.values() if r.state == "dead"]
        assert dead.attempts == 1 and dead.last_error == "HTTP 422 Unprocessable Entity"
        assert all(r.state == "delivered" for r in rows.values() if r is not dead)

    def test_a_wrong_secret_is_retried_not_given_up(self, sessions, receiver):
        feed = endpoint(receiver, secret=b"w" * 32)
        funded(sessions, feed, flows=0)
        worker(sessions, feed, ANONYMOUS).push_feed()
        rows = records(sessions)
        assert receiver.answers == {401: 1} and not receiver.records
        assert {r.state for r in rows.values()} == {"pending"}
        assert "HTTP 401" in next(r.last_error for r in rows.values() if r.attempts)

    def test_an_unreachable_database_pauses_the_feed_with_one_warning(self, receiver, caplog):
        url = f"postgresql+psycopg2://nobody@127.0.0.1:{testing.free_port()}/none"
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                pushed = feed_push.push_due(session, endpoint(receiver), "township")
        finally:
            engine.dispose()
        assert pushed == {} and receiver.requests == 0
        assert [r.getMessage() for r in caplog.records if r.name.endswith("feed_push")] == [
            "budget feed paused: the database is unavailable (OperationalError)"
        ]


class TestClaims:
    def test_a_claimed_record_is_not_claimed_again_until_its_lease_ends(self, sessions):
        feed = HttpFeedEndpoint(FeedSettings())
        funded(sessions, feed, flows=1)
        session = sessions["implementation"]
        now = datetime.now(UTC)
        lease, orphaned = timedelta(seconds=30), timedelta(seconds=60)
        first = feed_db.claim_due(session, "township", now, 50, lease, orphaned)
        assert len(first) == len(records(sessions))
        assert feed_db.claim_due(session, "township", now, 50, lease, orphaned) == []
        later = now + lease + timedelta(seconds=1)
        again = feed_db.claim_due(session, "township", later, 50, lease, orphaned)
        assert {c.id for c in again} == {c.id for c in first}
        # The first claimer's result comes too late: the newer lease's holder decides.
        assert not feed_db.finish(session, first[0], {"state": "delivered"})
        assert feed_db.finish(session, again[0], {"state": "delivered"})

    def test_another_levels_records_are_taken_only_once_they_have_waited(self, sessions):
        feed = HttpFeedEndpoint(FeedSettings())
        funded(sessions, feed, flows=1)  # a township project's records
        session = sessions["implementation"]
        now = datetime.now(UTC)
        lease, orphaned = timedelta(seconds=30), timedelta(seconds=60)
        assert feed_db.claim_due(session, "city", now, 50, lease, orphaned) == []
        late = now + timedelta(seconds=61)
        assert feed_db.claim_due(session, "city", late, 50, lease, orphaned)


class TestStatusAndRetry:
    def dead_record(self, sessions, receiver) -> tuple[HttpFeedEndpoint, str]:
        feed = endpoint(receiver, max_attempts=1)
        funded(sessions, feed, flows=1)
        receiver.fail_next(1)
        worker(sessions, feed, ANONYMOUS).push_feed()
        (dead,) = [r.id for r in records(sessions).values() if r.state == "dead"]
        push_until(sessions, feed, lambda rows: all(r.state != "pending" for r in rows.values()))
        return feed, dead

    def test_the_status_lists_each_record_with_its_delivery(self, sessions, receiver):
        feed, dead = self.dead_record(sessions, receiver)
        page = worker(sessions, feed).list_feed_records({"area_code": p.AREA})
        assert page["feed"] == {
            "enabled": True,
            "endpoint": receiver.url,
            "max_attempts": 1,
            "note": "推送已开启 (the feed is on)",
        }
        assert page["total"] == len(records(sessions))
        assert page["counts"] == {"pending": 0, "delivered": page["total"] - 1, "dead": 1}
        (item,) = worker(sessions, feed).list_feed_records({"area_code": p.AREA, "state": "dead"})[
            "items"
        ]
        assert item["id"] == dead and item["state_name"] == "推送失败"
        assert item["last_error"] == "HTTP 503 Service Unavailable" and item["attempts"] == 1
        assert item["next_attempt_at"] is None and item["body"]["record_id"] == dead
        assert item["area_code"] == p.AREA and item["project_title"]
        banner = worker(sessions, feed, ADMIN).list_feed_records({"area_code": "150622"})
        assert banner["total"] == page["total"]

    def test_only_finance_staff_and_admins_of_the_area_see_it(self, sessions, receiver):
        feed = endpoint(receiver)
        funded(sessions, feed, flows=0)
        with pytest.raises(Forbidden):
            worker(sessions, feed, p.STAFF).list_feed_records({"area_code": p.AREA})
        with pytest.raises(Forbidden):
            worker(sessions, feed, OTHER_FINANCE).list_feed_records({"area_code": p.AREA})

    def test_a_dead_record_is_requeued_and_then_delivered(self, sessions, receiver):
        feed, dead = self.dead_record(sessions, receiver)
        again = worker(sessions, feed).retry_feed_record(dead)
        assert (again["state"], again["attempts"]) == ("pending", 0)
        assert again["last_error"] == "HTTP 503 Service Unavailable"  # until the next attempt
        push_until(sessions, feed, all_delivered)
        assert dead in receiver.records and receiver.posts[dead] == 2

    def test_only_a_dead_record_is_requeued_by_finance_staff_of_its_area(self, sessions, receiver):
        feed, dead = self.dead_record(sessions, receiver)
        delivered = next(r.id for r in records(sessions).values() if r.state == "delivered")
        with pytest.raises(Conflict) as refused:
            worker(sessions, feed).retry_feed_record(delivered)
        assert refused.value.details == {"state": "delivered"}
        with pytest.raises(NotFound):
            worker(sessions, feed).retry_feed_record("no-such-record")
        with pytest.raises(Forbidden):
            worker(sessions, feed, OTHER_FINANCE).retry_feed_record(dead)
        with pytest.raises(Forbidden):
            worker(sessions, feed, ADMIN).retry_feed_record(dead)
        assert records(sessions)[dead].state == "dead"


class TestTransport:
    @pytest.fixture(scope="class")
    def tls(self, tmp_path_factory):
        return testing.make_tls_files(str(tmp_path_factory.mktemp("feed-tls")))

    @pytest.fixture
    def https_receiver(self, tls):
        receiver = FeedReceiver(tls=tls).start()
        yield receiver
        receiver.stop()

    def test_https_verifies_the_receiver_against_the_ca_file(self, sessions, https_receiver, tls):
        feed = endpoint(https_receiver, ca_file=tls.ca)
        funded(sessions, feed, flows=1)
        worker(sessions, feed, ANONYMOUS).push_feed()
        assert all_delivered(records(sessions))
        assert set(https_receiver.records) == set(records(sessions))

    def test_a_receiver_the_ca_does_not_vouch_for_gets_nothing(self, sessions, https_receiver):
        feed = endpoint(https_receiver)  # the system's CAs: the test CA is not among them
        funded(sessions, feed, flows=0)
        worker(sessions, feed, ANONYMOUS).push_feed()
        (tried,) = [r for r in records(sessions).values() if r.attempts]
        assert tried.state == "pending" and "CERTIFICATE_VERIFY_FAILED" in tried.last_error
        assert https_receiver.requests == 0 and https_receiver.connections == 1

    def test_the_start_is_refused_for_a_setting_not_to_run_with(self, monkeypatch, tmp_path):
        monkeypatch.setenv("BUDGET_FEED_URL", "https://feed.example.cn/records")
        monkeypatch.delenv("BUDGET_FEED_SECRET", raising=False)
        with pytest.raises(config.ConfigError, match="BUDGET_FEED_SECRET"):
            implementation_service.configure({})
        monkeypatch.setenv("BUDGET_FEED_SECRET", "s" * 32)
        monkeypatch.setenv("BUDGET_FEED_CA_FILE", str(tmp_path / "missing.pem"))
        with pytest.raises(config.ConfigError, match="BUDGET_FEED_CA_FILE"):
            implementation_service.configure({})
        monkeypatch.delenv("BUDGET_FEED_CA_FILE")
        assert implementation_service.configure({"x": 1}) == {"x": 1}

    def test_no_url_is_the_feed_off_and_a_start(self, monkeypatch):
        monkeypatch.delenv("BUDGET_FEED_URL", raising=False)
        assert not endpoint_from().settings.enabled
