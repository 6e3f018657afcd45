"""The seal's cost: rewriting a round's tokens, ballots and receipts in shuffled order and
scrubbing the box (voting.box.seal), on SQLite, for N = 200, 1,000 and 5,000 cast ballots.

    python -m bench.bench_seal            # N = 200, 1000, 5000
    python -m bench.bench_seal 200 20000

Each N gets a fresh migrated box under a temp folder holding the round (tokens spent, ballots,
receipts, written as casts write them, one transaction each) and, as the rest of a year's box,
4 N rows of an earlier round (the SQLite scrub VACUUMs the whole file). Printed next to the
baseline of the same run: a plain copy of the round's rows into a new table of the same file
(read them, insert them, one commit), what any rewrite costs at least.
"""

import sys
import tempfile
import time
import uuid
from pathlib import Path

from servicekit import migrate
from servicekit.db import make_engine
from sqlalchemy import insert, text
from sqlalchemy.orm import Session
from voting.box import seal, store
from voting.box.models import BallotToken, Receipt
from voting.tokens import new_receipt

CONTENT = '{"c1":"approve","c2":"oppose","c3":"abstain","c4":"oppose","c5":"approve"}'


def fill(box: Session, session_id: str, number: int, n: int, one_by_one: bool) -> None:
    store.open_round(box, session_id, number)
    box.commit()
    for _ in range(n):
        box.execute(
            insert(BallotToken.__table__),
            {
                "token_hash": uuid.uuid4().hex * 2,
                "session_id": session_id,
                "round": number,
                "spent": True,
            },
        )
        store.store_ballot(box, session_id, number, "electronic", CONTENT)
        box.execute(
            insert(Receipt.__table__),
            {"code": new_receipt(), "session_id": session_id, "round": number},
        )
        if one_by_one:
            box.commit()
    box.commit()


def baseline(box: Session, session_id: str) -> float:
    began = time.perf_counter()
    for name in ("ballot_tokens", "ballots", "receipts"):
        box.execute(text(f"CREATE TABLE copy_{name} AS SELECT * FROM {name} WHERE 0"))
        rows = [
            dict(r._mapping)
            for r in box.execute(
                text(f"SELECT * FROM {name} WHERE session_id = :s"), {"s": session_id}
            )
        ]
        box.execute(
            text(f"INSERT INTO copy_{name} VALUES ({', '.join(':' + k for k in rows[0])})"), rows
        )
    box.commit()
    elapsed = time.perf_counter() - began
    for name in ("ballot_tokens", "ballots", "receipts"):
        box.execute(text(f"DROP TABLE copy_{name}"))
    box.commit()
    return elapsed


def measure(n: int, folder: Path) -> tuple[float, float, float]:
    url = f"sqlite:///{folder}/box_{n}.db"
    migrate.upgrade("voting_ballots", url)
    engine = make_engine(url)
    with Session(engine) as box:
        fill(box, "T-EARLIER", 1, 4 * n, one_by_one=False)
        fill(box, "T-BENCH", 1, n, one_by_one=True)
        copy = baseline(box, "T-BENCH")
        began = time.perf_counter()
        seal.seal_round(box, "T-BENCH", 1)
        rewritten = time.perf_counter()
        assert seal.scrub(box)
        done = time.perf_counter()
        assert store.count(box, "T-BENCH", 1) == n
    engine.dispose()
    return copy, rewritten - began, done - rewritten


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [200, 1000, 5000]
    print(f"{'N':>6} {'baseline copy':>14} {'seal rewrite':>13} {'scrub':>8} {'seal total':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            copy, rewrite, scrub = measure(n, Path(folder))
            print(
                f"{n:>6} {copy * 1000:>11.1f} ms {rewrite * 1000:>10.1f} ms "
                f"{scrub * 1000:>5.1f} ms {(rewrite + scrub) * 1000:>8.1f} ms"
            )


if __name__ == "__main__":
    main()
