"""The pages (issue 15): each page's server time through the gateway beside the API route it
is built on (same run, same platform), what each page transfers in all, and the ballot page
with 500 deputies loading it at once.

    python -m bench.bench_pages              # 200 loads a page, 500 ballot loads at once
    python -m bench.bench_pages --quick      # 30 loads, 100 at once (a smoke run)

The platform is `make run`'s (scripts.run_platform with its demo data: the demo project's
site sign, the demo deputy's QR, a demo session), on SQLite in a temp DATA_DIR and a vhost of
its own. Each page is loaded `--loads` times one after the other, alternating with its API
route (ABAB), and timed at the client on loopback: p50 / p99 in ms. "Transferred" is the
page's HTML plus every stylesheet and script it links (what a first visit costs; no
compression), against the 150 KB budget. The ballot part: `--crowd` threads each open the
ballot page with their own token at the same moment (a barrier); p50 / p99 / max and errors.
Exit status 0 whatever the figures, 1 when the platform did not start.
"""

import argparse
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests
from servicekit import testing

from bench import pages_ballot
from bench.city_checks import percentile
from tests.support.platform import PlatformFailed, RunningPlatform, running

BUDGET = 150 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"')
PROJECT_LINE = re.compile(r"项目码 (\S+) 公开页面 .*: (\S+)；")
DEPUTY_LINE = re.compile(r"代表码 (\S+) 群众页面 .*: (\S+)$")


@dataclass
class Target:
    name: str
    page: str  # path of the page
    api: str | None  # the API route it is built on (the baseline), or None


def timed(session: requests.Session, url: str) -> tuple[float, requests.Response]:
    began = time.perf_counter()
    response = session.get(url, timeout=30)
    return (time.perf_counter() - began) * 1000, response


def transferred(session: requests.Session, base: str, path: str) -> int:
    html = session.get(base + path, timeout=30)
    total = len(html.content)
    for asset in sorted(set(ASSET.findall(html.text))):
        total += len(session.get(urljoin(base + path, asset), timeout=30).content)
    return total


def measure(base: str, target: Target, loads: int) -> dict[str, float | int | str]:
    session = requests.Session()
    page_ms: list[float] = []
    api_ms: list[float] = []
    statuses = set()
    for _ in range(loads):
        spent, response = timed(session, base + target.page)
        page_ms.append(spent)
        statuses.add(response.status_code)
        if target.api:
            api_ms.append(timed(session, base + target.api)[0])
    page_ms.sort()
    api_ms.sort()
    return {
        "name": target.name,
        "status": ",".join(map(str, sorted(statuses))),
        "p50": percentile(page_ms, 0.5),
        "p99": percentile(page_ms, 0.99),
        "api_p50": percentile(api_ms, 0.5) if api_ms else float("nan"),
        "api_p99": percentile(api_ms, 0.99) if api_ms else float("nan"),
        "bytes": transferred(session, base, target.page),
    }


def targets(platform: RunningPlatform) -> list[Target]:
    """The demo's pages, from what `make run` printed and what its public API answers."""
    base = platform.base_url
    found = [Target("login", "/login", None)]
    project = platform.printed(PROJECT_LINE)
    if project:
        code = project.group(1)
        named = requests.get(f"{base}/api/v1/public/project-codes/{code}", timeout=30).json()
        api = f"/api/v1/public/projects/{named['project_id']}"
        found.append(Target("project /p/<code>", f"/p/{code}", api))
    printed = platform.printed(DEPUTY_LINE)
    if printed:
        deputy = printed.group(1)
        found.append(
            Target("deputy /d/<code>", f"/d/{deputy}", f"/api/v1/public/deputies/{deputy}")
        )
    board = "/board/150622"  # the demo projects' banner (准格尔旗)
    found.append(Target("board /board/<area>", board, "/api/v1/public/board?area_code=150622"))
    return found + resident_targets(platform)


def resident_targets(platform: RunningPlatform) -> list[Target]:
    """The residents' home, an area's collection page and a tracking page (of a proposal
    sent here to 林荫街道, whose demo notice is open)."""
    base = platform.base_url
    area = "150602001"
    proposal = {
        "title": "测量用建议",
        "description": "性能测量时提交的建议，用于查询页面。",
        "category": "其他",
        "area_code": area,
        "location": {"text": "林荫街道"},
    }
    sent = requests.post(f"{base}/api/v1/proposals", json=proposal, timeout=30)
    found = [
        Target("home /", "/", "/api/v1/notices?area_code=150600&within=true"),
        Target("area /a/<code>", f"/a/{area}", f"/api/v1/notices?area_code={area}"),
    ]
    if sent.status_code == 201:
        code = sent.json()["tracking_code"]
        found.append(Target("track /t/<code>", f"/t/{code}", f"/api/v1/proposals/track/{code}"))
    return found


def report(rows: list[dict[str, float | int | str]]) -> None:
    print(
        f"{'page':<22} {'status':>6} {'p50 ms':>8} {'p99 ms':>8} {'API p50':>8} {'API p99':>8}"
        f" {'KB':>7}  budget"
    )
    for row in rows:
        kb = int(row["bytes"]) / 1024
        verdict = "ok" if int(row["bytes"]) < BUDGET else "OVER"
        print(
            f"{row['name']:<22} {row['status']:>6} {row['p50']:>8.1f} {row['p99']:>8.1f}"
            f" {row['api_p50']:>8.1f} {row['api_p99']:>8.1f} {kb:>7.1f}  {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=200)
    parser.add_argument("--crowd", type=int, default=500)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.loads, args.crowd = 30, 100
    vhost = testing.Vhost().create()
    unlimited = {"RATE_LIMIT_PUBLIC": "1000000/60"}  # one client measures, not the limit
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
            print("启动平台 (make run, SQLite) …", flush=True)
            with running(Path(folder) / "data", vhost.uri, None, "bench", unlimited) as platform:
                rows = []
                for target in targets(platform):
                    print(f"  {target.name}: {args.loads} 次 …", flush=True)
                    rows.append(measure(platform.base_url, target, args.loads))
                report(rows)
    except PlatformFailed as exc:
        print(exc)
        return 1
    finally:
        vhost.delete()
    if args.crowd:
        pages_ballot.crowd(args.crowd)  # a platform of its own: a roster of N, a session open
    return 0


if __name__ == "__main__":
    sys.exit(main())
