"""A closed-loop replay of distinct requests: N threads, one keep-alive connection each, each
taking the next request of one shared list until none is left (bench.bench_city_year).

bench.loadgen repeats one body for a fixed time; a city's year is thousands of different
requests (each report names its own project and period, and a second report of the same period
is refused), so this sends a list once, in order, as fast as N clients get answers. Run as its
own process (`python -m bench.replay jobs.json`) so its GIL and CPU are not the benchmark's; it
prints one JSON result line, with the client's CPU so a reader can tell whether it was the limit.

    jobs.json: {"base_url": "http://127.0.0.1:…", "concurrency": 8,
                "tokens": ["<bearer>", …],
                "jobs": [[method, path, body or null, token index, expected status], …]}

A POST carries an Idempotency-Key of its own, as a client that may retry sends one.
"""

import http.client
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from bench.loadgen import SWITCH_INTERVAL

Job = tuple[str, str, str | None, int, int]
SHOWN_REFUSALS = 5  # the first few unexpected answers, with their bodies, for the report


class Jobs:
    """The shared list: each call of `next()` hands out the following job, once."""

    def __init__(self, jobs: list[Job]):
        self.jobs, self.at, self.lock = jobs, 0, threading.Lock()

    def next(self) -> Job | None:
        with self.lock:
            if self.at >= len(self.jobs):
                return None
            self.at += 1
            return self.jobs[self.at - 1]


def _send(connection: http.client.HTTPConnection, job: Job, tokens: list[str]) -> tuple[int, bytes]:
    method, path, body, token, _ = job
    headers = {"Authorization": f"Bearer {tokens[token]}", "Connection": "keep-alive"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    connection.request(method, path, body.encode("utf-8") if body is not None else None, headers)
    response = connection.getresponse()
    return response.status, response.read()  # drained: the connection carries the next one


def _client(
    spec: dict[str, Any], jobs: Jobs, start: threading.Barrier, rows: list, refused: list
) -> None:
    parts = urlsplit(spec["base_url"])

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    connection = connect()
    start.wait()
    while (job := jobs.next()) is not None:
        began = time.perf_counter()
        try:
            status, text = _send(connection, job, spec["tokens"])
        except (OSError, http.client.HTTPException) as exc:
            status, text = 0, repr(exc).encode()
            connection.close()
            connection = connect()  # count the failure, then carry on with a fresh socket
        rows.append((began, time.perf_counter(), status, status == job[4]))
        if status != job[4] and len(refused) < SHOWN_REFUSALS:
            refused.append([job[0], job[1], status, text[:400].decode(errors="replace")])
    connection.close()


def run(spec: dict[str, Any]) -> dict[str, Any]:
    sys.setswitchinterval(SWITCH_INTERVAL)
    jobs = Jobs([tuple(job) for job in spec["jobs"]])  # type: ignore[misc]
    concurrency = min(spec["concurrency"], max(1, len(spec["jobs"])))
    start = threading.Barrier(concurrency + 1)
    rows: list[tuple[float, float, int, bool]] = []  # list.append is atomic under the GIL
    refused: list[list[Any]] = []
    threads = [
        threading.Thread(target=_client, args=(spec, jobs, start, rows, refused), daemon=True)
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    released, cpu_before = time.perf_counter(), os.times()
    for thread in threads:
        thread.join()
    cpu_after = os.times()
    seconds = max((row[1] for row in rows), default=released) - released
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    statuses = Counter(str(row[2]) for row in rows)
    return {
        "requests": len(rows),
        "seconds": seconds,
        "latencies_ms": [round((row[1] - row[0]) * 1000, 3) for row in rows],
        "statuses": dict(statuses),
        "unexpected": sum(1 for row in rows if not row[3]),
        "refused": refused,
        "client_cpu": cpu / seconds if seconds else 0.0,  # 1.0 = one core busy the whole time
    }


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as handle:
        spec = json.load(handle)
    print(json.dumps(run(spec)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
