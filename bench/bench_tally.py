"""Tally, digest and verification of a large session export, pure Python, no services.

    python -m bench.bench_tally              # 100,000 ballots x 30 candidates, K = 10
    python -m bench.bench_tally --quick      # 10,000 ballots

Ballots are random but seeded: each approves at most K candidates and opposes or abstains on the
rest. The audit log holds the session's steps plus one ``ballots_received`` count entry per
ballot (the worst case for the chain: 100,000 entries; --log-every 1000 writes one per 1,000
ballots instead). Each figure is the best of --repeat runs.

Measured, next to two baselines from the same run:
- tally + digest (target < 1 s): `tally` of the ballots and `digest` of result, published
  ballots and audit head — what the announcement on the spot computes;
- verify (target < 2 s): `voting.verify.verify` of the whole export (chain, header binding,
  recount, digest); also the command line end to end (read and parse the file, then verify);
- baseline "count": the bare C-level count of (candidate, choice) pairs (collections.Counter);
- baseline "json": a json.dumps + json.loads round trip of the ballots.
Exit status 0 when both targets pass, 1 otherwise.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from itertools import chain
from typing import Any

from voting import verify as verifier
from voting.domain.audit import Entry, append
from voting.domain.ballots import Rules, tally
from voting.domain.export import CLOSED, OPENED, build_export, closing_data, digest, opening_data

CANDIDATES = 30
K = 10
TALLY_TARGET_S = 1.0
VERIFY_TARGET_S = 2.0
SESSION = {
    "id": "bench-1",
    "area_code": "150602",
    "year": 2026,
    "kind": "congress",
    "rules_version": 1,
    "round": 1,
}


def make_ballots(n: int, candidates: list[str], k: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    others = ("oppose", "abstain")
    ballots = []
    for _ in range(n):
        approved = set(rng.sample(candidates, rng.randint(0, k)))
        ballots.append(
            {c: "approve" if c in approved else others[rng.getrandbits(1)] for c in candidates}
        )
    return ballots


def make_log(rules: Rules, candidates: list[str], n: int, every: int = 1) -> list[Entry]:
    log: list[Entry] = []
    append(log, OPENED, opening_data(SESSION, rules, candidates, roster_sha256="0" * 64))
    for received in range(every, n + 1, every):
        append(log, "ballots_received", {"count": received})  # counts, never identities
    append(log, CLOSED, closing_data(n, n, n, n))
    return log


def best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def verdict(seconds: float, target: float) -> str:
    return f"{'PASS' if seconds < target else 'FAIL'} (target < {target:.1f} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 ballots")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--log-every", type=int, default=1, help="ballots per audit entry")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else args.ballots
    candidates = [f"P2026-{i:04d}" for i in range(1, CANDIDATES + 1)]
    rules = Rules(seats=K, deputies_total=n)

    started = time.perf_counter()
    ballots = make_ballots(n, candidates, K)
    log = make_log(rules, candidates, n, args.log_every)
    print(f"{n:,} ballots x {CANDIDATES} candidates, K = {K}; {len(log):,} audit entries")
    print(f"  set-up (not timed): {time.perf_counter() - started:.2f} s")

    t_count, _ = best(args.repeat, lambda: Counter(chain.from_iterable(map(dict.items, ballots))))
    t_json, _ = best(args.repeat, lambda: json.loads(json.dumps(ballots)))
    t_tally, result = best(args.repeat, lambda: tally(rules, candidates, ballots, n, n, n))
    t_build, document = best(
        1, lambda: build_export(SESSION, rules, candidates, n, n, n, ballots, result, log)
    )
    published, audit_head = document["ballots"], document["audit_head"]
    t_digest, _ = best(args.repeat, lambda: digest(result.as_dict(), published, audit_head))
    t_both, _ = best(
        args.repeat,
        lambda: digest(tally(rules, candidates, ballots, n, n, n).as_dict(), published, audit_head),
    )
    t_verify, problems = best(args.repeat, lambda: verifier.verify(document))
    assert problems == [], problems
    t_cli = verify_file(document, args.repeat)

    print(f"  baseline count  (Counter of pairs)      {t_count:7.3f} s")
    print(f"  baseline json   (dumps + loads)         {t_json:7.3f} s")
    print(f"  tally                                   {t_tally:7.3f} s")
    print(f"  digest                                  {t_digest:7.3f} s")
    print(f"  tally + digest                          {t_both:7.3f} s  {verdict(t_both, 1.0)}")
    print(f"  build export (shuffle, checks, digest)  {t_build:7.3f} s")
    print(f"  verify(document)                        {t_verify:7.3f} s  {verdict(t_verify, 2.0)}")
    print(f"  verify command (read + parse + verify)  {t_cli:7.3f} s  {verdict(t_cli, 2.0)}")
    print(
        f"  ratios: tally+digest = {t_both / t_json:.2f}x json round trip, "
        f"{t_both / t_count:.2f}x bare count; verify = {t_verify / t_json:.2f}x json round trip"
    )
    return 0 if t_both < TALLY_TARGET_S and t_verify < VERIFY_TARGET_S else 1


def verify_file(document: dict, repeat: int) -> float:
    """The command line's path: read and parse the export file, then verify it."""
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False)
        size = os.path.getsize(path)
        print(f"  export file: {size / 1e6:.1f} MB")
        seconds, problems = best(repeat, lambda: verifier.verify(verifier.load(path)))
        assert problems == [], problems
        return seconds
    finally:
        os.unlink(path)


if __name__ == "__main__":
    sys.exit(main())
