"""A city's year of supervision (人大评, issue 14): the event chain from an announced vote to the
projects' supervision files, public feedback against the echo, the year-end report for the
city over a year's records, and the workers' peak memory.

    python -m bench.bench_supervision            # 20 + 5 sessions of 30; 400 projects' year
    python -m bench.bench_supervision --quick    # 2 + 1 sessions; a tenth of the year (smoke)
    python -m bench.supervision_profile          # the file's opening and a feedback in-process

Starts everything itself on 127.0.0.1: a private vhost, SQLite under a temp DATA_DIR with a
city-wide areas file (bench/stage1_data.py: the shipped areas and 80 sample townships),
migrations, then the year's records bulk-inserted by SQL into supervision's database before
its workers start (bench/supervision_data.py and the parts' rows: 400 projects over the 80
townships and their files, 80 groups, 1,200 checkpoint reports, 2,000 findings with their
inspections and rectification rounds, 20,000 public feedback items, 800 evaluations, 80
satisfaction votes — setup, not measured; a part whose tables are missing is said so); one
voting and one implementation worker at township level (the chain's level), one supervision
worker per level (`--levels`), the gateway, and bench.echo_service (max_workers pinned alike).
A congress_staff account of the city is written into the gateway's database and its token
signed as a login signs it (a login's KDF is not measured).

1. The chain (bench/supervision_votes.py): `--sessions` township sessions of next year, each a
   real vote over HTTP (30 seats of 36 candidates, 5 of 6 deputies), timed from the start of
   `POST /api/v1/sessions/<id>/announce` until supervision has the file of each of the 30
   projects, seen on supervision's `projects` table; p50/p99 over the sessions, target p99 <
   200 ms; beside it the services' own stamps of each stage and each process's CPU per session.
   Then `--route-sessions` more, seen by polling GET /api/v1/projects/<id>/supervision (its
   requests are load on the same cores as the chain), and every file read through that route.
2. Public feedback: POST /api/v1/public/projects/<code>/feedback (no login) through the gateway
   against the echo with the same body, in alternating slices (ABBA, one load generator
   process per slice: bench/loadgen.py). Target >= 0.6x the echo's req/s; under it, server CPU
   ms per request per process (from /proc), which other load on the machine moves least.
3. The year-end report of the city (GET /api/v1/supervision/year-end-report?area_code=150600
   &year=…) as JSON, .docx and .xlsx, `--report-calls` each. Target < 5 s.
4. Peak memory (VmHWM) of every process, supervision's workers and the gateway among them.
A part whose route is not in the gateway's OpenAPI document is left out with a line saying so.
Exit status 0 whatever the figures, 1 when the stack did not start, 130 on Ctrl-C.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from contracts import registry
from servicekit import testing

from bench import stack
from bench.bench_intake import MAX_WORKERS, RouteStack, against_echo, start_echo, wait_echo
from bench.stage1_data import write_city_areas

with warnings.catch_warnings():  # eventlet's deprecation notice, via servicekit.auth -> nameko
    warnings.simplefilter("ignore")
    from bench import supervision_data as data
    from bench import supervision_parts as parts
    from bench import supervision_votes as votes
    from bench.city_checks import memory_report
    from bench.city_setup import signed_tokens

YEAR = 2026  # the year reported on; the chain's sessions vote next year's projects
TOWNSHIPS = 80
CHAIN_TARGET_MS = 200.0
REPORT_TARGET_S = 5.0
PARTS = ("chain", "feedback", "report")
FILE_ROUTE = "/api/v1/projects/{project_id}/supervision"
FEEDBACK_ROUTE = "/api/v1/public/projects/{project_code}/feedback"
REPORT_ROUTE = "/api/v1/supervision/year-end-report"


# ---- the stack ------------------------------------------------------------------------------
def start_workers(platform: testing.Platform, levels: tuple[str, ...]) -> None:
    platform.start_worker("township", service="voting")
    platform.start_worker("township", service="implementation")
    for level in levels:
        platform.start_worker(level, service="supervision")
    platform.start_gateway()
    try:
        platform.wait_levels("township", seconds=90, service="voting")
        platform.wait_levels("township", seconds=90, service="implementation")
        platform.wait_levels(*levels, seconds=90, service="supervision")
    except AssertionError as exc:
        raise stack.StackFailed(f"workers not up: {exc}") from exc


def routes(platform: testing.Platform) -> set[str]:
    answer = requests.get(f"{platform.base_url}/api/v1/openapi.json", timeout=30)
    answer.raise_for_status()
    return set(answer.json()["paths"])


def missing(route: str, present: set[str], part: str) -> bool:
    if route in present:
        return False
    print(f"\n{part}: not measured: route {route} not on this branch yet")
    return True


# ---- the parts ------------------------------------------------------------------------------
def chain(platform: testing.Platform, uri: str, token: str, year: data.Year,
          args: argparse.Namespace, route_here: bool) -> None:  # fmt: skip
    """`--sessions` seen on the table (the target's figure), then `--route-sessions` seen
    through the file's route (the poll's own requests are load on the same cores)."""
    polls = ["db"] * args.sessions + ["route"] * (args.route_sessions if route_here else 0)
    towns = year.towns[: len(polls)]
    print(f"\nevent chain: {len(towns)} sessions of {votes.SEATS}, one after the other…")
    idle = votes.idle_cpu(platform)
    done = votes.run_sessions(platform, uri, token, towns, YEAR + 1, polls, route_here)
    votes.report([t for t in done if t.poll == "db"], "supervision's projects table",
                 CHAIN_TARGET_MS)  # fmt: skip
    routed = [t for t in done if t.poll == "route"]
    if routed:
        votes.report(routed, f"GET {FILE_ROUTE}", None)
    if route_here:
        read = sum(t.read for t in done)
        print(f"  then each file read through GET {FILE_ROUTE} (not timed): {read} of "
              f"{sum(t.files for t in done)} answered 200")  # fmt: skip
    else:
        print(f"  the file's route {FILE_ROUTE}: not on this branch yet (files seen on the table)")
    vote_s = statistics.median(t.vote_s for t in done)
    print(
        f"  each session's vote before the clock (setup: list, session, check-in, {votes.PRESENT} "
        f"tokens and ballots, close, tally): median {vote_s:.1f} s"
    )
    floor = ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(idle.items()) if ms >= 0.5)
    print(f"  idle, for comparison, cpu ms per second: {floor or 'all below 0.5'}")


def feedback(platform: testing.Platform, echo: Any, year: data.Year, args: argparse.Namespace
             ) -> None:  # fmt: skip
    """A resident's feedback on a township project through its code, against the echo."""
    code = year.projects[0]["public_code"]
    body = json.dumps(data.FEEDBACK, ensure_ascii=False)
    path = FEEDBACK_ROUTE.format(project_code=code)
    running = RouteStack(platform, echo[0], echo[1], path, body)
    headers = {"Content-Type": "application/json"}
    first = requests.post(running.gateway_url, data=body.encode(), headers=headers, timeout=30)
    if first.status_code != 201:
        raise stack.StackFailed(f"feedback: {first.status_code} {first.text[:500]}")
    title = f"POST {FEEDBACK_ROUTE} (public, named, one photo's metadata, no login)"
    slices = (args.warmup, args.seconds, args.rounds)
    against_echo(running, title, args.clients, slices, body)


