"""The petition benchmark (bench/bench_petition.py) at its quick scale: the sweep over 2,000
matters on SQLite and PostgreSQL, its own stack on the machine's RabbitMQ for the submission
against the echo, memory, and the Open311 hook. Nothing about the figures is asserted: on a
shared machine they say how busy it is."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIGURES = (
    "nightly time-limit sweep on sqlite",
    "nightly time-limit sweep on postgresql",
    "catch-up run",
    "reminders.hourly (the timer), 3 runs: first",
    "POST /api/v1/matters (public",
    "throughput ratio",
    "server cpu ms/request",
    "Open311 GET requests list",
    "peak VmHWM",
)


def test_the_quick_petition_bench_completes_and_prints_its_figures(rabbit_vhost, pg):
    # rabbit_vhost, pg: skipped without a broker or PostgreSQL; the benchmark makes its own
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_petition", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    missing = [figure for figure in FIGURES if figure not in done.stdout]
    assert not missing, done.stdout
