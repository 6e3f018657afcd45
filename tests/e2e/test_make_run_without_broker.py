"""`make run` with no broker says so in one line and exits: no hang, no traceback."""

import os
import subprocess
import sys
import time

from servicekit import testing


def test_an_unreachable_broker_is_one_clear_line(tmp_path):
    port = testing.free_port()  # nothing listens there
    env = {
        **os.environ,
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{port}/",
        "DATA_DIR": str(tmp_path),
    }
    env["PYTHONWARNINGS"] = "ignore"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "scripts.run_platform"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert time.monotonic() - started < 20
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "RabbitMQ" in lines[0] and "rabbitmq-server" in lines[0] and "Traceback" not in lines[0]
