"""Stage 1 at city scale: screening and freezing a city-wide year, and duplicate suggestions.

    python -m bench.bench_stage1            # 80 townships x 150 proposals; 10,000 in one banner
    python -m bench.bench_stage1 --quick    # 16 x 40; 2,000

Starts the platform itself (bench/stack.py: private vhost, SQLite under a temp DATA_DIR, one
collection worker per level, the gateway, demo accounts and notices) with a city-wide areas file
(bench/stage1_data.py), then drives everything over HTTP as the admin, 8 client threads:
1. intake — every township's proposals (the baseline: the same platform's submission rate);
2. screening — one screening per proposal (14 per township into the library, the rest rejected
   with a reason), then per township a draft list, three rounds (comment, a removal, a cost
   change, each with its reason), a freeze of 10 seats, publication and answers;
3. duplicates — 10,000 proposals in one banner, then duplicate suggestions for 300 of them,
   one at a time, next to the staff detail view of the same proposals (the baseline).
Prints wall times, request rates, latencies and the collection workers' memory (VmRSS/VmHWM).
Exit status 0 whatever the figures, 1 when the stack did not start or a step was refused.
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from bench import stack
from bench.stage1_data import proposal, write_city_areas

THREADS = 8
IN_LIBRARY = 14  # per township: >= ceil(10 x 1.2) = 12 after one removal in round 1
SEATS = 10
DUPLICATE_BANNER = "150621"  # 达拉特旗
SAMPLED = 300


class Client:
    """One requests.Session per thread (sessions are not thread-safe), the admin's token."""

    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url, token
        self.local = threading.local()

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.headers["Authorization"] = f"Bearer {self.token}"
        response = session.request(method, self.base_url + path, json=body, timeout=60)
        if response.status_code != expect:
            raise stack.StackFailed(
                f"{method} {path}: {response.status_code} {response.text[:400]}"
            )
        return response.json()


def login(base_url: str) -> str:
    response = requests.post(
        f"{base_url}/api/v1/auth/token",
        json={"username": "admin", "password": "demo-admin-2026"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def in_parallel(work: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, items))


def timed(label: str, work: Callable[[], Any], count: int) -> tuple[Any, float]:
    print(f"  {label}…", flush=True)
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"  {label}: {count} requests in {seconds:.1f} s ({count / seconds:.0f} req/s)")
    return result, seconds


