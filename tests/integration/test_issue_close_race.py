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
from servicekit.errors import Conflict
from sqlalchemy import func, select
from voting.box.models import BallotToken
from voting.db.models import Issuance

from tests.support.voting_worker import STAFF, migrated_databases, prepared_session, voting_worker

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
    processes = []
    for job in jobs:
        job.update(urls=urls, session_id=session_id, start_at=start_at)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.issue_race"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        process.stdin.write(json.dumps(job))
        process.stdin.close()
        processes.append(process)
    results = []
    for process in processes:
        assert process.wait(timeout=180) == 0
        results.append(json.loads(process.stdout.read()))
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
