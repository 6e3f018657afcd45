"""Petition (信访代办, issue 13): the nightly time-limit sweep over a city's 100,000 open matters,
public matter submission through the gateway against the bare nameko echo in the same run, the
workers' peak memory, and (once its route exists) the Open311 requests list.

    python -m bench.bench_petition            # 100,000 matters; 12 s a target at 8 clients
    python -m bench.bench_petition --quick    # 2,000 matters; 2 s a target (a smoke run)
    python -m bench.bench_petition --matters 50000 --seconds 20 --no-postgres

1. The sweep (bench/petition_sweep.py): N open matters spread over the city's areas, levels,
   open states, tiers and 120 days, plus N/10 resolved and closed, bulk-inserted by SQL (setup:
   not through the API), then `reminders.remind` on yesterday (catch-up: nothing recorded yet)
   and the timer's `reminders.hourly` 3 times (first: tonight's steps; then nothing new),
   timed in this process, on SQLite and on the machine's PostgreSQL. Target < 2 s.
2. Submission: a private vhost, a temp DATA_DIR (SQLite), migrations, one petition worker per
   level and the gateway as separate processes (servicekit.testing.Platform, as `make run`
   starts them), a congress_staff account (written into the gateway's database, its token
   signed here: a login's KDF is not measured) that registers a station and imports deputies by
   CSV through the gateway; then POST /api/v1/matters through a township deputy's public code,
   no login, against bench.echo_service (the same JSON body), in alternating slices (ABBA, one
   load generator process per slice: bench/loadgen.py). Target: >= 0.6x the echo's req/s.
   Under the table: server CPU ms per request per process (from /proc).
3. Peak memory (VmHWM) of each petition worker and the gateway after the load.
4. Open311: GET /open311/v2/requests.json of the township (the submissions' jurisdiction:
   topped up to 1,000 matters first; the spec's page is 1,000 records) `--open311-calls` times
   (100; 10 with --quick) one after the other, p50/p99, beside GET services.json of the same
   jurisdiction (a small answer through the same route machinery and RPC), in the same run.
`--profile DIR` runs every process under cProfile (servicekit.runner's PROFILE_TO): stats in
DIR/<service>-<level>-<pid>.prof when the stack stops. `--no-sweep` skips part 1.
Exit status 0 whatever the figures, 1 when the stack did not start, 130 on Ctrl-C.
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from servicekit import testing

from bench import petition_sweep, stack
from bench.bench_intake import MAX_WORKERS, RouteStack, against_echo, start_echo, wait_echo
from tests.support import petition as world

with warnings.catch_warnings():  # eventlet's deprecation notice, via servicekit.auth -> nameko
    warnings.simplefilter("ignore")
    from bench.city_checks import memory_report, percentile
    from bench.city_setup import signed_tokens

BANNER = "150622"  # 准格尔旗: its congress staff keep the deputies of 薛家湾镇 (150622100)
CLIENTS = 8
OPEN311_RECORDS = 1000
OPEN311_CALLS = 100


# ---- the stack ------------------------------------------------------------------------------
def staff_token(platform: testing.Platform) -> str:
    """A congress_staff account of the banner, written as gateway.cli does; its token signed
    as a login signs it."""
    return signed_tokens(platform, [("bench-renda", "congress_staff", BANNER)])[0]


def deputies(platform: testing.Platform, token: str) -> dict[str, dict]:
    """The station and the deputies of tests.support.petition, through the gateway."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    base = platform.base_url
    station = session.post(f"{base}/api/v1/stations", json=world.STATION, timeout=30)
    body = {"area_code": BANNER, "csv": world.DEPUTIES_CSV}
    imported = session.post(f"{base}/api/v1/deputies/import", json=body, timeout=30)
    if station.status_code != 201 or imported.status_code != 201:
        raise stack.StackFailed(
            f"station {station.status_code} {station.text[:300]}; "
            f"import {imported.status_code} {imported.text[:300]}"
        )
    return {d["username"]: d for d in imported.json()["deputies"]}


def matter_body(code: str) -> str:
    return json.dumps(
        {**world.MATTER, "code": code, "resident": world.RESIDENT}, ensure_ascii=False
    )


