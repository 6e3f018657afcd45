"""500 deputies casting at once through the gateway, next to the bare nameko `@http` -> RPC echo
at the same concurrency, in the same run (issue 4, benchmark 1).

    python -m bench.bench_cast                  # 500 deputies, 3 bursts per target
    python -m bench.bench_cast --bursts 1       # quicker
    python -m bench.bench_cast --deputies 200   # a smaller hall

Starts everything itself on 127.0.0.1, as `make run` does, on its default SQLite databases: a
private vhost, a temp DATA_DIR, migrations, the collection and voting workers (one process per
level each) and the gateway (servicekit.testing.Platform), plus the echo baseline of
bench.bench_intake (max_workers pinned to the platform's MAX_WORKERS). Over HTTP, as congress
staff: voting rules and a roster of N deputies; for each burst a frozen candidate list (published
on the broker as collection's relay does), a session, deliberation, everyone checked in, voting
open and N tokens made as the deputies' phones make them (contracts.ballot_tokens), only their
hashes issued at the desk (tests/support/voting_floor.py). Then a burst: N threads, each with its
own new connection (a deputy's phone), released together by a barrier, each POSTing one ballot
to /api/v1/ballots; and a burst of N requests to the echo with a body of the same size. Bursts
alternate cast, echo, echo, cast, … so drift in the machine's load lands on both.

Targets: cast throughput >= 0.6x echo; every ballot accepted within 3 s of the first accepted;
cast p99 <= 1.5x echo p99. Throughput = requests / (last response - release of the barrier).
Exit status 0 whatever the figures, 1 when the stack did not start or a step was refused,
130 on Ctrl-C.
"""

import argparse
import json
import os
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

import requests
from servicekit import testing

from bench import stack
from bench.bench_intake import MAX_WORKERS, start_echo, wait_echo

with warnings.catch_warnings():  # eventlet's deprecation notice, via gateway -> nameko
    warnings.simplefilter("ignore")
    from tests.support.burst import Burst, burst
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
    )

THROUGHPUT_TARGET = 0.6  # cast req/s >= 0.6 x echo req/s
ALL_WITHIN_SECONDS = 3.0  # every ballot accepted within 3 s of the first accepted
P99_TARGET = 1.5  # cast p99 <= 1.5 x echo p99
ACCEPTED = 201


