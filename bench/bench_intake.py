"""Public proposal intake through the gateway against a bare nameko HTTP -> RPC echo baseline.

    python -m bench.bench_intake            # 10 s per point at 1, 8 and 32 clients
    python -m bench.bench_intake --quick    # 3 s per point
    python -m bench.bench_intake --seconds 20 --concurrency 1,16

Starts everything itself on 127.0.0.1: a private vhost on the machine's RabbitMQ, a temp DATA_DIR
(SQLite), migrations, one collection worker per level and the gateway as separate processes
(servicekit.testing.Platform, as `make run` does), demo accounts and notices, and the echo
baseline (bench/echo_service.py under `nameko run`). Each point is measured by a separate load
generator process (bench/loadgen.py), alternating targets gateway, echo, echo, gateway so
background noise lands on both. Targets per row: gateway throughput >= 0.6x echo and gateway
p99 <= 1.5x echo p99. Under the table, each server process's CPU ms per request (from /proc):
on a shared machine req/s swings with other load, CPU per request hardly does.
Exit status is 0 whatever the numbers say, 1 when the stack did not start, 130 on Ctrl-C.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from servicekit import testing

from bench.stack import (
    StackFailed,
    cpu_seconds,
    data_dir,
    interrupt,
    new_platform,
    print_logs,
    start_platform,
    stop,
    vhost,
    wait_platform,
)

REPO = Path(__file__).resolve().parent.parent
AREA = "150602001"  # 林荫街道 (a street: township level)
THROUGHPUT_TARGET = 0.6  # gateway req/s >= 0.6 x echo req/s
P99_TARGET = 1.5  # gateway p99 <= 1.5 x echo p99
# Pins the workers of the gateway (GATEWAY_MAX_WORKERS, 128 by default), the services
# (MAX_WORKERS) and the echo baseline (nameko's own default is 10) to one number, so both sides
# may run the same number of requests at once, as in every figure measured so far.
MAX_WORKERS = 32

PROPOSAL = {
    "title": "建设路社区老旧住宅加装电梯",
    "description": (
        "林荫街道建设路社区有十二栋六层住宅建于上世纪九十年代，没有电梯，六十岁以上住户占四成，"
        "老人上下楼、看病取药十分困难。建议统筹财政补贴和居民自筹资金，为符合条件的单元加装电梯，"
        "同步改造楼道照明、扶手和单元门禁，并在施工期间做好停车和噪音管理。"
    ),
    "category": "老旧小区改造",
    "area_code": AREA,
    "channel": "online",
    "location": {"text": "东胜区林荫街道建设路社区", "lat": 39.8168, "lng": 109.9781},
    "estimated_cost_fen": 360_000_000,
    "beneficiaries": 1200,
    "submitter_name": "王秀兰",
    "submitter_phone": "13904770000",
}
BODY = json.dumps(PROPOSAL, ensure_ascii=False)


# ---- the stack ------------------------------------------------------------------------------
@dataclass
class Stack:
    platform: testing.Platform
    echo_process: subprocess.Popen[bytes]
    echo_url: str

    @property
    def gateway_url(self) -> str:
        return f"{self.platform.base_url}/api/v1/proposals"

    def processes(self) -> dict[str, subprocess.Popen[bytes]]:
        return {**self.platform.processes, "echo": self.echo_process}


@dataclass
class RouteStack(Stack):
    """A Stack aimed at another public POST route of the gateway (`path`), with its `body`."""

    path: str = "/api/v1/proposals"
    body: str = BODY

    @property
    def gateway_url(self) -> str:
        return f"{self.platform.base_url}{self.path}"


def start_echo(
    amqp_uri: str, folder: str, module: str = "bench.echo_service"
) -> tuple[subprocess.Popen[bytes], str]:
    port = testing.free_port()
    config = os.path.join(folder, "echo.yaml")
    with open(config, "w", encoding="utf-8") as handle:
        # JSON is YAML; the AMQP URI has no characters YAML would misread inside quotes.
        json.dump(
            {
                "AMQP_URI": amqp_uri,
                "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                "max_workers": MAX_WORKERS,
            },
            handle,
        )
    log = open(os.path.join(folder, "echo.log"), "ab")  # noqa: SIM115 - the child's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", "nameko", "run", module, "--config", config],
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        stdout=log,
        stderr=log,
    )
    return process, f"http://127.0.0.1:{port}/echo"


def post_body(url: str, timeout: float) -> requests.Response:
    return requests.post(
        url, data=BODY.encode(), headers={"Content-Type": "application/json"}, timeout=timeout
    )


def wait_echo(process: subprocess.Popen[bytes], url: str, seconds: float = 60) -> None:
    def answers() -> bool:
        if process.poll() is not None:
            raise StackFailed(f"echo baseline exited with {process.returncode}")
        try:
            return post_body(url, 2).status_code == 201
        except requests.RequestException:
            return False

    try:
        testing.wait_until(answers, seconds, 0.2, "echo baseline")
    except AssertionError as exc:
        raise StackFailed(str(exc)) from exc


def check_submission(url: str) -> None:
    """One real submission before measuring: a refusal here would make every number meaningless."""
    response = post_body(url, 30)
    if response.status_code != 201:
        raise StackFailed(
            f"proposal submission refused: {response.status_code} {response.text[:500]}"
        )


@contextmanager
def stack() -> Iterator[Stack]:
    """Everything up, yielded, and every process and the vhost gone afterwards, whatever happens."""
    with vhost() as host, data_dir() as folder:
        platform = new_platform(
            host.uri,
            folder,
            {"MAX_WORKERS": str(MAX_WORKERS), "GATEWAY_MAX_WORKERS": str(MAX_WORKERS)},
        )
        echo: subprocess.Popen[bytes] | None = None
        try:
            try:
                start_platform(platform)
                echo, echo_url = start_echo(host.uri, folder)
                wait_platform(platform)
                wait_echo(echo, echo_url)
                running = Stack(platform, echo, echo_url)
                check_submission(running.gateway_url)
            except StackFailed:
                print_logs(folder)
                raise
            except (OSError, RuntimeError, requests.RequestException) as exc:
                print_logs(folder)
                raise StackFailed(f"{type(exc).__name__}: {exc}") from exc
            yield running
        finally:
            stop([*platform.processes.values(), *([echo] if echo is not None else [])])
            platform.processes.clear()


# ---- measuring ------------------------------------------------------------------------------
@dataclass
class Point:
    """One target at one concurrency, merged over its slices."""

    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    unexpected: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    client_cpu: list[float] = field(default_factory=list)
    server_cpu: dict[str, float] = field(default_factory=dict)  # seconds, per process

    def add(self, result: dict, server_cpu: dict[str, float]) -> None:
        self.requests += result["requests"]
        self.seconds += result["seconds"]
        self.latencies_ms += result["latencies_ms"]
        self.unexpected += result["unexpected_all"]
        for status, count in result["statuses"].items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.client_cpu.append(result["client_cpu"])
        for name, seconds in server_cpu.items():
            self.server_cpu[name] = self.server_cpu.get(name, 0.0) + seconds

    def cpu_ms_per_request(self) -> dict[str, float]:
        """Server CPU per request (warm-up included): unlike req/s, barely moved by other load."""
        sent = sum(self.statuses.values())
        return {name: 1000 * seconds / sent for name, seconds in self.server_cpu.items() if sent}

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Nearest rank: p99 of 100 samples is the 99th smallest, a latency actually observed."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


def run_loadgen(
    url: str, concurrency: int, warmup: float, seconds: float, body: str = BODY
) -> dict:
    spec = {
        "url": url,
        "body": body,
        "concurrency": concurrency,
        "warmup": warmup,
        "seconds": seconds,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", json.dumps(spec, ensure_ascii=False)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=warmup + seconds + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(
    running: Stack, concurrency: int, warmup: float, seconds: float, rounds: int, body: str = BODY
) -> dict[str, Point]:
    """ABBA order (gateway, echo, echo, gateway, ...): drift in the machine's load cancels out.
    `running`: anything with gateway_url, echo_url and processes() (bench.bench_petition too);
    both targets get the same `body`."""
    urls = {"gateway": running.gateway_url, "echo": running.echo_url}
    points = {"gateway": Point(), "echo": Point()}
    for round_ in range(rounds):
        order = ("gateway", "echo") if round_ % 2 == 0 else ("echo", "gateway")
        for target in order:
            pids = {name: p.pid for name, p in running.processes().items()}
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            result = run_loadgen(urls[target], concurrency, warmup, seconds / rounds, body)
            used = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
            points[target].add(result, used)
            rps = result["requests"] / result["seconds"]
            print(
                f"  c={concurrency:<3} {target:<7} slice {round_ + 1}/{rounds}: {rps:8.1f} req/s, "
                f"client cpu {result['client_cpu']:.2f}",
                flush=True,
            )
    return points


def against_echo(
    running: Stack, title: str, clients: int, slices: tuple[float, float, int], body: str
) -> float:
    """One public route against the echo at `clients`, (warm-up, seconds, rounds) in ABBA
    slices, the same body to both: the table, the ratio and each side's CPU per request."""
    warmup, seconds, rounds = slices
    points = measure(running, clients, warmup, seconds, rounds, body)
    gateway, echo = points["gateway"], points["echo"]
    print(
        f"\n{title} via gateway vs bare nameko echo, {clients} clients, {seconds:g} s per target "
        f"in {rounds} slices (ABBA) after {warmup:g} s warm-up each; latencies in ms"
    )
    print(HEADER)
    print("-" * len(HEADER))
    print(row(clients, gateway, echo))
    ratio = gateway.rps / echo.rps if echo.rps else float("nan")
    print(
        f"throughput ratio {ratio:.2f} (target >= {THROUGHPUT_TARGET}): "
        f"{verdict(ratio >= THROUGHPUT_TARGET)}"
    )
    for target, point in points.items():
        print(f"  {target:<7} server cpu ms/request: {cpu_breakdown(point)}")
    odd = {k: v for k, v in gateway.statuses.items() if k != "201"}
    if odd:
        print(f"  gateway non-201 statuses: {odd}")
    return ratio


