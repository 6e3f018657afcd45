"""The ballot box links nothing once a round is sealed, on both databases (issue 11 item 3).

A round of 250 electronic casts (distinct ballots, issued in one shuffled order and cast in
another) is closed; the test recorded the truth while casting — each token's ballot and receipt,
and the order the roll issued in. Then the known attacks run against what the box's (and the
roll's) own role or files hold, and each must link no better than chance:

- PostgreSQL: the xmin join of tokens, ballots and receipts; ctid and xmin order paired by rank;
  the roll's issuances in ctid and xmin order (xids are cluster-wide: one clock with the box);
  dead tuples of the cast-time rows, read with pageinspect.
- SQLite: the `-wal` file parsed frame by frame (what first appears in one transaction); the
  raw file's cells paired by where they lie; stale copies carved from the bytes; the roll's
  issuances by rowid.

The SQL attacks need no more than SELECT on the box's tables; they run as the test's superuser,
which can only see more. Every attack here linked (nearly) everything before the seal rewrote
the round: the figures are in README ("The ballot box after the seal").
"""

import itertools
import random
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from voting.tokens import token_hash

from tests.support import box_attacks as attack
from tests.support.voting_worker import (
    STAFF,
    issue_electronic,
    migrated_databases,
    prepared_session,
    voting_worker,
)

pytestmark = pytest.mark.integration

CASTS = 250
CANDIDATES, SEATS = 8, 4
LIVE_COPIES = 2  # a receipt's code is in its row and in ix_receipts_session_id (WITHOUT ROWID)


def distinct_ballots(ids: list[str], n: int, rng: random.Random) -> list[dict[str, str]]:
    """n different valid ballots (at most SEATS approvals), so a ballot names its cast."""
    patterns = [
        p
        for p in itertools.product(("approve", "oppose", "abstain"), repeat=len(ids))
        if p.count("approve") <= SEATS
    ]
    return [dict(zip(ids, p, strict=True)) for p in rng.sample(patterns, n)]


def run_round(dbs, seed: int = 11) -> dict:
    """Issue, cast and close a round; returns the truth the attacks are scored against."""
    rng = random.Random(seed)
    prepared = prepared_session(dbs, deputies=CASTS + 10, candidates=CANDIDATES, seats=SEATS)
    sid = prepared.session_id
    staff = voting_worker(dbs, STAFF)
    staff.open_session(sid, {})
    deputies = [f"D{n:03d}" for n in range(1, CASTS + 1)]
    rng.shuffle(deputies)  # the issue order, which the roll must not keep
    tokens = [issue_electronic(staff, sid, d) for d in deputies]
    ballots = distinct_ballots(prepared.candidates, CASTS, rng)
    order = list(range(CASTS))
    rng.shuffle(order)  # the cast order, unlike the issue order
    public = voting_worker(dbs)
    truth_ballot, truth_receipt = {}, {}
    for i in order:
        body = {"session_id": sid, "token": tokens[i], "choices": ballots[i]}
        receipt = public.cast_ballot(body)["receipt"]
        truth_ballot[token_hash(tokens[i])] = canonical(ballots[i])
        truth_receipt[token_hash(tokens[i])] = receipt
    closed = staff.close_session(sid, {})
    assert closed["state"] == "closed" and closed["cast"] == CASTS
    return {
        "session_id": sid,
        "ballot": truth_ballot,
        "receipt": truth_receipt,
        "issue_order": deputies,
        "receipts": list(truth_receipt.values()),
        "ballot_receipt": {truth_ballot[t]: truth_receipt[t] for t in truth_ballot},
    }


def canonical(choices: dict[str, str]) -> str:
    from voting.domain.canonical import canonical_text

    return canonical_text(choices)


def assert_chance(name: str, guess: dict[str, str], truth: dict[str, str]) -> None:
    correct = attack.correct_links(guess, truth)
    print(f"{name}: {correct}/{len(truth)} linked")
    assert correct <= attack.chance_bound(len(truth)), (name, correct, len(truth))


def assert_no_order(name: str, found: dict, truth: list[str]) -> None:
    rho = attack.order_correlation(found, truth)
    print(f"{name}: rho {rho:+.2f} over {len(found)}")
    assert len(found) >= len(truth) * 0.9, (name, "the rows were not found")
    assert abs(rho) < 0.3, (name, rho)


# ---- PostgreSQL -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg_round(pg, tmp_path_factory):
    urls = {"voting": pg.create("voting"), "voting_ballots": pg.create("voting_ballots")}
    with migrated_databases(tmp_path_factory.mktemp("pg"), urls) as dbs:
        truth = run_round(dbs)
        dbs.db.rollback(), dbs.box.rollback()
        yield dbs, truth


def rows(session, sql: str, **params) -> list:
    result = session.execute(text(sql), params).all()
    session.rollback()
    return result


