"""The supervision benchmark (bench/bench_supervision.py) at its quick scale: its own stack on
the machine's RabbitMQ, a tenth of the city's year bulk-inserted, two sessions voted and
announced through the chain, public feedback against the echo, the year-end report in its three
formats, and memory. Nothing about the figures is asserted (on a shared machine they say how
busy it is), only that every part ran and printed its lines."""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIGURES = (
    "setup by SQL: 40 projects, 200 findings",
    "(150603301, db)",
    "results announced -> projects created -> supervision files opened, 2 sessions of 30 "
    "projects (60 files; seen by polling supervision's projects table)",
    "inside the services (the last file's created_at",
    "supervision's last file",
    "per file, the supervision workers together",
    "idle, for comparison",
    "peak VmHWM",
    "supervision-township",
    "supervision-banner",
    "supervision-city",
    "gateway",
)
TIMED = re.compile(r"p50 \d+ ms, p99 \d+ ms, max \d+ ms; target p99 < 200 ms: (PASS|FAIL)")
# Each part: its figures, or the line saying its route is not on the branch yet.
PARTS = {
    "route-polled sessions": (
        "1 sessions of 30 projects (30 files; seen by polling GET /api/v1/projects/",
        "the file's route /api/v1/projects/{project_id}/supervision: not on this branch yet",
    ),
    "feedback": (
        "throughput ratio",
        "public feedback vs echo: not measured",
    ),
    "year-end report": (
        "year-end report, slowest call",
        "year-end report: not measured",
    ),
}


def test_the_quick_supervision_bench_completes_and_prints_its_figures(rabbit_vhost):
    # rabbit_vhost: skipped without a broker; the benchmark makes its own vhost
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_supervision", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    missing = [figure for figure in FIGURES if figure not in done.stdout]
    assert not missing, done.stdout
    assert TIMED.search(done.stdout), done.stdout
    for part, (figure, absent) in PARTS.items():
        assert figure in done.stdout or absent in done.stdout, (part, done.stdout)
