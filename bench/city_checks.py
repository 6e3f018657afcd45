"""What bench.bench_city_year measures once the year is in: the city's warning evaluation
over HTTP and as the nightly function straight on the database, the city's completion report,
and the workers' memory."""

import statistics
import time

import requests
from servicekit import testing
from servicekit.clock import utcnow
from servicekit.db import make_engine
from sqlalchemy.orm import Session

from bench import city_year_data as data
from bench import stack
from bench.city_setup import City

EVALUATION_TARGET_S = 2.0
REPORT_TARGET_MS = 500.0
REPORT_CALLS = 20
EVALUATIONS = 5


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank, as the other benchmarks: a latency actually observed."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


def evaluate_directly(data_dir: str, times: int = 3) -> tuple[list[float], dict[str, int]]:
    """The nightly function itself, in this process, on the implementation database."""
    # The service's own code, in this process only for this measurement.
    from implementation.use_cases.fund_warnings import evaluate_area

    engine = make_engine(f"sqlite:///{data_dir}/implementation.db")
    seconds, counts = [], {}
    try:
        for _ in range(times):
            with Session(engine) as session:
                started = time.perf_counter()
                counts = evaluate_area(session, "/", utcnow(), data.today())
                seconds.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return seconds, counts


def evaluations(base_url: str, city: City, data_dir: str) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {city.tokens[city.city_finance]}"
    walls, served = [], []
    for _ in range(EVALUATIONS):
        started = time.perf_counter()
        response = session.post(
            f"{base_url}/api/v1/warnings/evaluations", json={"area_code": data.CITY}, timeout=120
        )
        walls.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise stack.StackFailed(f"evaluation: {response.status_code} {response.text[:300]}")
        answer = response.json()
        served.append(answer["seconds"])
    print(
        f"\nwarning evaluation of the city over HTTP ({answer['projects']} projects, "
        f"{answer['open']} open warnings): first {walls[0]:.3f} s, median of {EVALUATIONS} "
        f"{statistics.median(walls):.3f} s (in the service {statistics.median(served):.3f} s); "
        f"target < {EVALUATION_TARGET_S:g} s: "
        f"{'PASS' if max(walls) < EVALUATION_TARGET_S else 'FAIL'}"
    )
    seconds, counts = evaluate_directly(data_dir)
    shown = ", ".join(f"{s:.3f}" for s in seconds)
    print(
        f"nightly evaluate_area('/') straight on the database: {shown} s {counts}; "
        f"target < {EVALUATION_TARGET_S:g} s: "
        f"{'PASS' if max(seconds) < EVALUATION_TARGET_S else 'FAIL'}"
    )


def completion_report(base_url: str, city: City) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {city.tokens[city.city_staff]}"
    url = f"{base_url}/api/v1/reports/implementation?area_code={data.CITY}&year={data.YEAR}"
    walls = []
    for _ in range(REPORT_CALLS):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        walls.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise stack.StackFailed(f"report: {response.status_code} {response.text[:300]}")
    body, walls = response.json(), sorted(walls)
    print(
        f"\ncity completion report ({body['projects']} projects, {body['completed']} completed, "
        f"{body['completion_percent']}%, {len(body['lagging'])} lagging), {REPORT_CALLS} calls: "
        f"median {statistics.median(walls):.1f} ms, p95 {percentile(walls, 0.95):.1f} ms, max "
        f"{walls[-1]:.1f} ms; target < {REPORT_TARGET_MS:g} ms: "
        f"{'PASS' if percentile(walls, 0.95) < REPORT_TARGET_MS else 'FAIL'}"
    )


def memory_report(platform: testing.Platform, label: str) -> None:
    for name, process in sorted(platform.processes.items()):
        kib = stack.memory_kib(process.pid)
        print(
            f"  {label:<10} {name:<24} VmRSS {kib.get('VmRSS', 0) / 1024:6.1f} MiB   "
            f"peak VmHWM {kib.get('VmHWM', 0) / 1024:6.1f} MiB"
        )
