"""The platform exactly as `make run` starts it (scripts.run_platform), on PostgreSQL: shared
by the e2e tier (one per module) and the browser tier (one for the whole tier)."""

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from contracts import registry
from servicekit import testing


class PlatformFailed(AssertionError):
    """`make run` did not get ready, or did not stop (a test's failure, a benchmark's exit)."""


@dataclass
class RunningPlatform:
    base_url: str
    env: dict[str, str]
    output: list[str]
    process: subprocess.Popen[str]

    def create_account(self, username: str, role: str, area: str, password: str) -> dict[str, str]:
        """An account made as an operator makes one (`python -m gateway.cli create-account`,
        the password from MINSHENG_NEW_PASSWORD), then logged in: its headers."""
        command = ["create-account", "--username", username, "--role", role, "--area", area]
        made = subprocess.run(
            [sys.executable, "-m", "gateway.cli", *command],
            env={**self.env, "MINSHENG_NEW_PASSWORD": password},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        return self.login(username, password)

    def printed(self, pattern: "re.Pattern[str]") -> "re.Match[str] | None":
        """The first line of the banner that matches."""
        for line in self.output:
            match = pattern.search(line.rstrip("\n"))
            if match:
                return match
        return None

    def login(self, username: str, password: str) -> dict[str, str]:
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token",
            json={"username": username, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@contextmanager
def running(
    data_dir: Path, amqp_uri: str, pg, prefix: str, extra: dict[str, str]
) -> Iterator[RunningPlatform]:
    """`make run` on PostgreSQL (a database per service from `pg`, named `prefix_<service>`),
    or with `pg` None on its SQLite default under data_dir, as `make run` itself."""
    port = testing.free_port()
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(data_dir),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",  # the QR codes open these pages
        "METRICS_PORT_BASE": str(testing.free_port_run(registry.METRICS_PORTS)),
        # Every registered database on PostgreSQL (a new service's too).
        **{
            f"{name.upper()}_DATABASE_URL": pg.create(f"{prefix}_{name}")
            for name in (registry.databases() if pg is not None else ())
        },
        "RATE_LIMIT_PUBLIC": "1000/60",
        "RATE_LIMIT_LOGIN_CLIENT": "100000/60",  # every journey's logins come from this one address
        "PYTHONWARNINGS": "ignore",
        **extra,
    }
    if pg is None:
        for name in registry.databases():
            env.pop(f"{name.upper()}_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.run_platform"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            output.append(line)
            if line.strip() == "READY":
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(180):
        process.kill()
        raise PlatformFailed("make run did not get ready:\n" + "".join(output))
    yield RunningPlatform(f"http://127.0.0.1:{port}", env, output, process)
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise PlatformFailed("make run did not stop within 30 s of SIGTERM") from None
