"""A city's year of implementation (issue 12): 80 townships x 5 projects, their plans, budgets,
52 weekly + 12 monthly + 4 quarterly reports each (27,200), 2,000 disbursements, acceptances,
then the city's warning evaluation and completion report.

    python -m bench.bench_city_year            # 80 townships x 5 projects
    python -m bench.bench_city_year --quick    # 2 x 1 (a smoke run: figures mean little)

Starts everything itself on 127.0.0.1: a private vhost, SQLite under a temp DATA_DIR with a
city-wide areas file (bench/stage1_data.py: the shipped areas plus N sample townships), one
implementation worker per level, the gateway, and the bare nameko `@http`->RPC echo of
bench.bench_intake (max_workers pinned alike). Accounts are written into the gateway's database
(as gateway.cli does) — a government_staff and a finance_staff per township and for the city —
and their tokens signed as a login signs them (a login's KDF, 0.45 s of CPU, is not measured).
Each township's announced result is published on the broker as voting's outbox relay does
(signed envelope, `voting.events`), and implementation makes the projects. Everything else goes
over HTTP through the gateway, N clients (bench/replay.py, its own process): plans, budgets, the
reports in the order they fall due, the disbursements, an acceptance for every finished
project. The reports go in slices alternating with the echo at the same concurrency (ABBA), so
load from elsewhere on this shared machine lands on both: compare the ratio, not the rates,
and the CPU per request of each side (printed per slice), which load moves least.

Then: POST /api/v1/warnings/evaluations for the city (its finance_staff), and the nightly
function itself (use_cases.fund_warnings.evaluate_area over "/") straight against the database;
GET /api/v1/reports/implementation for the city, 20 times; the workers' peak memory (VmHWM).
Targets: reports/s >= 0.6x echo req/s; the city's evaluation < 2 s; the report < 500 ms.
Exit status 0 whatever the figures, 1 when the stack did not start or a setup step was refused.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import requests
from servicekit import testing

from bench import stack
from bench.bench_intake import MAX_WORKERS, REPO, start_echo, wait_echo

with warnings.catch_warnings():  # eventlet's deprecation notice, via servicekit.auth -> nameko
    warnings.simplefilter("ignore")
    from bench import city_year_data as data
    from bench.city_checks import completion_report, evaluations, memory_report, percentile
    from bench.city_setup import City, build_city, cpu_of

THROUGHPUT_TARGET = 0.6  # reports/s >= 0.6 x echo req/s


def run_replay(base_url: str, city: City, jobs: list, clients: int, folder: str) -> dict:
    path = os.path.join(folder, "jobs.json")
    spec = {"base_url": base_url, "concurrency": clients, "tokens": city.tokens, "jobs": jobs}
    Path(path).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bench.replay", path], cwd=REPO, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise stack.StackFailed(f"replay failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def run_echo(url: str, body: str, clients: int, seconds: float) -> dict:
    spec = {"url": url, "body": body, "concurrency": clients, "warmup": 1.0, "seconds": seconds}
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", json.dumps(spec, ensure_ascii=False)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    if done.returncode != 0:
        raise stack.StackFailed(f"load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


class Phases:
    """Each phase of the year: requests, seconds, statuses; a refused setup step stops the run."""

    def __init__(self, base_url: str, city: City, clients: int, folder: str):
        self.base_url, self.city, self.clients, self.folder = base_url, city, clients, folder
        self.done: list[tuple[str, dict]] = []

    def run(self, name: str, jobs: list, strict: bool = True) -> dict:
        result = run_replay(self.base_url, self.city, jobs, self.clients, self.folder)
        self.done.append((name, result))
        show(name, result)
        if strict and result["unexpected"]:
            raise stack.StackFailed(f"{name}: refused {result['refused']}")
        return result

    @property
    def seconds(self) -> float:
        return sum(result["seconds"] for _, result in self.done)


def show(name: str, result: dict) -> None:
    rate = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    odd = (
        f", {result['unexpected']} unexpected {result['refused'][:2]}"
        if result["unexpected"]
        else ""
    )
    print(
        f"  {name}: {result['requests']} requests in {result['seconds']:.1f} s "
        f"({rate:.0f} req/s, client {result['client_cpu']:.2f} core){odd}",
        flush=True,
    )


def reports_against_echo(
    phases: Phases, echo_url: str, pids: dict[str, int], slices: int, echo_seconds: float
) -> dict[str, Any]:
    """The year's reports in `slices` parts, alternated with the echo (R E E R R E …)."""
    jobs = phases.city.report_jobs()
    body = json.dumps(data.report(phases.city.projects[0], data.periods(data.today())[20]))
    size = -(-len(jobs) // slices)
    parts = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    figures: dict[str, Any] = {"reports": [], "echo": [], "cpu": {"reports": {}, "echo": {}}}
    for index, part in enumerate(parts):
        order = ("reports", "echo") if index % 2 == 0 else ("echo", "reports")
        for target in order:
            before = cpu_of(pids)
            if target == "reports":
                result = phases.run(f"reports slice {index + 1}/{len(parts)}", part, strict=False)
            else:
                result = run_echo(echo_url, body, phases.clients, echo_seconds)
                rps = result["requests"] / result["seconds"]
                print(f"  echo slice {index + 1}/{len(parts)}: {rps:.1f} req/s", flush=True)
            used = {name: seconds - before[name] for name, seconds in cpu_of(pids).items()}
            print(f"    server cpu ms/request: {cpu_breakdown(used, sent(result))}", flush=True)
            for name, seconds in used.items():
                spent = figures["cpu"][target]
                spent[name] = spent.get(name, 0.0) + seconds
            figures[target].append(result)
    return figures


def sent(result: dict) -> int:
    """Every request sent, warm-up included (the CPU measured covers them all)."""
    return sum(result["statuses"].values())


def cpu_breakdown(used: dict[str, float], count: int) -> str:
    """Server CPU ms per request, busiest first; unlike req/s, barely moved by other load."""
    per = {name: 1000 * seconds / count for name, seconds in used.items() if count}
    busy = sorted(((ms, name) for name, ms in per.items() if ms >= 0.05), reverse=True)
    parts = ", ".join(f"{name} {ms:.2f}" for ms, name in busy)
    return f"{parts or 'n/a'} (total {sum(ms for ms, _ in busy):.2f}; broker not counted)"


def throughput_report(figures: dict[str, Any]) -> float:
    reports, echo = figures["reports"], figures["echo"]
    count = sum(r["requests"] for r in reports)
    report_rps = count / sum(r["seconds"] for r in reports)
    echo_rps = sum(r["requests"] for r in echo) / sum(r["seconds"] for r in echo)
    ratio = report_rps / echo_rps
    lat = sorted(x for r in reports for x in r["latencies_ms"])
    echo_lat = sorted(x for r in echo for x in r["latencies_ms"])
    print(
        f"\nreports through the gateway: {report_rps:.1f} reports/s, p50 {percentile(lat, 0.5):.1f}"
        f" ms, p99 {percentile(lat, 0.99):.1f} ms ({count} reports, "
        f"{sum(r['unexpected'] for r in reports)} not 201)"
    )
    print(
        f"echo (bare nameko, same clients, same run): {echo_rps:.1f} req/s, p50 "
        f"{percentile(echo_lat, 0.5):.1f} ms, p99 {percentile(echo_lat, 0.99):.1f} ms"
    )
    pairs = ", ".join(
        f"{(r['requests'] / r['seconds']) / (e['requests'] / e['seconds']):.2f}"
        for r, e in zip(reports, echo, strict=True)
    )
    print(
        f"ratio reports/echo {ratio:.2f} (target >= {THROUGHPUT_TARGET}): "
        f"{'PASS' if ratio >= THROUGHPUT_TARGET else 'FAIL'}; slice by slice {pairs}"
    )
    for target in ("reports", "echo"):
        total = sum(sent(r) for r in figures[target])
        print(f"  server cpu ms/request, {target}: {cpu_breakdown(figures['cpu'][target], total)}")
    return ratio


def the_year(args: argparse.Namespace, platform: testing.Platform, city: City, echo: Any) -> None:
    folder = platform.data_dir
    phases = Phases(platform.base_url, city, args.clients, folder)
    phases.run("plans", city.plan_jobs())
    phases.run("budgets", city.budget_jobs())
    pids = {name: p.pid for name, p in {**platform.processes, "echo": echo[0]}.items()}
    figures = reports_against_echo(phases, echo[1], pids, args.slices, args.echo_seconds)
    phases.run("disbursements", city.flow_jobs(args.disbursements))
    phases.run("acceptances (finished projects)", city.acceptance_jobs())
    year = city.created_seconds + phases.seconds
    print(
        f"\nthe city's year: {len(city.projects)} projects in {len(city.towns)} townships, "
        f"{sum(r['requests'] for _, r in phases.done)} requests, {year:.1f} s wall (results -> "
        f"projects {city.created_seconds:.1f} s; echo slices not counted)"
    )
    throughput_report(figures)
    evaluations(platform.base_url, city, folder)
    completion_report(platform.base_url, city)
    print("\nworker memory:")
    memory_report(platform, "at the end")


def run(args: argparse.Namespace, folder: Path) -> None:
    areas_file, townships = stack_areas(folder, args.areas)
    with stack.vhost() as host, stack.data_dir() as temp:
        env = {
            "AREAS_FILE": str(areas_file),
            "MAX_WORKERS": str(MAX_WORKERS),
            "GATEWAY_MAX_WORKERS": str(MAX_WORKERS),
            **({"PROFILE_TO": str(Path(args.profile).resolve())} if args.profile else {}),
        }
        platform = stack.new_platform(host.uri, temp, env)
        echo = None
        try:
            start(platform)
            echo = start_echo(host.uri, temp)
            wait_echo(*echo)
            print(f"up: gateway {platform.base_url}, echo {echo[1]}", flush=True)
            memory_report(platform, "at start")
            city = build_city(platform, host.uri, townships, args.per_area)
            the_year(args, platform, city, echo)
            print(
                f"\n1-min load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)"
            )
        except (stack.StackFailed, requests.RequestException, OSError):
            stack.print_logs(temp)
            raise
        finally:
            stack.stop([*platform.processes.values(), *([echo[0]] if echo else [])])
            platform.processes.clear()


def stack_areas(folder: Path, townships: int) -> tuple[Path, list[str]]:
    from bench.stage1_data import write_city_areas

    areas_file, codes = write_city_areas(folder, townships)
    os.environ["AREAS_FILE"] = str(areas_file)  # this process checks accounts' areas
    return areas_file, codes


def start(platform: testing.Platform) -> None:
    try:
        platform.prepare()
    except subprocess.CalledProcessError as exc:
        raise stack.StackFailed(f"migrate/topology: {exc.stderr.decode()[-2000:]}") from exc
    for level in stack.LEVELS:
        platform.start_worker(level, service="implementation")
    platform.start_gateway()
    try:
        platform.wait_levels(*stack.LEVELS, seconds=90, service="implementation")
    except AssertionError as exc:
        raise stack.StackFailed(f"implementation workers not up: {exc}") from exc


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_city_year", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--areas", type=int, default=80, help="townships in the city")
    parser.add_argument("--per-area", type=int, default=5, help="projects per township (<= 5)")
    parser.add_argument("--disbursements", type=int, default=2000, help="at most 5 a project")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--slices", type=int, default=8, help="report slices, alternated")
    parser.add_argument("--echo-seconds", type=float, default=8.0, help="per echo slice")
    parser.add_argument("--quick", action="store_true", help="2 townships x 1: a smoke run")
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile every process; stats to DIR/<name>.prof"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.areas, args.per_area, args.disbursements = 2, 1, 10
        args.slices, args.echo_seconds = 2, 1.0
    args.per_area = max(1, min(args.per_area, 5))
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGTERM, stack.interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("starting: vhost, migrations, implementation workers, gateway, echo…", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="minsheng-city-year-") as folder:
            run(args, Path(folder))
    except (stack.StackFailed, requests.RequestException) as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
