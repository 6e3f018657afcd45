"""Issuing races closing (issue 11, "issuing can race closing"), with real concurrency: six
processes issue ballots to 240 deputies while a seventh closes the round midway, on SQLite and on
PostgreSQL. Issuing checks the round is open under the lock closing takes, so afterwards every
issuance in the roll was there when the round closed (the close's own count says so), each
token issued is in the box and can no longer vote, and every issue after the close was refused.
Before the lock, issues that had read "open" went on after the close: the roll then held
ballots issued into a sealed round."""

import json
import subprocess
import sys
import time

import pytest
from servicekit.db import make_engine
from servicekit.errors import Conflict
from servicekit.testing import wait_until
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from voting.box.models import BallotToken
from voting.db.models import Issuance

from tests.support.voting_worker import (
    STAFF,
    issue_electronic,
    migrated_databases,
    prepared_session,
    voting_worker,
)

pytestmark = pytest.mark.integration

ISSUERS, EACH = 6, 40
CLOSE_AFTER = 60


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request, tmp_path):
    if request.param == "sqlite":
        return {name: f"sqlite:///{tmp_path}/{name}.db" for name in ("voting", "voting_ballots")}
    pg = request.getfixturevalue("pg")
    return {"voting": pg.create("voting"), "voting_ballots": pg.create("voting_ballots")}


def race(urls: dict, session_id: str) -> tuple[list, dict]:
    start_at = time.time() + 4  # every process imported and connected by then
    numbers = [f"D{n:03d}" for n in range(1, ISSUERS * EACH + 1)]
    jobs = [{"role": "issue", "deputies": numbers[i::ISSUERS]} for i in range(ISSUERS)] + [
        {"role": "close", "close_after": CLOSE_AFTER}
    ]
    processes = [
        _start({**job, "urls": urls, "session_id": session_id, "start_at": start_at})
        for job in jobs
    ]
    results = [_finish(process) for process in processes]
    return [r for issued in results[:-1] for r in issued], results[-1]


def test_no_ballot_is_issued_into_a_closed_round(urls, tmp_path):
    with migrated_databases(tmp_path, urls) as dbs:
        sid = prepared_session(dbs, deputies=ISSUERS * EACH).session_id
        voting_worker(dbs, STAFF).open_session(sid, {})
        dbs.db.commit(), dbs.box.commit()
        issued, closed = race(urls, sid)

        tokens = [value for status, value in issued if status == "ok"]
        refused = [value for status, value in issued if status == "refused"]
        in_roll = dbs.db.scalar(select(func.count()).where(Issuance.session_id == sid))
        in_box = dbs.box.scalar(select(func.count()).where(BallotToken.session_id == sid))
        print(f"issued {len(tokens)}, refused {len(refused)}, at close {closed['issued']}")
        assert closed["state"] == "closed"
        assert len(tokens) >= CLOSE_AFTER and refused, "the close did not land midway"
        assert set(refused) == {"Conflict"}, refused
        assert in_roll == closed["issued"] == len(tokens)  # nothing issued after the close
        assert in_box == in_roll
        public = voting_worker(dbs)
        for token in tokens:
            with pytest.raises(Conflict):
                public.cast_ballot({"session_id": sid, "token": token, "choices": {}})


def _waiting_on_locks(connection, databases: list[str]) -> int:
    return connection.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = ANY(:names)"
        ),
        {"names": databases},
    ).scalar_one()


def test_an_issue_that_read_open_lands_before_the_close_or_not_at_all(pg, tmp_path):
    """The interleaving the race above only meets by chance, made certain on PostgreSQL: the
    test holds the box's token table, so an issue stops inside its transaction, after it read
    the round open and before it wrote anything; the close starts then; the table is let go
    once both wait. Every issuance of the round must then have been rewritten by the close
    (one xmin: it existed when the round closed). Without the lock the issue's roll row waited
    for the close and landed after it, outside the shuffle, with an xmin of its own."""
    urls = {"voting": pg.create("voting"), "voting_ballots": pg.create("voting_ballots")}
    names = [make_url(url).database for url in urls.values()]
    with migrated_databases(tmp_path, urls) as dbs:
        sid = prepared_session(dbs, deputies=3).session_id
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        issue_electronic(staff, sid, "D001")
        dbs.db.commit(), dbs.box.commit()
        holder = make_engine(urls["voting_ballots"]).connect()
        holder.execute(text("LOCK TABLE ballot_tokens IN SHARE ROW EXCLUSIVE MODE"))
        # pg_stat_activity is read afresh only outside a transaction
        watcher = (
            make_engine(urls["voting"]).connect().execution_options(isolation_level="AUTOCOMMIT")
        )
        common = {"urls": urls, "session_id": sid, "start_at": 0}
        issuer = _start({**common, "role": "issue", "deputies": ["D002"]})
        wait_until(lambda: _waiting_on_locks(watcher, names) == 1, seconds=30)
        closer = _start({**common, "role": "close", "close_after": 0})
        wait_until(lambda: _waiting_on_locks(watcher, names) == 2, seconds=30)
        holder.rollback()  # let the token table go
        (outcome,), closed = _finish(issuer), _finish(closer)
        holder.close(), watcher.close()
        xmins = dbs.db.scalars(
            text("SELECT DISTINCT xmin::text FROM issuances WHERE session_id = :s"), {"s": sid}
        ).all()
        in_roll = dbs.db.scalar(select(func.count()).where(Issuance.session_id == sid))
        assert closed["state"] == "closed"
        assert outcome[0] == "ok"  # it held the session first, so it was issued in time
        assert in_roll == 2 and len(xmins) == 1, xmins


def _start(job: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.issue_race"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process.stdin.write(json.dumps(job))
    process.stdin.close()
    return process


def _finish(process: subprocess.Popen):
    assert process.wait(timeout=120) == 0
    return json.loads(process.stdout.read())
