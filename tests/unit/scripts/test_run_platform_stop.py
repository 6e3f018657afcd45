"""scripts.run_platform's stop: one SIGTERM each, SIGKILL after the wait or on a second signal;
the ports it checks before starting anything."""

import signal
import subprocess
import sys
import time

import pytest
from contracts import registry

from scripts import run_platform

STOPS = "import time\nwhile True: time.sleep(1)\n"  # SIGTERM's default action ends it
IGNORES = (
    "import signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "while True: time.sleep(1)\n"
)


@pytest.fixture(autouse=True)
def _restore_handlers():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _child(code: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True
    )
    if "ready" in code:
        process.stdout.readline()  # type: ignore[union-attr]
    return process


def test_a_worker_that_stops_on_sigterm_is_not_killed_and_one_that_does_not_is():
    processes = {"stops": _child(STOPS), "ignores": _child(IGNORES)}
    started = time.monotonic()
    run_platform.stop(processes, wait=0.5)
    assert time.monotonic() - started < 2
    assert processes["stops"].returncode == -signal.SIGTERM
    assert processes["ignores"].returncode == -signal.SIGKILL


def test_a_stop_with_nothing_left_running_returns_at_once():
    done = _child("pass")
    done.wait()
    started = time.monotonic()
    run_platform.stop({"done": done}, wait=5)
    assert time.monotonic() - started < 0.5


def test_the_ports_checked_are_the_gateways_and_one_per_worker(monkeypatch):
    monkeypatch.delenv("METRICS_ADDR", raising=False)
    ports = run_platform.ports("127.0.0.1:8000", 9101)
    workers = len(registry.WORKERS) * len(registry.START_ORDER)
    assert ports[0] == ("127.0.0.1", 8000)
    assert ports[1:] == [("127.0.0.1", 9101 + i) for i in range(workers)]