# ---- figures ------------------------------------------------------------------------------------
@dataclass
class Figures:
    """One target over all its bursts."""

    requests: int = 0
    accepted: int = 0
    seconds: float = 0.0  # sum over bursts of (last answer - release)
    latencies_ms: list[float] = field(default_factory=list)
    accept_spans: list[float] = field(default_factory=list)  # first to last accepted, per burst
    statuses: Counter[int | str] = field(default_factory=Counter)
    server_cpu: Counter[str] = field(default_factory=Counter)  # seconds, per process

    def add(self, done: Burst, server_cpu: dict[str, float]) -> None:
        self.server_cpu.update(server_cpu)
        self.requests += len(done.rows)
        accepted = sorted(end for _, end, status, _ in done.rows if status == ACCEPTED)
        self.accepted += len(accepted)
        self.seconds += done.seconds
        self.latencies_ms += [(end - began) * 1000 for began, end, _, _ in done.rows]
        if accepted:
            self.accept_spans.append(accepted[-1] - accepted[0])
        self.statuses.update(done.statuses())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_breakdown(self) -> str:
        """Server CPU ms per request: unlike req/s, barely moved by other load on the machine."""
        per = {name: 1000 * sec / self.requests for name, sec in self.server_cpu.items()}
        busy = sorted(((ms, name) for name, ms in per.items() if ms >= 0.05), reverse=True)
        total = sum(ms for ms, _ in busy)
        parts = ", ".join(f"{name} {ms:.2f}" for ms, name in busy)
        return f"{parts or 'n/a'} (total {total:.2f}; broker not counted)"

    def percentile(self, q: float) -> float:
        """Nearest rank, as bench.bench_intake: a latency actually observed."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(cast: Figures, echo: Figures, deputies: int, bursts: int, load_before: float) -> None:
    tput = cast.rps / echo.rps if echo.rps else float("nan")
    p99 = cast.percentile(0.99) / echo.percentile(0.99)
    span = max(cast.accept_spans) if cast.accept_spans else float("nan")
    print(
        f"\n{deputies} concurrent requests per burst, {bursts} burst(s) per target, each request "
        "on its own new connection; latencies in ms"
    )
    header = (
        f"{'target':<28} | {'req/s':>7} | {'p50':>7} | {'p99':>7} | {'max':>7} | "
        f"{'first->last accepted s':>22} | statuses"
    )
    print(header)
    print("-" * len(header))
    for name, figures in (("cast POST /api/v1/ballots", cast), ("echo (bare nameko)", echo)):
        spans = ", ".join(f"{s:.2f}" for s in figures.accept_spans)
        print(
            f"{name:<28} | {figures.rps:>7.1f} | {figures.percentile(0.5):>7.1f} | "
            f"{figures.percentile(0.99):>7.1f} | {max(figures.latencies_ms):>7.1f} | "
            f"{spans:>22} | {dict(figures.statuses)}"
        )
    print(
        f"throughput ratio cast/echo {tput:.2f} (target >= {THROUGHPUT_TARGET}): "
        f"{verdict(tput >= THROUGHPUT_TARGET)}"
    )
    print(
        f"all {deputies} accepted within {ALL_WITHIN_SECONDS:g} s of the first (worst burst "
        f"{span:.2f} s, every ballot accepted: {cast.accepted == cast.requests}): "
        f"{verdict(span <= ALL_WITHIN_SECONDS and cast.accepted == cast.requests)}"
    )
    print(f"p99 ratio cast/echo {p99:.2f} (target <= {P99_TARGET}): {verdict(p99 <= P99_TARGET)}")
    print(f"server cpu ms/request, cast: {cast.cpu_breakdown()}")
    print(f"server cpu ms/request, echo: {echo.cpu_breakdown()}")
    print(
        f"1-min load average: {load_before:.2f} when up, {os.getloadavg()[0]:.2f} at the end "
        f"({os.cpu_count()} CPUs)"
    )


# ---- the run ------------------------------------------------------------------------------------
def cast_bodies(floor: Floor, tokens: list[str]) -> list[bytes]:
    ids = floor.candidates
    return [
        json.dumps(
            cast_body(floor, token, approving(floor, ids[i % len(ids)], ids[(i + 1) % len(ids)]))
        ).encode()
        for i, token in enumerate(tokens)
    ]


def ready_floor(staff: Client, amqp_uri: str, deputies: int) -> tuple[Floor, list[bytes]]:
    started = time.perf_counter()
    floor = open_floor(staff, amqp_uri, deputies)
    tokens = issue_ballots(floor, floor.deputies)
    print(
        f"  session {floor.session_id} open, {deputies} tokens issued in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return floor, cast_bodies(floor, [t for t in tokens if t])


def counted(staff: Client, floor: Floor, deputies: int) -> None:
    """The box holds exactly the ballots sent: a fast wrong answer would be no answer."""
    cast = staff.call("GET", f"/api/v1/sessions/{floor.session_id}", 200)["cast"]
    if cast != deputies:
        raise stack.StackFailed(f"session {floor.session_id}: cast = {cast}, not {deputies}")


def start(platform: testing.Platform) -> None:
    stack.start_platform(platform)  # collection: one worker per level, and the gateway
    for level in stack.LEVELS:
        platform.start_worker(level, service="voting")
    try:
        platform.wait_levels(*stack.LEVELS, seconds=90)
        platform.wait_levels(*stack.LEVELS, seconds=90, service="voting")
    except AssertionError as exc:
        raise stack.StackFailed(f"workers not up: {exc}") from exc


def run(args: argparse.Namespace) -> None:
    with stack.vhost() as host, stack.data_dir() as folder:
        platform = stack.new_platform(
            host.uri,
            folder,
            {"MAX_WORKERS": str(MAX_WORKERS), "GATEWAY_MAX_WORKERS": str(MAX_WORKERS)},
        )
        echo = None
        try:
            start(platform)
            echo, echo_url = start_echo(host.uri, folder, "bench.echo_burst")
            wait_echo(echo, echo_url)
            create_accounts(platform, STAFF)
            staff = Client(platform.base_url, STAFF[0])
            setup_area(staff, args.deputies)
            load_before = os.getloadavg()[0]
            print(f"up: gateway {platform.base_url}, echo {echo_url}", flush=True)
            figures = {"cast": Figures(), "echo": Figures()}
            urls = {"cast": f"{platform.base_url}/api/v1/ballots", "echo": echo_url}
            pids = {name: p.pid for name, p in {**platform.processes, "echo": echo}.items()}
            for index in range(args.bursts):
                # The echo gets the same bytes: it parses and returns them.
                floor, bodies = ready_floor(staff, host.uri, args.deputies)
                for target in ("cast", "echo") if index % 2 == 0 else ("echo", "cast"):
                    before = {name: stack.cpu_seconds(pid) for name, pid in pids.items()}
                    done = burst(urls[target], bodies)
                    used = {n: stack.cpu_seconds(pid) - before[n] for n, pid in pids.items()}
                    figures[target].add(done, used)
                    print(
                        f"  burst {index + 1} {target}: {len(done.rows)} answered in "
                        f"{done.seconds:.2f} s {done.statuses()}",
                        flush=True,
                    )
                counted(staff, floor, args.deputies)
            report(figures["cast"], figures["echo"], args.deputies, args.bursts, load_before)
        except (stack.StackFailed, requests.RequestException, AssertionError, OSError):
            stack.print_logs(folder)
            raise
        finally:
            stack.stop([*platform.processes.values(), *([echo] if echo is not None else [])])
            platform.processes.clear()


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_cast", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--deputies", type=int, default=500, help="concurrent casts per burst")
    parser.add_argument("--bursts", type=int, default=3, help="bursts per target, alternated")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    print("starting: vhost, migrations, workers, gateway, echo baseline…", flush=True)
    return stack.run_main(lambda: run(args), (requests.RequestException, AssertionError))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
