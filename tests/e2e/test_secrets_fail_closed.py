"""The gateway refuses to start without a real signing secret (a token forged with the
published development secret was accepted as admin), unless MINSHENG_DEV=1."""

import os
import subprocess
import sys

import pytest
import requests
from servicekit import testing


def gateway_env(tmp_path, amqp_uri, **extra):
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(tmp_path / "data"),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{testing.free_port()}",
        "PYTHONWARNINGS": "ignore",
    }
    for name in ("TOKEN_SECRET", "MINSHENG_DEV", "GATEWAY_DATABASE_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


RUNNER = [sys.executable, "-m", "servicekit.runner", "gateway"]


@pytest.mark.parametrize("secret", [None, "x" * 31], ids=["missing", "31 bytes"])
def test_the_runner_exits_5_with_one_line_when_the_secret_is_missing_or_short(
    tmp_path, amqp_uri, secret
):
    extra = {"TOKEN_SECRET": secret} if secret else {}
    done = subprocess.run(
        RUNNER,
        env=gateway_env(tmp_path, amqp_uri, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 5, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [lines[-1]] and lines[0].startswith("TOKEN_SECRET 未设置或不足 32 字节")
    assert not (tmp_path / "data").exists()  # refused before migrating anything


def test_the_runner_starts_in_development_mode_with_the_loud_warning(tmp_path, amqp_uri):
    env = gateway_env(tmp_path, amqp_uri, MINSHENG_DEV="1")
    log_path = tmp_path / "gateway.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(RUNNER, env=env, stdout=log, stderr=log)
    try:
        url = f"http://{env['WEB_SERVER_ADDRESS']}/api/v1/health"
        testing.wait_until(lambda: _answers(url), 60, 0.2, "the gateway answering")
        assert "正在使用公开的开发用签名密钥" in log_path.read_text()
    finally:
        process.terminate()
        process.wait(20)


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code in (200, 503)
    except requests.RequestException:
        return False