def year_end_report(platform: testing.Platform, token: str, calls: int) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    url = f"{platform.base_url}{REPORT_ROUTE}"
    print(f"\nyear-end report of the city ({data.CITY}, {YEAR}), {calls} calls each; s")
    worst = 0.0
    query = {"area_code": data.CITY, "year": YEAR}
    for fmt in ("json", "docx", "xlsx"):
        walls, answer = [], None
        for _ in range(calls):
            started = time.perf_counter()
            suffix = "" if fmt == "json" else f".{fmt}"
            answer = session.get(url + suffix, params=query, timeout=120)
            walls.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise stack.StackFailed(f"report {fmt}: {answer.status_code} {answer.text[:300]}")
            if fmt != "json" and answer.content[:2] != b"PK":  # docx and xlsx are zip files
                raise stack.StackFailed(f"report {fmt}: not a document: {answer.content[:80]!r}")
        worst = max(worst, *walls)
        size = len(answer.content) if answer is not None else 0
        print(
            f"  {fmt:<5} {size / 1024:7.0f} KiB: first {walls[0]:.2f}, median "
            f"{statistics.median(walls):.2f}, max {max(walls):.2f}"
            + (f" ({counted(answer.json())})" if fmt == "json" and answer is not None else "")
        )
    print(
        f"year-end report, slowest call {worst:.2f} s; target < {REPORT_TARGET_S:g} s: "
        f"{'PASS' if worst < REPORT_TARGET_S else 'FAIL'}"
    )


def counted(report: dict[str, Any]) -> str:
    """What the JSON report counted: the year's records were all in it."""
    done, findings = report["completion"], report["findings"]
    rated = sum(report["satisfaction"]["grades"].values())
    evaluated = sum(sum(grades.values()) for grades in report["evaluations"]["by_kind"].values())
    return (
        f"{done['projects']} projects, {done['rate_percent']}% completed the same year, "
        f"{findings['total']} findings ({findings['closed_percent']}% closed), {evaluated} "
        f"evaluations, {rated} projects rated"
    )


