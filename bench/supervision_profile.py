"""Supervision's two hot paths of bench.bench_supervision in-process (no broker, no gateway),
through tests.support.workers.service_worker on a migrated SQLite as the service tests call
them: a project_created_v1 delivery opening a file (the chain's per-project step: the signed
envelope checked, the payload loaded, the effect and the processed event committed) and a
public feedback submission (bench.supervision_data.FEEDBACK). Prints each one's statements and
its CPU time (the fastest of 6 rounds: the machine is shared); `--profile DIR` writes cProfile
stats (CPU clock) of one round of each instead.

    python -m bench.supervision_profile [--calls 300] [--profile DIR]
"""

import argparse
import itertools
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from bench import inprocess

with warnings.catch_warnings():  # eventlet's deprecation notice, via servicekit -> nameko
    warnings.simplefilter("ignore")
    from servicekit import testing

    from bench.supervision_data import FEEDBACK
    from tests.support import supervision_facts as facts
    from tests.support.supervision_public import World
    from tests.support.workers import migrated_sessions, service_worker


def paths(sessions: dict) -> dict[str, Callable[[], object]]:
    world = World(sessions)
    consumer = service_worker("supervision", sessions)
    public = world.worker()
    code = world.code()
    numbers = itertools.count(1000)
    return {
        "project_created_v1 -> the file opened": lambda: (
            consumer.handle_implementation_project_created(facts.created(next(numbers)))
        ),
        "a public feedback submitted": lambda: public.submit_feedback(code, dict(FEEDBACK)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.supervision_profile")
    parser.add_argument("--calls", type=int, default=300, help="calls a round")
    parser.add_argument("--profile", metavar="DIR", help="cProfile stats of one round each")
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)  # the events are signed
    with (
        tempfile.TemporaryDirectory(prefix="minsheng-supervision-") as folder,
        migrated_sessions("supervision", Path(folder)) as sessions,
    ):
        engine = sessions["supervision"].get_bind()
        for name, call in paths(sessions).items():
            for _ in range(50):  # statements built and cached, the pool warm
                call()
            inprocess.print_statements(inprocess.statements(engine, call), f"for {name}")
            if args.profile:
                slug = "file" if "file" in name else "feedback"
                inprocess.profile(str(Path(args.profile) / f"{slug}.prof"), call, args.calls)
                continue
            rounds = inprocess.cpu_ms(call, args.calls)
            shown = " ".join(f"{r:.2f}" for r in rounds)
            print(
                f"CPU per call, {name}: {min(rounds):.2f} ms (fastest of {len(rounds)} rounds of "
                f"{args.calls}: {shown})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