def exited(running: Stack) -> list[str]:
    return [name for name, process in running.processes().items() if process.poll() is not None]


# ---- reporting ------------------------------------------------------------------------------
HEADER = (
    f"{'conc':>4} | {'gw req/s':>8} | {'echo req/s':>10} | {'tput ratio':>10} | {'gw p50':>7} | "
    f"{'gw p99':>7} | {'echo p50':>8} | {'echo p99':>8} | {'p99 ratio':>9} | "
    f"{'tput>=0.6':>9} | {'p99<=1.5':>8} | {'non-201 gw/echo':>15}"
)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def row(concurrency: int, gateway: Point, echo: Point) -> str:
    tput_ratio = gateway.rps / echo.rps if echo.rps else float("nan")
    p99_ratio = gateway.percentile(0.99) / echo.percentile(0.99)
    return (
        f"{concurrency:>4} | {gateway.rps:>8.1f} | {echo.rps:>10.1f} | {tput_ratio:>10.2f} | "
        f"{gateway.percentile(0.5):>7.1f} | {gateway.percentile(0.99):>7.1f} | "
        f"{echo.percentile(0.5):>8.1f} | {echo.percentile(0.99):>8.1f} | {p99_ratio:>9.2f} | "
        f"{verdict(tput_ratio >= THROUGHPUT_TARGET):>9} | {verdict(p99_ratio <= P99_TARGET):>8} | "
        f"{f'{gateway.unexpected}/{echo.unexpected}':>15}"
    )


