"""The secret ballot, checked after a whole session over HTTP on the real processes (PostgreSQL):
deputies check in and take tokens (two of them themselves), electronic and paper ballots, a
mismatch resolved, a refused and a repeated cast, close, count, announce, publish, receipts
checked. Then three inspections:

- the ballot box's schema: exactly the allowed columns, none naming a person, time or address;
- the ballot box's content: nothing of the roster, no token, no time, no address; the roll
  (the session database) holds no token and no token hash, so the box cannot be joined to it;
- every process's log: no token, no receipt, no cast body.
"""

import re
from itertools import chain
from pathlib import Path

import pytest
import requests
from sqlalchemy import MetaData, create_engine, inspect, select
from voting.tokens import new_token, token_hash

from tests.support.voting_floor import (
    STAFF,
    SUPERVISOR,
    TELLER_B,
    TOWN,
    Client,
    approving,
    cast_body,
    check_in_and_open,
    create_accounts,
    deliberated_floor,
    issue_ballots,
    setup_area,
    start_on_postgres,
)

pytestmark = pytest.mark.integration

DEPUTIES = 30
SELF_SERVICE = ("dep001", "dep002")  # deputies D001, D002 check in and take tokens themselves
ELECTRONIC = range(3, 21)  # D003…D020: tokens issued by staff
PAPER = range(21, 26)  # D021…D025: paper ballots; D026…D030 present, no ballot taken

# Every column the ballot box may have. A new column fails this test until it is reviewed
# for secrecy and added here.
BOX_COLUMNS = {
    "alembic_version": {"version_num"},
    "box_rounds": {"session_id", "round", "sealed"},
    "ballot_tokens": {"token_hash", "session_id", "round", "spent"},
    "ballots": {"id", "session_id", "round", "medium", "content"},
    "receipts": {"code", "session_id", "round"},
    # entered_by is a teller (staff account), never a deputy: tellers sign their entries.
    "paper_entries": {"session_id", "round", "sheet", "entry", "entered_by", "content", "note"},
}
SUSPICIOUS = re.compile(
    r"deputy|user|name|phone|mobile|number|person|voter|time|date|_at$|^at_|ip|addr|agent|"
    r"host|client|seq|serial|order|created|updated|issued|cast"
)
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


@pytest.fixture
def platform(platform_factory, pg):
    running = start_on_postgres(platform_factory, pg)
    create_accounts(
        running,
        STAFF,
        TELLER_B,
        SUPERVISOR,
        *((username, "deputy", TOWN) for username in SELF_SERVICE),
    )
    return running


def roster_identifiers() -> list[re.Pattern[str]]:
    """What identifies the deputies of tests.support.voting_worker.roster_csv(usernames=True)."""
    words = []
    for n in range(1, DEPUTIES + 1):
        words += [f"D{n:03d}", f"代表{n:03d}", f"dep{n:03d}", f"0477-{n:07d}", f"{n:07d}"]
    return [re.compile(rf"(?<![0-9A-Za-z]){re.escape(w)}(?![0-9A-Za-z])") for w in words]