# ---- the phases ---------------------------------------------------------------------------
def submit_all(client: Client, area_codes: list[str], per_area: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    jobs = [(code, proposal(code, rng)) for code in area_codes for _ in range(per_area)]
    ids = in_parallel(lambda job: client.call("POST", "/api/v1/proposals", job[1], 201), jobs)
    by_area: dict[str, list[str]] = {code: [] for code in area_codes}
    for (code, _), created in zip(jobs, ids, strict=True):
        by_area[code].append(created["id"])
    return by_area


def screen(client: Client, proposal_id: str, accept: bool) -> None:
    scores = {"public_benefit": 4, "inclusive": 4, "urgency": 3, "assessable": 5}
    verdict = (
        {"verdict": "in_library"}
        if accept
        else {"verdict": "rejected", "reason": "已列入部门年度计划，不再单独立项"}
    )
    client.call("POST", f"/api/v1/proposals/{proposal_id}/screenings", {**scores, **verdict}, 201)


def run_rounds(client: Client, list_id: str, versions: list[dict]) -> None:
    """Three rounds: round 1 removes the last item, round 2 changes a cost, round 3 keeps all."""
    items = [{"proposal_id": item["proposal_id"]} for item in versions]
    for number in (1, 2, 3):
        opened = client.call(
            "POST",
            f"/api/v1/draft-lists/{list_id}/rounds",
            {"recipients": [{"kind": "township", "recipient": "各村（嘎查）", "account": "admin"}]},
            201,
        )
        request_id = opened["comment_requests"][0]["id"]
        client.call(
            "POST",
            f"/api/v1/draft-lists/{list_id}/rounds/{number}/comments",
            {"comment_request_id": request_id, "comment": "同意，建议优先安排供暖项目"},
        )
        reasons: dict[str, str] = {}
        if number == 1:
            removed = items.pop()
            reasons[removed["proposal_id"]] = "与上级项目重复"
        if number == 2:
            items[0] = {**items[0], "estimated_cost_fen": 123_456_00}
            reasons[items[0]["proposal_id"]] = "按评审意见调整投资估算"
        client.call(
            "POST",
            f"/api/v1/draft-lists/{list_id}/rounds/{number}/close",
            {"items": items, "reasons": reasons},
            201,
        )


def township_list(client: Client, area_code: str, year: int) -> None:
    draft = client.call(
        "POST",
        "/api/v1/draft-lists",
        {"area_code": area_code, "year": year, "title": f"{year}年民生实事候选项目"},
        201,
    )
    version = client.call("GET", f"/api/v1/draft-lists/{draft['id']}/versions/0")
    run_rounds(client, draft["id"], version["items"])
    client.call("POST", f"/api/v1/draft-lists/{draft['id']}/freeze", {"seats": SEATS}, 201)
    scope = {"area_code": area_code, "year": year}
    client.call("POST", "/api/v1/outcomes/publish", scope)
    client.call("POST", "/api/v1/outcomes/answer", scope)


def screening_phase(client: Client, by_area: dict[str, list[str]], year: int) -> float:
    jobs = [(pid, i < IN_LIBRARY) for ids in by_area.values() for i, pid in enumerate(ids)]
    started = time.perf_counter()
    timed("screenings", lambda: in_parallel(lambda j: screen(client, *j), jobs), len(jobs))
    per_area = 2 + 3 * 3 + 3  # draft, version 0, 3 x (open, comment, close), freeze, 2 outcomes
    timed(
        "draft lists, 3 rounds, freeze, publish, answer",
        lambda: in_parallel(lambda code: township_list(client, code, year), list(by_area)),
        per_area * len(by_area),
    )
    return time.perf_counter() - started


def latencies(client: Client, paths: list[str]) -> list[float]:
    measured = []
    for path in paths:
        started = time.perf_counter()
        client.call("GET", path)
        measured.append((time.perf_counter() - started) * 1000)
    return sorted(measured)


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


def duplicates_phase(client: Client, count: int) -> None:
    by_area, _ = timed(
        f"{count} proposals in banner {DUPLICATE_BANNER}",
        lambda: submit_all(client, [DUPLICATE_BANNER], count),
        count,
    )
    sample = random.Random(11).sample(by_area[DUPLICATE_BANNER], min(SAMPLED, count))
    detail = latencies(client, [f"/api/v1/proposals/{pid}" for pid in sample])
    dupes = latencies(client, [f"/api/v1/proposals/{pid}/duplicates" for pid in sample])
    print(f"\nduplicate suggestions, {len(sample)} proposals of {count} in one banner, 1 client:")
    for name, ordered in (("GET …/duplicates", dupes), ("GET /proposals/{id} (baseline)", detail)):
        print(
            f"  {name:<34} p50 {percentile(ordered, 0.5):7.1f} ms   "
            f"p99 {percentile(ordered, 0.99):7.1f} ms   max {ordered[-1]:7.1f} ms"
        )


def memory_report(platform: Any, label: str) -> None:
    for name, process in sorted(platform.processes.items()):
        if name.startswith("collection"):
            kib = stack.memory_kib(process.pid)
            print(
                f"  {label:<18} {name:<20} VmRSS {kib.get('VmRSS', 0) / 1024:7.1f} MiB   "
                f"peak VmHWM {kib.get('VmHWM', 0) / 1024:7.1f} MiB"
            )


def notice_year(client: Client, area_code: str) -> int:
    return int(client.call("GET", f"/api/v1/notices?area_code={area_code}")["items"][0]["year"])


def run(args: argparse.Namespace, folder: Path) -> None:
    areas_file, townships = write_city_areas(folder, args.areas)
    os.environ["AREAS_FILE"] = str(areas_file)  # for demo_data's notices, in this process
    with stack.vhost() as host, stack.data_dir() as data:
        platform = stack.new_platform(host.uri, data, {"AREAS_FILE": str(areas_file)})
        try:
            stack.start_platform(platform)
            stack.wait_platform(platform)
            client = Client(platform.base_url, login(platform.base_url))
            memory_report(platform, "after start")
            year = notice_year(client, townships[0])
            total = len(townships) * args.per_area
            by_area, intake_s = timed(
                f"intake: {len(townships)} townships x {args.per_area}",
                lambda: submit_all(client, townships, args.per_area),
                total,
            )
            screening_s = screening_phase(client, by_area, year)
            print(
                f"\nscreening and freezing a city-wide year ({len(townships)} townships, {total} "
                f"proposals): {screening_s:.1f} s wall; intake of the same proposals "
                f"{intake_s:.1f} s (baseline)"
            )
            memory_report(platform, "after screening")
            duplicates_phase(client, args.banner_proposals)
            memory_report(platform, "at the end")
        except (stack.StackFailed, requests.RequestException, OSError):
            stack.print_logs(data)
            raise
        finally:
            stack.stop(platform.processes.values())


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_stage1", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--areas", type=int, default=80, help="townships in the city")
    parser.add_argument("--per-area", type=int, default=150, help="proposals per township")
    parser.add_argument("--banner-proposals", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="16 x 40 and 2,000")
    args = parser.parse_args(argv)
    if args.quick:
        args.areas, args.per_area, args.banner_proposals = 16, 40, 2000
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    print("starting: vhost, migrations, workers, gateway, demo data…", flush=True)

    def body() -> None:
        with tempfile.TemporaryDirectory(prefix="minsheng-stage1-") as folder:
            run(args, Path(folder))

    return stack.run_main(body, (requests.RequestException,))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