def cpu_breakdown(point: Point) -> str:
    # Processes that did (almost) nothing for this target are left out.
    busy = {name: ms for name, ms in point.cpu_ms_per_request().items() if ms >= 0.05}
    parts = [f"{name} {ms:.2f}" for name, ms in sorted(busy.items(), key=lambda kv: -kv[1])]
    return f"{', '.join(parts) or 'n/a'} (total {sum(busy.values()):.2f}; broker not counted)"


def report(
    results: dict[int, dict[str, Point]], seconds: float, warmup: float, load_before: float
) -> None:
    print(
        f"\nPOST /api/v1/proposals (area {AREA} 林荫街道, online) via gateway vs bare nameko echo "
        f"(HTTP -> RpcProxy -> RPC); {seconds:g} s measured per point after {warmup:g} s warm-up "
        "per slice; latencies in ms"
    )
    print(HEADER)
    print("-" * len(HEADER))
    for concurrency, points in results.items():
        print(row(concurrency, points["gateway"], points["echo"]))
    print(
        f"targets: gateway throughput >= {THROUGHPUT_TARGET}x echo, "
        f"gateway p99 <= {P99_TARGET}x echo p99, non-201 responses = 0"
    )
    for concurrency, points in results.items():
        for target, point in points.items():
            odd = {status: n for status, n in point.statuses.items() if status != "201"}
            cpu = max(point.client_cpu)
            note = f"  non-201 statuses {odd}" if odd else ""
            print(
                f"  c={concurrency:<3} {target:<7} client {cpu:.2f} core (max slice) | "
                f"server cpu ms/request: {cpu_breakdown(point)}{note}"
            )
    total = sum(p.unexpected for points in results.values() for p in points.values())
    flag = "" if total == 0 else "  <-- should be 0"
    print(f"non-201 responses (warm-up included): {total}{flag}")
    # Other work on the machine shifts both columns; a high load average says "rerun".
    print(
        f"1-min load average: {load_before:.2f} when up, {os.getloadavg()[0]:.2f} at the end "
        f"({os.cpu_count()} CPUs)"
    )


# ---- main -----------------------------------------------------------------------------------
def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_intake", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--seconds", type=float, default=10.0, help="measured s per point")
    parser.add_argument("--quick", action="store_true", help="3 s per point")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up s per slice")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--rounds", type=int, default=2, help="slices per target, alternated ABBA")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 3.0
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGTERM, interrupt)
    # Python leaves SIGINT ignored when started in the background by a non-interactive shell;
    # Ctrl-C / kill -INT should still clean up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("starting: vhost, migrations, workers, gateway, demo data, echo baseline…", flush=True)
    try:
        with stack() as running:
            load_before = os.getloadavg()[0]
            print(f"up: gateway {running.platform.base_url}, echo {running.echo_url}", flush=True)
            results = {
                c: measure(running, c, args.warmup, args.seconds, args.rounds)
                for c in args.concurrency
            }
            dead = exited(running)
            report(results, args.seconds, args.warmup, load_before)
            if dead:
                print(f"WARNING: exited during the run: {', '.join(dead)}", file=sys.stderr)
    except StackFailed as exc:
        print(f"stack failed to start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
