"""The platform as the benchmarks run it: a private vhost, a temporary DATA_DIR (SQLite), one
collection worker per level and the gateway as separate processes (servicekit.testing.Platform,
as `make run` starts them), demo accounts and notices; and everything stopped afterwards."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from contracts import registry
from servicekit import testing

LEVELS = ("township", "banner", "city")
STOP_GRACE_SECONDS = 20


class StackFailed(RuntimeError):
    """The platform or a baseline did not come up: the benchmarks exit with status 1."""


def interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM takes the same cleanup path as Ctrl-C


def run_main(body: Callable[[], object], failures: tuple[type[BaseException], ...] = ()) -> int:
    """A benchmark's main around `body`: SIGTERM and Ctrl-C end it cleanly (its `finally`
    blocks stop the stack), and a stack that failed, or one of `failures`, ends it with status
    1 and why."""
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        body()
    except (StackFailed, *failures) as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    return 0


@contextmanager
def vhost() -> Iterator[testing.Vhost]:
    host = testing.Vhost()
    try:
        try:
            host.create()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            raise StackFailed(f"cannot create a RabbitMQ vhost: {exc}") from exc
        yield host
    finally:
        host.delete()  # also after a half-done create or a Ctrl-C inside rabbitmqctl


@contextmanager
def data_dir() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="minsheng-bench-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_platform(amqp_uri: str, folder: str, env: dict[str, str]) -> testing.Platform:
    # The SQLite default: a DATABASE_URL inherited from the shell would point elsewhere.
    for name in registry.databases():
        os.environ.pop(f"{name.upper()}_DATABASE_URL", None)
    # The children sign with the test secret; this process signs the events it injects
    # (a frozen candidate list) with the key they derive from it.
    os.environ.setdefault("TOKEN_SECRET", testing.TEST_TOKEN_SECRET)
    return testing.Platform(
        amqp_uri, os.path.join(folder, "data"), {"RATE_LIMIT_PUBLIC": "1000000000/60", **env}
    )


def start_platform(platform: testing.Platform) -> None:
    try:
        platform.prepare()
    except subprocess.CalledProcessError as exc:
        raise StackFailed(
            f"migrate/topology failed: {exc.stderr.decode(errors='replace')[-2000:]}"
        ) from exc
    for level in LEVELS:  # one process per level, as `make run` does
        platform.start_worker(level)
    platform.start_gateway()


def wait_platform(platform: testing.Platform) -> None:
    """Levels up, then the demo accounts and one open notice per area of the areas file."""
    try:
        platform.wait_levels(*LEVELS, seconds=90)
    except AssertionError as exc:
        raise StackFailed(f"gateway/collection workers not up: {exc}") from exc
    # demo_data reads DATA_DIR (and AREAS_FILE) from this process's environment.
    os.environ["DATA_DIR"] = platform.data_dir
    with warnings.catch_warnings():  # eventlet's deprecation notice, via gateway -> nameko
        warnings.simplefilter("ignore")
        from scripts import demo_data

    demo_data.ensure_accounts()
    demo_data.ensure_notices(platform.base_url)


def print_logs(folder: str) -> None:
    for log in sorted(Path(folder).rglob("*.log")):
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        print(f"---- {log.name} (tail) ----\n{tail}", file=sys.stderr)


def stop(processes: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to every process at once (each shuts down gracefully in parallel), then SIGKILL
    whatever is still running after the grace period; all by the PIDs we started."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc (Linux); 0.0 where /proc is not available."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int) -> dict[str, int]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in KiB, from /proc."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0])
    except OSError:
        pass
    return found
