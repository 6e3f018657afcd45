"""A public submission in-process (no broker, no gateway): petition's submit_matter entrypoint
through tests.support.workers.service_worker on a migrated SQLite, as the service tests call
it. Prints the statements one submission runs and the CPU time per submission (the fastest of
6 rounds: the machine is shared), next to what the harness's worker_factory costs alone;
`--profile FILE` writes cProfile stats of one round instead.

    python -m bench.petition_submit_profile [--calls 300] [--profile FILE]
"""

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path

from bench import inprocess

with warnings.catch_warnings():  # eventlet's deprecation notice, via servicekit -> nameko
    warnings.simplefilter("ignore")
    from servicekit import testing

    from tests.support import petition as world_of
    from tests.support.workers import migrated_sessions


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.petition_submit_profile")
    parser.add_argument("--calls", type=int, default=300, help="submissions a round")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of one round")
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)  # the events are signed
    with (
        tempfile.TemporaryDirectory(prefix="minsheng-submit-") as folder,
        migrated_sessions("petition", Path(folder)) as sessions,
    ):
        world = world_of.build(sessions)
        for _ in range(50):  # statements built and cached, the pool warm
            world.submit("wang")
        engine = sessions["petition"].get_bind()
        inprocess.print_statements(
            inprocess.statements(engine, lambda: world.submit("wang")), "a submission"
        )
        if args.profile:
            inprocess.profile(args.profile, lambda: world.submit("wang"), args.calls)
            return 0
        rounds = inprocess.cpu_ms(lambda: world.submit("wang"), args.calls)
        harness = inprocess.cpu_ms(world.worker, args.calls, rounds=1)[0]
        print(
            f"CPU per submission: {min(rounds):.2f} ms (fastest of {len(rounds)} rounds of "
            f"{args.calls}: {' '.join(f'{r:.2f}' for r in rounds)}), of which the harness's "
            f"worker_factory {harness:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
