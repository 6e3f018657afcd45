"""The supervision benchmark (bench/bench_supervision.py) at its quick scale: its own stack on
the machine's RabbitMQ, a tenth of the city's year bulk-inserted (every part's tables), three
sessions voted and announced through the chain (two seen on the table, one through the file's
route), public feedback against the echo, the year-end report in its three formats, and
memory. Nothing about the figures is asserted (on a shared machine they say how
busy it is), only that every part ran and printed its lines."""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIGURES = (
    "setup by SQL: 40 projects, 200 findings, 2308 file_entries, 8 supervision_groups, 120 "
    "checkpoint_reports, 32 inspections, 167 rectifications, 2000 public_feedback, 80 "
    "evaluations, 40 satisfaction_results",
    "session 3/3 (150621301, route)",
    "results announced -> projects created -> supervision files opened, 2 sessions of 30 "
    "projects (60 files; seen by polling supervision's projects table)",
    "1 sessions of 30 projects (30 files; seen by polling GET /api/v1/projects/",
    "inside the services (the last file's created_at",
    "supervision's last file",
    "per file, the supervision workers together",
    "(not timed): 90 of 90 answered 200",
    "each session's vote before the clock",
    "idle, for comparison",
    "POST /api/v1/public/projects/{project_code}/feedback (public",
    "throughput ratio",
    "gateway server cpu ms/request: ",
    "echo    server cpu ms/request: ",
    "(40 projects, ",
    "year-end report, slowest call",
    "peak VmHWM",
    "supervision-township",
    "supervision-banner",
    "supervision-city",
)
TIMED = re.compile(r"p50 \d+ ms, p99 \d+ ms, max \d+ ms; target p99 < 200 ms: (PASS|FAIL)")
FORMATS = re.compile(r"^  (json|docx|xlsx) +\d+ KiB: first [\d.]+, median [\d.]+, max [\d.]+", re.M)


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
    assert sorted(m.group(1) for m in FORMATS.finditer(done.stdout)) == ["docx", "json", "xlsx"]
    assert "not measured" not in done.stdout and "not on this branch" not in done.stdout