def text_cells(url: str) -> dict[str, list[str]]:
    """Every non-empty value of every table, as text, by table."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: [
                    str(value)
                    for row in connection.execute(select(table))
                    for value in row
                    if value is not None
                ]
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def box_columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def whole_session(platform) -> dict:
    """The session run over HTTP; returns what the deputies were given and what they sent."""
    amqp = platform.env["AMQP_URI"]
    staff = Client(platform.base_url, STAFF[0])
    setup_area(staff, DEPUTIES, usernames=True)
    floor = deliberated_floor(staff, amqp, DEPUTIES, candidates=6, seats=3)
    base = f"/api/v1/sessions/{floor.session_id}"
    deputies = [Client(platform.base_url, username) for username in SELF_SERVICE]
    for n, deputy in enumerate(deputies, 1):
        deputy.post(f"{base}/check-in", {"deputy_numbers": [f"D{n:03d}"]})
    check_in_and_open(floor, floor.deputies[2:])
    tokens = [new_token("township") for _ in deputies]  # made on the deputies' own devices
    for n, (deputy, token) in enumerate(zip(deputies, tokens, strict=True), 1):
        deputy.post(
            f"{base}/tokens", {"deputy_number": f"D{n:03d}", "token_hash": token_hash(token)}, 201
        )
    tokens += issue_ballots(floor, [f"D{n:03d}" for n in ELECTRONIC])
    issue_ballots(floor, [f"D{n:03d}" for n in PAPER], medium="paper")

    public = Client(platform.base_url)
    ids = floor.candidates
    ballots = [approving(floor, ids[i % 6], ids[(i + 3) % 6]) for i in range(len(tokens))]
    too_many = approving(floor, *ids[:4])
    public.post("/api/v1/ballots", cast_body(floor, tokens[0], too_many), 422)
    receipts = [
        public.post("/api/v1/ballots", cast_body(floor, token, ballot), 201)["receipt"]
        for token, ballot in zip(tokens, ballots, strict=True)
    ]
    retried = public.post("/api/v1/ballots", cast_body(floor, tokens[1], ballots[0]), 201)
    assert retried["repeated"] and retried["receipt"] == receipts[1]  # a retry, choices ignored
    staff.post(f"{base}/close", {})

    teller_b, supervisor = (
        Client(platform.base_url, TELLER_B[0]),
        Client(platform.base_url, SUPERVISOR[0]),
    )
    sheets = [approving(floor, ids[s]) for s in range(len(PAPER))]
    for sheet, choices in enumerate(sheets, 1):
        staff.post(f"{base}/paper-ballots", {"sheet": sheet, "choices": choices}, 201)
        second = approving(floor, ids[5]) if sheet == 1 else choices  # sheet 1 read differently
        teller_b.post(f"{base}/paper-ballots", {"sheet": sheet, "choices": second}, 201)
    supervisor.post(
        f"{base}/paper-ballots/1/resolution", {"choices": sheets[0], "note": "以原票为准"}
    )
    staff.post(f"{base}/paper-count", {"returned": len(PAPER)})
    (counted,) = staff.post(f"{base}/tally", {})["rounds"]
    assert counted["tally"]["valid"] == len(tokens) + len(PAPER)
    staff.post(f"{base}/announce", {})
    staff.post(f"{base}/publish", {})
    for receipt in receipts[:3]:  # deputies check their receipts publicly
        assert public.call("GET", f"{base}/receipts/{receipt}", 200)["included"] is True
    assert public.call("GET", f"{base}/result", 200)["state"] == "published"
    assert requests.get(f"{platform.base_url}{base}/export.json", timeout=30).ok
    return {"tokens": tokens, "receipts": receipts, "session_id": floor.session_id}


@pytest.fixture
def session(platform):
    return whole_session(platform)


class TestBallotBox:
    def test_the_schema_has_only_the_allowed_columns(self, platform, session):
        columns = box_columns(platform.env["VOTING_BALLOTS_DATABASE_URL"])

        assert columns == BOX_COLUMNS
        named = sorted(c for c in chain.from_iterable(columns.values()) if SUSPICIOUS.search(c))
        assert named == []

    def test_the_content_holds_nothing_of_the_roster_no_token_no_time_no_address(
        self, platform, session
    ):
        cells = text_cells(platform.env["VOTING_BALLOTS_DATABASE_URL"])
        assert len(cells["ballots"]) >= len(session["tokens"])  # the box was really looked at

        identifiers = roster_identifiers()
        tokens = [t.lower() for t in session["tokens"]]
        for table, values in cells.items():
            for value in values:
                assert not any(p.search(value) for p in identifiers), (table, value)
                assert not any(t in value.lower() for t in tokens), (table, "a token")
                assert not DATETIME.search(value), (table, value)
                assert not IPV4.search(value), (table, value)

    def test_the_roll_holds_no_token_and_no_token_hash(self, platform, session):
        cells = text_cells(platform.env["VOTING_DATABASE_URL"])
        assert any("D001" in v for v in cells["issuances"])  # the roll was really looked at

        secrets = [t.lower() for t in session["tokens"]]
        secrets += [token_hash(t) for t in session["tokens"]]
        for table, values in cells.items():
            for value in values:
                lowered = value.lower()
                assert not any(s in lowered for s in secrets), (table, "a token or its hash")


class TestLogs:
    def test_no_log_line_carries_a_token_a_receipt_or_a_cast_body(self, platform, session):
        platform.stop_all()  # every line flushed
        logs = {
            path.name: path.read_text("utf-8", "replace")
            for path in Path(platform.data_dir).glob("*.log")
        }
        assert "gateway.log" in logs and "voting-township.log" in logs

        secrets = session["tokens"] + session["receipts"]
        secrets += [token_hash(t) for t in session["tokens"]]
        for name, text in logs.items():
            lowered = text.lower()
            leaked = [s for s in secrets if s.lower() in lowered]
            assert leaked == [], (name, len(leaked))
            assert '"choices"' not in text and "'choices'" not in text, name
