"""The city's-year benchmark (bench/bench_city_year.py) at its quick scale: it starts its own
stack on the machine's RabbitMQ, goes through the year and prints every figure. Nothing about
the figures is asserted: on a shared machine they say how busy it is."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIGURES = (
    "the city's year:",
    "reports through the gateway:",
    "echo (bare nameko, same clients, same run):",
    "ratio reports/echo",
    "warning evaluation of the city over HTTP",
    "nightly evaluate_area('/') straight on the database",
    "city completion report",
    "peak VmHWM",
)


def test_the_quick_city_year_completes_and_prints_its_figures(rabbit_vhost):
    # rabbit_vhost: skipped without a broker (failed under CI); the benchmark makes its own vhost
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_city_year", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    missing = [figure for figure in FIGURES if figure not in done.stdout]
    assert not missing, done.stdout
