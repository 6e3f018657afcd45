"""`make run`: migrate, declare queues, start every registered service (one worker process per
service and level, `contracts.registry`) and the gateway, load demo data, print the URL, and
stop everything cleanly on Ctrl-C.

Stopping. Each worker runs in its own session (process group), so the terminal's Ctrl-C, which
signals the whole foreground group, reaches only `make` and this process; this process then
sends each worker exactly one SIGTERM (servicekit.runner stops on it within STOP_GRACE) and
SIGKILLs whatever is left after STOP_WAIT. A SIGTERM to this process does the same; a second
signal while stopping SIGKILLs the workers at once. If this process is killed outright, the
kernel sends each worker SIGTERM (PR_SET_PDEATHSIG, set between fork and exec: nothing the
worker must remember to watch, and no window where it could miss the death), so no worker lives
on holding its port. A pipe each worker watches would also work off Linux, but only once the
worker's own code runs; PDEATHSIG covers a worker still importing or migrating, too. This
process asks the same for itself: if `make` is killed, it stops the stack as on SIGTERM.

Starting. The broker must answer and every port (the gateway's WEB_SERVER_ADDRESS, the workers'
METRICS_PORT_BASE…) must be free, else one line says which process holds which port and nothing
is started. This process is not monkey-patched (it imports servicekit.startup, not the runner).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from contextlib import suppress
from types import FrameType

from contracts import registry
from servicekit import config, topology
from servicekit.migrate import upgrade_service
from servicekit.startup import (
    BROKER_HELP,
    broker_reachable,
    die_with_parent,
    parent_death_signal,
    split_address,
    taken_ports_message,
)

from scripts import demo_data, demo_petition, demo_projects, demo_supervision

# Seconds between the one SIGTERM and SIGKILL: above the runner's STOP_GRACE (3 s), below the
# 5 s a stop may take in all.
STOP_WAIT = 4.0
PORTS_TAKEN = 4
CONFIG_REFUSED = 5  # as servicekit.runner: a setting nothing can start without
DEV_SIGNING = (
    "  开发模式 MINSHENG_DEV=1：未设置 TOKEN_SECRET，令牌以公开的开发密钥签名，切勿用于生产 "
    "(development mode: tokens signed with the published development secret; never deploy)"
)
SECRET_SIGNING = "  令牌签名密钥：TOKEN_SECRET (tokens signed with your TOKEN_SECRET)"


def signing_mode() -> str:
    """`make run` is a developer's command: without TOKEN_SECRET its children run with
    MINSHENG_DEV=1 (the development secret, which the banner says); a TOKEN_SECRET that is
    set must be a real one, else servicekit.config.ConfigError before anything starts.
    Returns the banner's line."""
    if os.environ.get("TOKEN_SECRET"):
        config.token_secret()
        config.identity_key()  # and the keys every worker derives: one line here, not 4 exits
        config.event_key()
        return SECRET_SIGNING
    os.environ[config.DEV_FLAG] = "1"  # inherited by every child started below
    return DEV_SIGNING


def business_clock() -> str | None:
    """The banner's line when MINSHENG_TODAY runs the stack at a made-up business date; a
    ConfigError (one line, nothing started) when it is set outside development, where every
    worker would refuse it."""
    today = config.dev_today()
    if today is None:
        return None
    return (
        f"  开发时钟 MINSHENG_TODAY={today}：实施服务按此日期办理报送、拨付、验收、催办与预警，"
        f"信访代办按此日期计算办理时限与催办 "
        f"(development clock: implementation's and petition's business date is {today})"
    )