class TestPostgresBoxAfterTheSeal:
    def test_the_xmin_join_links_at_chance(self, pg_round):
        """SELECT … FROM ballot_tokens t JOIN ballots b ON b.xmin = t.xmin JOIN receipts r ON
        r.xmin = t.xmin, computed per xmin (the join itself is n³ rows once all share one)."""
        dbs, truth = pg_round
        s = truth["session_id"]

        def by_xmin(table: str, key: str, where: str = "") -> dict[str, set[str]]:
            found = rows(
                dbs.box,
                f"SELECT xmin::text, {key} FROM {table} WHERE session_id = :s {where}",
                s=s,
            )
            groups: dict[str, set[str]] = {}
            for xid, value in found:
                groups.setdefault(xid, set()).add(value)
            return groups

        tokens = {
            t: xid
            for xid, ts in by_xmin("ballot_tokens", "token_hash", "AND spent").items()
            for t in ts
        }
        for name, table, key, real in (
            ("xmin join token→ballot", "ballots", "content", truth["ballot"]),
            ("xmin join token→receipt", "receipts", "code", truth["receipt"]),
        ):
            groups = by_xmin(table, key)
            found = {t: groups.get(xid, set()) for t, xid in tokens.items()}
            expected = attack.expected_links(found, real)
            print(f"{name}: {expected:.1f}/{len(real)} expected")
            assert expected <= attack.chance_bound(len(real)), (name, expected)

    @pytest.mark.parametrize("column", ["ctid", "xmin::text::bigint"])
    def test_physical_and_xid_order_link_at_chance(self, pg_round, column):
        dbs, truth = pg_round
        s = truth["session_id"]

        def order(table: str, key: str, where: str = "") -> dict[str, int]:
            found = rows(
                dbs.box,
                f"SELECT {key} FROM {table} WHERE session_id = :s {where} ORDER BY {column}",
                s=s,
            )
            return {value: n for n, (value,) in enumerate(found)}

        tokens = order("ballot_tokens", "token_hash", "AND spent")
        ballots = order("ballots", "content")
        receipts = order("receipts", "code")
        assert_chance(
            f"{column} ballot→receipt", attack.by_rank(ballots, receipts), truth["ballot_receipt"]
        )
        assert_chance(
            f"{column} token→ballot",
            attack.by_rank(tokens, order("ballots", "content")),
            truth["ballot"],
        )
        assert_chance(
            f"{column} token→receipt",
            attack.by_rank(tokens, order("receipts", "code")),
            truth["receipt"],
        )

    @pytest.mark.parametrize("column", ["ctid", "xmin::text::bigint"])
    def test_the_roll_keeps_no_issue_order(self, pg_round, column):
        dbs, truth = pg_round
        found = rows(
            dbs.db,
            f"SELECT deputy_number FROM issuances WHERE session_id = :s ORDER BY {column}",
            s=truth["session_id"],
        )
        assert_no_order(
            f"roll {column}", {d: n for n, (d,) in enumerate(found)}, truth["issue_order"]
        )

    def test_no_dead_tuple_of_a_cast_remains(self, pg_round):
        dbs, _truth = pg_round
        box = dbs.box
        box.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        box.commit()
        dead = {}
        for table in ("ballots", "receipts", "ballot_tokens"):
            pages = box.scalar(
                text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
            )
            dead[table] = sum(
                box.scalar(
                    text(
                        "SELECT count(*) FROM heap_page_items(get_raw_page(:t, :p)) "
                        "WHERE t_data IS NOT NULL AND t_xmax <> '0'"
                    ),
                    {"t": table, "p": p},
                )
                for p in range(pages)
            )
        box.rollback()
        print(f"dead tuples with data: {dead}")
        assert dead == {"ballots": 0, "receipts": 0, "ballot_tokens": 0}


# ---- SQLite -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sqlite_round(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite")
    with migrated_databases(folder) as dbs:
        truth = run_round(dbs)
        dbs.db.rollback(), dbs.box.rollback()
        yield folder, truth


class TestSqliteBoxAfterTheSeal:
    def test_the_wal_frames_link_at_chance(self, sqlite_round):
        folder, truth = sqlite_round
        to_ballot, to_receipt = attack.wal_links(
            Path(folder, "voting_ballots.db-wal"), truth["session_id"]
        )
        assert_chance("wal token→ballot", to_ballot, truth["ballot"])
        assert_chance("wal token→receipt", to_receipt, truth["receipt"])

    def test_the_files_cells_link_at_chance(self, sqlite_round):
        folder, truth = sqlite_round
        to_ballot, to_receipt = attack.file_order_links(
            Path(folder, "voting_ballots.db"), truth["session_id"]
        )
        assert len(to_ballot) >= CASTS * 0.9  # the file really was parsed
        assert_chance("file order token→ballot", to_ballot, truth["ballot"])
        assert_chance("file order token→receipt", to_receipt, truth["receipt"])

    def test_no_stale_copy_of_a_receipt_remains(self, sqlite_round):
        folder, truth = sqlite_round
        for name, live in (("voting_ballots.db", LIVE_COPIES), ("voting_ballots.db-wal", 0)):
            counts = attack.occurrences(Path(folder, name), truth["receipts"])
            stale = sum(counts.values()) - live * CASTS
            print(f"{name}: {stale} stale receipt copies")
            assert stale == 0, (name, stale)

    def test_the_roll_keeps_no_issue_order(self, sqlite_round):
        folder, truth = sqlite_round
        engine = create_engine(f"sqlite:///{folder}/voting.db")
        with engine.connect() as connection:
            found = dict(
                connection.execute(
                    text("SELECT deputy_number, rowid FROM issuances WHERE session_id = :s"),
                    {"s": truth["session_id"]},
                ).all()
            )
        engine.dispose()
        assert_no_order("roll rowid", found, truth["issue_order"])

    def test_the_rolls_wal_keeps_no_issue_order(self, sqlite_round):
        folder, truth = sqlite_round
        found = attack.wal_first_transaction(Path(folder, "voting.db-wal"), truth["session_id"])
        rho = attack.order_correlation(found, truth["issue_order"])
        print(f"roll wal: rho {rho:+.2f} over {len(found)}")
        assert len(found) < 3 or abs(rho) < 0.3, rho