@contextmanager
def petition_stack(profile: str | None = None) -> Iterator[RouteStack]:
    with stack.vhost() as host, stack.data_dir() as folder:
        env = {
            "MAX_WORKERS": str(MAX_WORKERS),
            "GATEWAY_MAX_WORKERS": str(MAX_WORKERS),
            **({"PROFILE_TO": str(Path(profile).resolve())} if profile else {}),
        }
        platform = stack.new_platform(host.uri, folder, env)
        echo: subprocess.Popen[bytes] | None = None
        try:
            try:
                platform.prepare()
                for level in stack.LEVELS:
                    platform.start_worker(level, service="petition")
                platform.start_gateway()
                echo, echo_url = start_echo(host.uri, folder)
                platform.wait_levels(*stack.LEVELS, seconds=90, service="petition")
                wait_echo(echo, echo_url)
                os.environ["DATA_DIR"] = platform.data_dir
                found = deputies(platform, staff_token(platform))
                body = matter_body(found["wang"]["public_code"])
                running = RouteStack(platform, echo, echo_url, "/api/v1/matters", body)
                first = requests.post(
                    running.gateway_url, data=body.encode(), timeout=30,
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip
                if first.status_code != 201:
                    raise stack.StackFailed(f"submission: {first.status_code} {first.text[:500]}")
            except stack.StackFailed:
                stack.print_logs(folder)
                raise
            except (OSError, RuntimeError, AssertionError, requests.RequestException) as exc:
                stack.print_logs(folder)
                raise stack.StackFailed(f"{type(exc).__name__}: {exc}") from exc
            yield running
        finally:
            stack.stop([*platform.processes.values(), *([echo] if echo is not None else [])])
            platform.processes.clear()


# ---- the parts ------------------------------------------------------------------------------
def sweeps(args: argparse.Namespace) -> None:
    closed = args.matters // 10
    with (
        tempfile.TemporaryDirectory(prefix="minsheng-petition-sweep-") as folder,
        petition_sweep.sqlite_engine(folder) as engine,
    ):
        petition_sweep.report(petition_sweep.sweep(engine, args.matters, closed))
    if not args.postgres:
        print("  PostgreSQL: not measured (--no-postgres)")
        return
    try:
        with petition_sweep.postgres_engine() as engine:
            petition_sweep.report(petition_sweep.sweep(engine, args.matters, closed))
    except Exception as exc:  # no PostgreSQL here: say so, keep the other figures
        print(f"  PostgreSQL: not measured ({type(exc).__name__}: {str(exc)[:200]})")


def submission(running: RouteStack, args: argparse.Namespace) -> None:
    title = "POST /api/v1/matters (public, a deputy's code, no login)"
    against_echo(running, title, CLIENTS, (args.warmup, args.seconds, args.rounds), running.body)


def open311_requests_p99(running: RouteStack, calls: int = OPEN311_CALLS) -> None:
    """GET /open311/v2/requests.json of the township the submissions went to: 1,000 records
    (the spec's most a page; topped up through the public route if the load made fewer),
    `calls` calls one after the other, p50 and p99; beside it GET services.json of the
    same jurisdiction, a small answer through the same route machinery and RPC."""
    base = running.platform.base_url
    query = {"jurisdiction_id": world.STATION["area_code"]}
    listed = f"{base}/open311/v2/requests.json"
    session = requests.Session()
    first = session.get(listed, params=query, timeout=60)
    if first.status_code == 404:
        print(f"\nOpen311 GET requests list ({OPEN311_RECORDS} records) p99: "
              "not measured: route not present")  # fmt: skip
        return
    missing = OPEN311_RECORDS - (len(first.json()) if first.status_code == 200 else 0)
    headers = {"Content-Type": "application/json"}
    for _ in range(max(0, missing)):
        session.post(running.gateway_url, data=running.body.encode(), headers=headers, timeout=30)
    walls = {}
    # This process holds the sweep's objects: a full collection of them during a timed call
    # would be the client's pause, not the server's (a 1.5 s "p99" before it was frozen).
    gc.collect()
    gc.freeze()
    for name, url in (("requests", listed), ("services", f"{base}/open311/v2/services.json")):
        session.get(url, params=query, timeout=60)  # warm
        taken = []
        for _ in range(calls):
            started = time.perf_counter()
            answer = session.get(url, params=query, timeout=60)
            taken.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                print(f"  Open311 {name}: status {answer.status_code} {answer.text[:200]}")
                return
        walls[name] = (sorted(taken), len(answer.json()), len(answer.content))
    print(f"\nOpen311 GET requests list (GeoReport v2, JSON) beside GET services, jurisdiction "
          f"{query['jurisdiction_id']}, {calls} calls each, one after the other; ms")  # fmt: skip
    for name, (taken, records, size) in walls.items():
        print(
            f"  GET {name}.json: {records} records, {size / 1024:.0f} KiB: "
            f"p50 {percentile(taken, 0.5):.1f}, p99 {percentile(taken, 0.99):.1f}"
        )


def run(args: argparse.Namespace) -> None:
    if args.sweep:
        print(f"sweep: {args.matters} open matters on SQLite and PostgreSQL…", flush=True)
        sweeps(args)
    print("\nstarting: vhost, migrations, petition workers, gateway, echo…", flush=True)
    with petition_stack(args.profile) as running:
        load_before = os.getloadavg()[0]
        print(f"up: gateway {running.platform.base_url}, echo {running.echo_url}", flush=True)
        submission(running, args)
        open311_requests_p99(running, args.open311_calls)
        print("\nworker memory (after the load):")
        memory_report(running.platform, "peak")
        print(
            f"\n1-min load average: {load_before:.2f} when up, {os.getloadavg()[0]:.2f} at the "
            f"end ({os.cpu_count()} CPUs)"
        )


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_petition", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--matters", type=int, default=100_000, help="open matters in the city")
    parser.add_argument("--seconds", type=float, default=12.0, help="measured s per target")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up s per slice")
    parser.add_argument("--rounds", type=int, default=4, help="slices per target, ABBA")
    parser.add_argument("--no-postgres", dest="postgres", action="store_false")
    parser.add_argument("--quick", action="store_true", help="2,000 matters, 2 s a target")
    parser.add_argument("--no-sweep", dest="sweep", action="store_false", help="skip the sweep")
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile every process; stats to DIR/<name>.prof"
    )
    parser.add_argument("--open311-calls", type=int, default=OPEN311_CALLS, help="list calls")
    args = parser.parse_args(argv)
    if args.quick:
        args.matters, args.seconds, args.rounds, args.warmup = 2000, 2.0, 2, 0.5
        args.open311_calls = 10
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    return stack.run_main(lambda: run(args), (requests.RequestException,))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
