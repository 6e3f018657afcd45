"""The platform exactly as `make run` starts it (scripts.run_platform), on PostgreSQL."""

import os
import subprocess
import sys
import threading
from dataclasses import dataclass

import pytest
import requests
from contracts import registry
from servicekit import testing


@dataclass
class RunningPlatform:
    base_url: str
    env: dict[str, str]
    output: list[str]
    process: subprocess.Popen[str]

    def login(self, username: str, password: str) -> dict[str, str]:
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token",
            json={"username": username, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def make_run_env() -> dict[str, str]:
    """More environment for a module's `make run` (a module overrides this fixture): e.g.
    test_township_year's development clock."""
    return {}


@pytest.fixture(scope="module")
def make_run(tmp_path_factory, amqp_uri, pg, make_run_env):
    port = testing.free_port()
    data_dir = tmp_path_factory.mktemp("make-run") / "data"
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(data_dir),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "METRICS_PORT_BASE": str(testing.free_port_run(registry.METRICS_PORTS)),
        # Every registered database on PostgreSQL (a new service's too).
        **{
            f"{name.upper()}_DATABASE_URL": pg.create(f"e2e_{name}")
            for name in registry.databases()
        },
        "RATE_LIMIT_PUBLIC": "1000/60",
        "RATE_LIMIT_LOGIN_CLIENT": "100000/60",  # every journey's logins come from this one address
        "PYTHONWARNINGS": "ignore",
        **make_run_env,
    }
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
    if not ready.wait(120):
        process.kill()
        pytest.fail("make run did not get ready:\n" + "".join(output))
    yield RunningPlatform(f"http://127.0.0.1:{port}", env, output, process)
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("make run did not stop within 30 s of SIGTERM")
