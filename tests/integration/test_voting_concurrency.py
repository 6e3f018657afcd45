"""Casting at once, on the real processes (a voting township worker and the gateway, as `make
run` starts them) over PostgreSQL: 500 deputies casting together are each counted exactly once,
and 100 parallel casts of one token put exactly one ballot in the box (each answers the same
receipt: all but one are retries)."""

import json
import subprocess
import sys
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, func, select
from voting.box.models import Ballot

from tests.support.voting_floor import (
    STAFF,
    Client,
    Floor,
    approving,
    cast_body,
    create_accounts,
    issue_ballots,
    open_floor,
    setup_area,
    start_on_postgres,
)

pytestmark = pytest.mark.integration

DEPUTIES = 500
SAME_TOKEN_CASTS = 100


@pytest.fixture
def platform(platform_factory, pg):
    running = start_on_postgres(platform_factory, pg)
    create_accounts(running, STAFF)
    return running


@pytest.fixture
def staff(platform):
    client = Client(platform.base_url, STAFF[0])
    setup_area(client, DEPUTIES)
    return client


def all_at_once(bodies: list[dict], url: str) -> list[tuple[int | str, str]]:
    """(status, response text) per body: one OS thread and one new connection each, released
    together by a barrier, in a process of its own (tests.support.burst) — this process's
    threads are green and would connect one at a time."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.burst", url],
        input=json.dumps(bodies),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [(status, text) for status, text in json.loads(done.stdout)]


def ballot_of(floor: Floor, index: int) -> dict[str, str]:
    """Deputy `index`'s choices: two approvals that rotate, one abstention, the rest opposed."""
    ids = floor.candidates
    choices = approving(floor, ids[index % len(ids)], ids[(index + 1) % len(ids)])
    choices[ids[(index + 2) % len(ids)]] = "abstain"
    return choices


def box_rows(platform, session_id: str) -> int:
    engine = create_engine(platform.env["VOTING_BALLOTS_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = select(func.count()).select_from(Ballot).where(Ballot.session_id == session_id)
            return int(connection.scalar(query))
    finally:
        engine.dispose()


class TestFiveHundredAtOnce:
    def test_every_ballot_is_counted_exactly_once(self, platform, staff):
        floor = open_floor(staff, platform.env["AMQP_URI"], DEPUTIES)
        tokens = issue_ballots(floor, floor.deputies, parallel=16)
        ballots = [ballot_of(floor, i) for i in range(DEPUTIES)]

        responses = all_at_once(
            [cast_body(floor, t, b) for t, b in zip(tokens, ballots, strict=True)],
            f"{platform.base_url}/api/v1/ballots",
        )

        assert Counter(status for status, _ in responses) == {201: DEPUTIES}, [
            r for r in responses if r[0] != 201
        ][:5]
        receipts = [json.loads(text)["receipt"] for _, text in responses]
        assert len(set(receipts)) == DEPUTIES
        base = f"/api/v1/sessions/{floor.session_id}"
        assert staff.call("GET", base, 200)["cast"] == DEPUTIES
        staff.post(f"{base}/close", {})
        (counted,) = staff.post(f"{base}/tally", {})["rounds"]
        assert counted["tally"]["valid"] == DEPUTIES and counted["tally"]["invalid"] == 0
        sent = {
            choice: Counter(c for b in ballots for c, v in b.items() if v == choice)
            for choice in ("approve", "oppose", "abstain")
        }
        for row in counted["candidates"]:
            for choice, per_candidate in sent.items():
                assert row[choice] == per_candidate[row["candidate_id"]], (choice, row)
        assert box_rows(platform, floor.session_id) == DEPUTIES


class TestOneTokenAHundredTimes:
    def test_exactly_one_cast_is_accepted_and_one_ballot_stored(self, platform, staff):
        floor = open_floor(staff, platform.env["AMQP_URI"], DEPUTIES)
        first, token = issue_ballots(floor, floor.deputies[:2])
        ballot = approving(floor, floor.candidates[0])
        url = f"{platform.base_url}/api/v1/ballots"
        assert requests.post(url, json=cast_body(floor, first, ballot), timeout=30).ok
        before = box_rows(platform, floor.session_id)

        responses = all_at_once([cast_body(floor, token, ballot)] * SAME_TOKEN_CASTS, url)

        statuses = Counter(status for status, _ in responses)
        assert statuses == {201: SAME_TOKEN_CASTS}, statuses
        answers = [json.loads(text) for _, text in responses]
        assert len({a["receipt"] for a in answers}) == 1
        assert Counter(a["repeated"] for a in answers) == {False: 1, True: SAME_TOKEN_CASTS - 1}
        assert box_rows(platform, floor.session_id) == before + 1
        session = staff.call("GET", f"/api/v1/sessions/{floor.session_id}", 200)
        assert session["cast"] == 2