def start(name: str, args: list[str], extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MIGRATE": "0", **extra_env}
    log_dir = config.data_dir().parent / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child's lifetime
    return subprocess.Popen(
        [sys.executable, "-W", "ignore", *args],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # the terminal's Ctrl-C is for us, not for each worker
        preexec_fn=die_with_parent(signal.SIGTERM),  # no threads run here yet
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


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # the worker leads its own group


def stop(processes: dict[str, subprocess.Popen[bytes]], wait: float = STOP_WAIT) -> None:
    """One SIGTERM to each worker, then SIGKILL to what is left after `wait` seconds, or at
    once on another SIGINT/SIGTERM; returns when every worker has been reaped."""
    again: list[int] = []

    def hurry(signum: int, _frame: FrameType | None) -> None:
        again.append(signum)

    signal.signal(signal.SIGINT, hurry)
    signal.signal(signal.SIGTERM, hurry)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + wait
    while not again and time.monotonic() < deadline:
        if all(process.poll() is not None for process in processes.values()):
            break
        time.sleep(0.05)
    for name, process in processes.items():
        if process.poll() is None:
            print(f"强制结束 (killing) {name} pid {process.pid}", file=sys.stderr)
            _kill_group(process)
    for process in processes.values():
        process.wait()


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


def ports(address: str, metrics_base: int) -> list[tuple[str, int]]:
    """Every port `make run` listens on: the gateway's, then one /metrics port per worker."""
    metrics_host = config.env("METRICS_ADDR", "127.0.0.1")
    count = registry.METRICS_PORTS
    return [
        split_address(address),
        *((metrics_host, port) for port in range(metrics_base, metrics_base + count)),
    ]


def preflight(address: str, metrics_base: int) -> tuple[str, int] | None:
    """The one line and the exit status when nothing can start: no broker, a port taken."""
    uri = config.env("AMQP_URI", config.DEFAULT_AMQP_URI)
    if not broker_reachable(uri):
        return BROKER_HELP.format(uri=uri.split("@")[-1]), 3
    taken = taken_ports_message(
        ports(address, metrics_base), "设置 WEB_SERVER_ADDRESS / METRICS_PORT_BASE"
    )
    return (taken, PORTS_TAKEN) if taken else None


def main() -> int:
    # Stop the stack (SIGTERM, as from make) if whoever started us dies, even by SIGKILL.
    parent = os.getppid()
    if not parent_death_signal(signal.SIGTERM, parent) and os.getppid() != parent:
        return 1  # already gone
    address = config.env("WEB_SERVER_ADDRESS", "127.0.0.1:8000")
    base_url = f"http://{address}"
    metrics_base = int(config.env("METRICS_PORT_BASE", "9101"))
    try:
        signing = signing_mode()
        clock = business_clock()
    except config.ConfigError as exc:
        print(exc, file=sys.stderr)
        return CONFIG_REFUSED
    refused = preflight(address, metrics_base)
    if refused:
        print(refused[0], file=sys.stderr)
        return refused[1]
    for service in registry.SERVICES:
        upgrade_service(service.name)
    topology.main([])
    processes: dict[str, subprocess.Popen[bytes]] = {}
    # From the first child on, a signal unwinds into `finally: stop(...)`; `stop` installs
    # its own handlers, so a second signal cannot interrupt the stop itself.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        processes.update(start_workers(metrics_base))
        processes["gateway"] = start(
            "gateway", ["-m", "servicekit.runner", "gateway"], {"WEB_SERVER_ADDRESS": address}
        )
        wait_ready(base_url, processes)
        accounts, changed = demo_data.ensure_accounts()
        created = demo_data.ensure_notices(base_url)
        voting = demo_data.ensure_voting(base_url, demo_data.DEMO_DEPUTY in changed)
        notes = [projects_line(demo_projects.ensure_projects(base_url)), *filter(None, [clock])]
        notes += petition_lines(demo_petition.ensure_petition(base_url))
        notes += demo_supervision.banner_lines(demo_supervision.ensure_supervision(base_url))
        print_banner(base_url, accounts, created, voting, metrics_base, processes, signing, notes)
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
    processes: dict[str, subprocess.Popen[bytes]],
    signing: str,
    notes: Sequence[str] = (),
) -> None:
    last_port = metrics_base + registry.METRICS_PORTS - 1
    print(f"\n民生实事平台已启动 (Minsheng is up): {base_url}", flush=True)
    print(f"  OpenAPI: {base_url}/api/v1/openapi.json   健康: {base_url}/api/v1/health")
    print(f"  指标 metrics: {base_url}/metrics, 127.0.0.1:{metrics_base}-{last_port}/metrics")
    board = demo_projects.TOWN[:6]  # the demo town's banner: its board shows the demo projects
    print(
        f"  页面 (pages): 群众首页 {base_url}/ · 代表工作台 {base_url}/w · 选票 {base_url}/b · "
        f"议事台 {base_url}/desk · 进度公示 {base_url}/board/{board}"
    )
    print(f"{signing}\n  新建征集公告 {created} 条 (notices created)")
    rules, deputies = voting
    print(
        f"  新建票决办法 {rules} 项、演示代表 {deputies} 名 (voting rules, demo deputies created)"
    )
    print("  演示账号 (demo accounts — development only):")
    for username, role, area, name, password in accounts:
        print(f"    {username:<8} {password:<20} {role:<17} {area:<10} {name}")
    town = f"{demo_data.ROSTER_AREA} 名册 {demo_data.DEMO_DEPUTIES} 名演示代表"
    print(
        f"  票决演示 (voting demo): {town}，{demo_data.DEMO_DEPUTY} 即 DEMO-001；"
        "renda、jipiao 为两名计票人，jiandu 为监票人"
    )
    pids = ", ".join(f"{name} {process.pid}" for name, process in processes.items())
    for note in notes:
        print(note)
    print(f"  进程 (pid): {pids}; 日志 logs: var/log/")
    print("  按 Ctrl-C 停止 (Ctrl-C stops everything)", flush=True)
    print("READY", flush=True)


def projects_line(made: demo_projects.DemoProjects | None) -> str:
    """The banner's line about the demo town's projects (scripts.demo_projects)."""
    head = "  实施演示 (implementation demo): 薛家湾镇"
    if made is None:
        return f"{head}已有项目，未新建 (the town has projects: none added)"
    count, reports, warnings = len(made.titles), made.reports, made.open_warnings
    return (
        f"{head} {made.year} 年票决项目 {count} 个，任务分解方案、调度报告 {reports} 份、"
        f"预算与拨付（含旗区专项）、资金预警 {warnings} 条；{demo_projects.FINANCE} 为财政所 "
        f"({count} elected projects: plans, {reports} reports, funds, {warnings} open warning)"
    )


def petition_lines(made: demo_petition.DemoPetition) -> list[str]:
    """The banner's lines about petition's demo (scripts.demo_petition): the demo deputy's
    resident page (what the QR code encodes) and the files written for printing."""
    head = f"  信访代办演示 (petition demo): 薛家湾镇代表 {made.deputy}（{demo_petition.DEPUTY}）"
    tiers = (
        f"新建事项 {len(made.matters)} 件（首接、分流、联合、上报、待受理、已评价）"
        if made.created
        else "已有代表，未新建 (the town has deputies: none added)"
    )
    return [
        f"{head}，{tiers}",
        f"    代表码 {made.code} 群众页面 (resident page, the QR code's URL): {made.url}",
        f"    海报与二维码 (poster, QR): {', '.join(str(f) for f in made.files)}",
    ]


if __name__ == "__main__":
    sys.exit(main())