def run(args: argparse.Namespace, folder: Path) -> None:
    areas_file, towns = write_city_areas(folder, TOWNSHIPS)
    os.environ["AREAS_FILE"] = str(areas_file)  # this process's areas (the bulk rows' paths)
    with stack.vhost() as host, stack.data_dir() as temp, databases(args.postgres) as urls:
        env = {
            **urls,
            "AREAS_FILE": str(areas_file),
            "MAX_WORKERS": str(MAX_WORKERS),
            "GATEWAY_MAX_WORKERS": str(MAX_WORKERS),
            **({"PROFILE_TO": str(Path(args.profile).resolve())} if args.profile else {}),
        }
        platform = stack.new_platform(host.uri, temp, env)
        echo = None
        try:
            prepare(platform)
            year = parts.setup(votes.database_url(platform, "supervision"), towns, YEAR, args.scale)
            start_workers(platform, args.levels)
            echo = start_echo(host.uri, temp)
            wait_echo(*echo)
            print(f"up: gateway {platform.base_url}, echo {echo[1]}", flush=True)
            measure_all(args, platform, host.uri, year, echo)
        except (stack.StackFailed, requests.RequestException, OSError):
            stack.print_logs(temp)
            raise
        finally:
            stack.stop([*platform.processes.values(), *([echo[0]] if echo else [])])
            platform.processes.clear()


@contextmanager
def databases(postgres: bool) -> Iterator[dict[str, str]]:
    """Every service's database on the machine's PostgreSQL (fresh, dropped afterwards), or
    none named: the SQLite default."""
    if not postgres:
        yield {}
        return
    created = testing.PgDatabases()
    try:
        yield {
            f"{name.upper()}_DATABASE_URL": created.create(f"bench_{name}")
            for name in registry.databases()
        }
    finally:
        created.drop_all()


def prepare(platform: testing.Platform) -> None:
    import subprocess

    try:
        platform.prepare()
    except subprocess.CalledProcessError as exc:
        raise stack.StackFailed(f"migrate/topology: {exc.stderr.decode()[-2000:]}") from exc


def measure_all(args: argparse.Namespace, platform: testing.Platform, uri: str,
                year: data.Year, echo: Any) -> None:  # fmt: skip
    token = signed_tokens(platform, [("bench-renda-city", "congress_staff", data.CITY)])[0]
    present = routes(platform)
    if "chain" in args.parts:
        chain(platform, uri, token, year, args, FILE_ROUTE in present)
    if "feedback" in args.parts and not missing(FEEDBACK_ROUTE, present, "public feedback"):
        feedback(platform, echo, year, args)
    if "report" in args.parts and not missing(REPORT_ROUTE, present, "year-end report"):
        year_end_report(platform, token, args.report_calls)
    print("\nworker memory (peak, after the run):")
    memory_report(platform, "peak")
    print(f"\n1-min load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_supervision", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--sessions", type=int, default=20, help="sessions of 30, <= 80")
    parser.add_argument("--share", type=float, default=1.0, help="of the year's record counts")
    parser.add_argument("--seconds", type=float, default=12.0, help="measured s per target")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up s per slice")
    parser.add_argument("--rounds", type=int, default=4, help="slices per target, ABBA")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--report-calls", type=int, default=3, help="per format")
    parser.add_argument(
        "--route-sessions", type=int, default=5, help="more sessions, seen through the route"
    )
    parser.add_argument(
        "--levels",
        default=",".join(stack.LEVELS),
        help="supervision's workers (make run starts all three; the report needs city)",
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"which to measure, of {','.join(PARTS)}"
    )
    parser.add_argument("--quick", action="store_true", help="2 sessions, a tenth of the year")
    parser.add_argument(
        "--postgres", action="store_true", help="every database on PostgreSQL (127.0.0.1:5432)"
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile every process; stats to DIR/<name>.prof"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.share, args.seconds, args.rounds = 2, 0.1, 2.0, 2
        args.route_sessions = 1
        args.warmup, args.report_calls = 0.5, 1
    args.sessions = max(1, min(args.sessions, TOWNSHIPS))
    args.route_sessions = max(0, min(args.route_sessions, TOWNSHIPS - args.sessions))
    args.levels = tuple(level for level in args.levels.split(",") if level)
    args.parts = {part for part in args.parts.split(",") if part in PARTS}
    args.scale = data.Scale().scaled(args.share)
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    print("starting: vhost, migrations, the year's records, workers, gateway, echo…", flush=True)

    def body() -> None:
        with tempfile.TemporaryDirectory(prefix="minsheng-supervision-") as folder:
            run(args, Path(folder))

    return stack.run_main(body, (requests.RequestException,))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
