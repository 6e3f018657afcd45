"""A burst of POSTs released together, one OS thread and one new connection each: a hall of
deputies' phones casting at once (bench.bench_cast, tests/integration/test_voting_concurrency).

Tests run under eventlet's monkey-patch, where threads are green and connect one by one through
the hub; run there as its own process so the connections really arrive together:

    python -m tests.support.burst URL < bodies.json
        bodies.json: a JSON list of request bodies (JSON values)
        stdout: a JSON list, per body in order, of [status, response text]; a connection
        error's status is its exception name (e.g. "ConnectionResetError")
"""

import http.client
import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

SWITCH_INTERVAL = 0.0005  # as bench.loadgen: a woken client thread gets the GIL soon


@dataclass
class Burst:
    """Per request: (sent, answered, status or connection error name, response text), with
    perf_counter times; `released` is when the barrier let every thread go."""

    released: float
    rows: list[tuple[float, float, int | str, str]]

    @property
    def seconds(self) -> float:
        return max(row[1] for row in self.rows) - self.released

    def statuses(self) -> dict[int | str, int]:
        return dict(Counter(row[2] for row in self.rows))


JSON = {"Content-Type": "application/json"}


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[float, float, int | str, str]:
    parts = urlsplit(url)
    began = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    status: int | str
    try:
        connection.request("POST", parts.path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        status, text = type(exc).__name__, str(exc)
    finally:
        connection.close()
    return began, time.perf_counter(), status, text


def burst(url: str, bodies: list[bytes], headers: list[dict[str, str]] | None = None) -> Burst:
    """One thread per body, each opening its own connection once the barrier lets them go;
    JSON bodies unless `headers` gives each its own (a page's form, with its cookie)."""
    each = headers or [JSON] * len(bodies)
    sys.setswitchinterval(SWITCH_INTERVAL)
    barrier = threading.Barrier(len(bodies) + 1)
    rows: list[tuple[float, float, int | str, str]] = [(0.0, 0.0, 0, "")] * len(bodies)

    def client(index: int) -> None:
        barrier.wait()
        rows[index] = _post(url, bodies[index], each[index])

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    return Burst(released, rows)


def main(argv: list[str]) -> int:
    bodies = [json.dumps(body).encode() for body in json.load(sys.stdin)]
    done = burst(argv[0], bodies)
    json.dump([[status, text] for _, _, status, text in done.rows], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
