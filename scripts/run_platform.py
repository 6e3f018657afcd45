"""`make run`: migrate, declare queues, start every registered service (one worker process per
service and level, `contracts.registry`) and the gateway, load demo data, print the URL, and
stop everything cleanly on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from contracts import registry
from servicekit import config, topology
from servicekit.migrate import upgrade_service
from servicekit.runner import BROKER_HELP, broker_reachable

from scripts import demo_data


def start(name: str, args: list[str], extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MIGRATE": "0", **extra_env}
    log_dir = config.data_dir().parent / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
    return subprocess.Popen(
        [sys.executable, "-W", "ignore", *args], env=env, stdout=log, stderr=log
    )


def wait_ready(
    base_url: str, processes: dict[str, subprocess.Popen[bytes]], seconds: float = 90
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see var/log/{name}.log"
                )
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=2) as response:
                if b'"status": "ok"' in response.read():
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("platform did not become healthy in time; see var/log/")


def stop(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def start_workers(metrics_base: int) -> dict[str, subprocess.Popen[bytes]]:
    """One process per service and level, each serving /metrics on its own port."""
    return {
        f"{service.name}-{level}": start(
            f"{service.name}-{level}",
            ["-m", "servicekit.runner", service.name],
            {
                "WORKER_LEVEL": level,
                "METRICS_PORT": str(metrics_base + registry.metrics_offset(service.name, level)),
            },
        )
        for service in registry.WORKERS
        for level in registry.START_ORDER
    }


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    uri = config.env("AMQP_URI", config.DEFAULT_AMQP_URI)
    if not broker_reachable(uri):
        print(BROKER_HELP.format(uri=uri.split("@")[-1]), file=sys.stderr)
        return 3
    address = config.env("WEB_SERVER_ADDRESS", "127.0.0.1:8000")
    base_url = f"http://{address}"
    metrics_base = int(config.env("METRICS_PORT_BASE", "9101"))
    for service in registry.SERVICES:
        upgrade_service(service.name)
    topology.main([])
    processes = start_workers(metrics_base)
    processes["gateway"] = start(
        "gateway", ["-m", "servicekit.runner", "gateway"], {"WEB_SERVER_ADDRESS": address}
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_ready(base_url, processes)
        accounts = demo_data.ensure_accounts()
        created = demo_data.ensure_notices(base_url)
        voting = demo_data.ensure_voting(base_url)
        print_banner(base_url, accounts, created, voting, metrics_base)
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        dead = [name for name, p in processes.items() if p.poll() is not None]
        print(f"进程已退出 (process exited): {', '.join(dead)}; see var/log/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n正在停止… (stopping)")
        return 0
    except RuntimeError as exc:
        print(f"启动失败 (start failed): {exc}", file=sys.stderr)
        return 1
    finally:
        stop(processes)


def print_banner(
    base_url: str,
    accounts: list[tuple[str, str, str, str, str]],
    created: int,
    voting: tuple[int, int],
    metrics_base: int,
) -> None:
    last_port = metrics_base + len(registry.WORKERS) * len(registry.START_ORDER) - 1
    print(f"\n民生实事平台已启动 (Minsheng is up): {base_url}", flush=True)
    print(f"  OpenAPI: {base_url}/api/v1/openapi.json   健康: {base_url}/api/v1/health")
    print(f"  指标 metrics: {base_url}/metrics, 127.0.0.1:{metrics_base}-{last_port}/metrics")
    print(f"  新建征集公告 {created} 条 (notices created)")
    rules, deputies = voting
    print(
        f"  新建票决办法 {rules} 项、演示代表 {deputies} 名 (voting rules, demo deputies created)"
    )
    print("  演示账号 (demo accounts — development only):")
    for username, role, area, name, password in accounts:
        print(f"    {username:<8} {password:<20} {role:<17} {area:<10} {name}")
    print("  按 Ctrl-C 停止 (Ctrl-C stops everything)", flush=True)
    print("READY", flush=True)


if __name__ == "__main__":
    sys.exit(main())
