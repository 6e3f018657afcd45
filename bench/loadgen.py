"""A closed-loop HTTP load generator: N threads, one keep-alive connection each, same POST body.

Run as its own process per measurement (`python -m bench.loadgen '<json spec>'`) so its GIL and
CPU are not the benchmark's; it prints one JSON result line. http.client rather than requests:
a few times less client CPU per request, which matters when client and servers share 2 cores.
The result includes the client's CPU use so a reader can tell whether the client was the limit.
"""

import http.client
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A thread woken by its socket waits up to this long for the GIL; the 5 ms default would add
# convoy latency at 32 threads.
SWITCH_INTERVAL = 0.0005


@dataclass
class Spec:
    url: str
    body: str
    concurrency: int
    warmup: float
    seconds: float
    expect: int = 201
    timeout: float = 30.0


@dataclass
class Samples:
    """One thread's requests: (start, latency seconds, status; 0 means a connection error)."""

    rows: list[tuple[float, float, int]] = field(default_factory=list)


def _connect(spec: Spec) -> http.client.HTTPConnection:
    parts = urlsplit(spec.url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=spec.timeout)


def _one(
    connection: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]
) -> int:
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    response.read()  # drain, so the connection can carry the next request
    return response.status


def _client(spec: Spec, start: threading.Barrier, stop_at: float, out: Samples) -> None:
    path = urlsplit(spec.url).path
    body = spec.body.encode("utf-8")
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    connection = _connect(spec)
    start.wait()
    while (began := time.perf_counter()) < stop_at:
        try:
            status = _one(connection, path, body, headers)
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = _connect(spec)  # count the failure, then carry on with a fresh socket
        out.rows.append((began, time.perf_counter() - began, status))
    connection.close()


def run(spec: Spec) -> dict[str, object]:
    sys.setswitchinterval(SWITCH_INTERVAL)
    start = threading.Barrier(spec.concurrency + 1)
    # The barrier releases all threads together; 50 ms later they are all sending.
    t0 = time.perf_counter() + 0.05
    measure_from = t0 + spec.warmup
    measure_to = measure_from + spec.seconds
    per_thread = [Samples() for _ in range(spec.concurrency)]
    threads = [
        threading.Thread(target=_client, args=(spec, start, measure_to, samples), daemon=True)
        for samples in per_thread
    ]
    for thread in threads:
        thread.start()
    start.wait()
    cpu_before = os.times()
    for thread in threads:
        thread.join()
    cpu_after = os.times()
    return _summary(spec, per_thread, measure_from, measure_to, cpu_before, cpu_after)


def _summary(
    spec: Spec,
    per_thread: list[Samples],
    measure_from: float,
    measure_to: float,
    cpu_before: os.times_result,
    cpu_after: os.times_result,
) -> dict[str, object]:
    # Only requests that started and finished inside the window count: warm-up is excluded and
    # the tail of requests still in flight at the end does not stretch the window.
    window = [
        row
        for samples in per_thread
        for row in samples.rows
        if row[0] >= measure_from and row[0] + row[1] <= measure_to
    ]
    every = [row for samples in per_thread for row in samples.rows]
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    wall = max(measure_to - measure_from + spec.warmup, 1e-9)
    return {
        "requests": len(window),
        "seconds": spec.seconds,
        "latencies_ms": [round(row[1] * 1000, 3) for row in window],
        "unexpected": sum(1 for row in window if row[2] != spec.expect),
        "unexpected_all": sum(1 for row in every if row[2] != spec.expect),  # warm-up included
        "statuses": _status_counts(every),
        "client_cpu": cpu / wall,  # 1.0 = one core busy the whole time
    }


def _status_counts(rows: list[tuple[float, float, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, status in rows:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def main(argv: list[str]) -> int:
    spec = Spec(**json.loads(argv[0]))
    print(json.dumps(run(spec)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
