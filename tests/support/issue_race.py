"""One process of the issuing-versus-closing race (tests/integration/test_issue_close_race.py):
`python -m tests.support.issue_race` reads {urls, session_id, role, deputies, start_at,
close_after} as JSON on stdin and prints what it got as JSON. Issuers issue a ballot to each of
their deputies from `start_at` on; the closer closes once `close_after` ballots are in the roll.
Plain processes: SQLite and PostgreSQL both see real concurrent writers."""

import json
import sys
import time

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.voting_worker import STAFF, Databases, issue_electronic, voting_worker


def issue(dbs: Databases, job: dict) -> list:
    staff = voting_worker(dbs, STAFF)
    got = []
    for number in job["deputies"]:
        try:
            got.append(["ok", issue_electronic(staff, job["session_id"], number)])
        except Exception as exc:  # the refusal's class is the result
            got.append(["refused", type(exc).__name__])
        dbs.db.rollback(), dbs.box.rollback()
    return got


def close(dbs: Databases, job: dict) -> dict:
    query = text("SELECT count(*) FROM issuances WHERE session_id = :s")
    while dbs.db.scalar(query, {"s": job["session_id"]}) < job["close_after"]:
        dbs.db.rollback()
        time.sleep(0.005)
    dbs.db.rollback()
    closed = voting_worker(dbs, STAFF).close_session(job["session_id"], {})
    return {"issued": closed["issued"], "state": closed["state"]}


def main() -> None:
    from servicekit.db import make_engine

    job = json.load(sys.stdin)
    engines = {name: make_engine(url) for name, url in job["urls"].items()}
    with Session(engines["voting"]) as db, Session(engines["voting_ballots"]) as box:
        dbs = Databases(db, box)
        while time.time() < job["start_at"]:
            time.sleep(0.001)
        result = issue(dbs, job) if job["role"] == "issue" else close(dbs, job)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
