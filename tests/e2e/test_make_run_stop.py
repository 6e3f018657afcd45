"""`make run` stops cleanly and fast: Ctrl-C (SIGINT to the whole foreground process group, as
a terminal sends it), one SIGTERM to run_platform, a second signal while stopping, and run_platform
killed outright each leave no process and no port behind within 5 s. A start that finds its
ports taken names the holder in one line and starts nothing. SQLite (the default), own vhost."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from contracts import registry
from servicekit import testing
from servicekit.startup import bindable, port_holders

STOP_LIMIT = 5.0
WORKER_PORTS = registry.METRICS_PORTS  # every registered service, three levels each


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, ppid) of a process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))):
            children.setdefault(stat[1], []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, or still exiting: a zombie leader whose other threads have not yet exited
    still holds the process's files, its listening sockets among them."""
    stat = _stat(pid)
    if stat is None:
        return False
    if stat[0] != "Z":
        return True
    try:
        return len(os.listdir(f"/proc/{pid}/task")) > 1
    except OSError:
        return False


@dataclass
class Started:
    process: subprocess.Popen[str]
    output: list[str]
    env: dict[str, str]
    ports: list[int]
    workers: list[int]

    def wait_gone(self, limit: float = STOP_LIMIT) -> float:
        """Seconds until run_platform and every worker it started are gone and every port is
        free again (fails 5 s past `limit`, naming what is left)."""
        started = time.monotonic()
        everyone = [self.process.pid, *self.workers]
        while time.monotonic() - started < limit + 5:
            self.process.poll()  # reap run_platform itself
            if not any(alive(pid) for pid in everyone) and not self.taken_ports():
                return time.monotonic() - started
            time.sleep(0.05)
        left = [pid for pid in everyone if alive(pid)]
        pytest.fail(
            f"after {limit + 5:.0f} s: still running {left}, ports held "
            f"{ {port: port_holders(port) for port in self.taken_ports()} }\n"
            + "".join(self.output)
        )

    def taken_ports(self) -> list[int]:
        return [port for port in self.ports if not bindable("127.0.0.1", port)]


@pytest.fixture
def platform_env(tmp_path: Path, amqp_uri: str) -> dict[str, str]:
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(tmp_path / "data"),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{testing.free_port()}",
        "METRICS_PORT_BASE": str(testing.free_port_run(WORKER_PORTS)),
        "PYTHONWARNINGS": "ignore",
    }
    for name in registry.databases():
        env.pop(f"{name.upper()}_DATABASE_URL", None)  # SQLite under DATA_DIR
    return env


def _ports(env: dict[str, str]) -> list[int]:
    base = int(env["METRICS_PORT_BASE"])
    return [int(env["WEB_SERVER_ADDRESS"].rsplit(":", 1)[1]), *range(base, base + WORKER_PORTS)]


@pytest.fixture
def start_platform(platform_env: dict[str, str]) -> Iterator[Callable[[], Started]]:
    started: list[Started] = []

    def start() -> Started:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.run_platform"],
            env=platform_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,  # like `make run` in a terminal: its own foreground group
        )
        output: list[str] = []
        ready = threading.Event()

        def read() -> None:
            for line in process.stdout:  # type: ignore[union-attr]
                output.append(line)
                if line.strip() == "READY":
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        run = Started(process, output, platform_env, _ports(platform_env), [])
        started.append(run)
        if not ready.wait(180):
            pytest.fail("make run did not get ready:\n" + "".join(output))
        run.workers = descendants(process.pid)
        return run

    yield start
    for run in started:  # whatever a failed test left behind, by PID
        for pid in [run.process.pid, *run.workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        run.process.wait()


def _assert_stopped_cleanly(run: Started, how: str) -> None:
    # three levels of every registered service, and the gateway
    assert len(run.workers) == len(registry.WORKERS) * 3 + 1, run.workers
    seconds = run.wait_gone()
    assert seconds < STOP_LIMIT, f"{how}: stopped in {seconds:.1f} s"
    assert "强制结束" not in "".join(run.output), "a worker needed SIGKILL"


def test_ctrl_c_stops_every_process_and_frees_the_ports(start_platform):
    run = start_platform()
    os.killpg(run.process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    _assert_stopped_cleanly(run, "Ctrl-C")
    assert run.process.returncode == 0


def test_one_sigterm_to_run_platform_stops_everything(start_platform):
    run = start_platform()
    run.process.send_signal(signal.SIGTERM)
    _assert_stopped_cleanly(run, "SIGTERM")
    assert run.process.returncode == 0


def test_a_second_signal_while_stopping_neither_hangs_nor_orphans(start_platform):
    run = start_platform()
    os.killpg(run.process.pid, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(run.process.pid, signal.SIGTERM)  # impatient: the whole group again
    seconds = run.wait_gone()
    assert seconds < STOP_LIMIT


def test_workers_do_not_outlive_a_killed_run_platform(start_platform):
    run = start_platform()
    run.process.kill()  # SIGKILL: no handler runs; the kernel signals the workers
    seconds = run.wait_gone()
    assert seconds < STOP_LIMIT


def test_a_taken_port_names_its_holder_and_nothing_starts(platform_env, tmp_path):
    held = int(platform_env["METRICS_PORT_BASE"]) + 4  # voting-banner's /metrics
    with closing(socket.socket()) as holder:
        holder.bind(("127.0.0.1", held))
        holder.listen()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "scripts.run_platform"],
            env=platform_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 4
    assert time.monotonic() - started < 20
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("端口已被占用"), line
    assert f"127.0.0.1:{held} ← pid {os.getpid()}" in line, line
    assert "pytest" in line or "nameko" in line, line  # this process's command line
    assert not (tmp_path / "data").exists(), "nothing may start: not even a migration"
    assert not (tmp_path / "log").exists()


def test_a_worker_given_sigint_and_sigterm_together_exits_at_once(tmp_path, amqp_uri):
    """The hang behind the 16 s stops: nameko's runner, given SIGINT and then SIGTERM within
    0.1 s (a terminal's Ctrl-C plus a supervisor's SIGTERM), waited 30 s and more."""
    metrics = testing.free_port()
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(tmp_path / "data"),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{testing.free_port()}",
        "METRICS_PORT": str(metrics),
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("GATEWAY_DATABASE_URL", None)
    log = open(tmp_path / "gateway.log", "w+")  # noqa: SIM115 - read back below
    process = subprocess.Popen(
        [sys.executable, "-m", "servicekit.runner", "gateway"], env=env, stdout=log, stderr=log
    )
    try:
        testing.wait_until(
            lambda: "启动 gateway" in (tmp_path / "gateway.log").read_text(), 60, 0.2, "start"
        )
        time.sleep(1)  # the containers are up
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(STOP_LIMIT)
        assert time.monotonic() - started < 2
        assert bindable("127.0.0.1", metrics)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
