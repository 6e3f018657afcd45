"""In-process measuring for the *_profile benchmarks (no broker, no gateway): the statements one
call runs, its CPU time (the fastest of several rounds: the machine is shared) and cProfile
stats on the CPU clock."""

import cProfile
import time
from collections.abc import Callable

from sqlalchemy import Engine, event

ROUNDS = 6


def statements(engine: Engine, call: Callable[[], object]) -> list[str]:
    """The SQL `call` sends through `engine`, one line each."""
    seen: list[str] = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731  (conn, cursor, statement, …)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return [" ".join(statement.split()) for statement in seen]


def print_statements(found: list[str], what: str) -> None:
    print(f"{len(found)} statements {what}:")
    for statement in found:
        print("   ", statement[:120])


def cpu_ms(call: Callable[[], object], calls: int, rounds: int = ROUNDS) -> list[float]:
    """CPU ms per call of each round of `calls` calls."""
    found = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            call()
        found.append((time.process_time() - started) / calls * 1000)
    return found


def profile(path: str, call: Callable[[], object], calls: int) -> None:
    """cProfile stats of `calls` calls, on the CPU clock, written to `path`."""
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(lambda: [call() for _ in range(calls)])
    profiler.dump_stats(path)
    print(f"cProfile stats (CPU clock) of {calls} calls: {path}")
