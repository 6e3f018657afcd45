"""The ballot page with a hall opening it at once (bench.bench_pages): N deputies, each with
their own token and connection, POST the ballot page's form (the step ballot.js takes when
the token's QR is opened) released together by a barrier; beside it, in the same run, the same
N tokens sent at once to the API route the page is built on (POST /api/v1/ballots/open).

Setup as bench.bench_cast: collection and voting workers per level and the gateway
(servicekit.testing.Platform, SQLite), a roster of N, a session open with N tokens issued.
Before the burst each phone GETs /b once (its CSRF cookie and the form's token), as a phone
that opened the page would have. Bursts alternate page, API, API, page.
"""

import re
import time
import warnings
from urllib.parse import urlencode

import requests

from bench import stack
from bench.bench_cast import MAX_WORKERS, start
from bench.city_checks import percentile

with warnings.catch_warnings():  # eventlet's deprecation notice, via gateway -> nameko
    warnings.simplefilter("ignore")
    from tests.support.burst import JSON, Burst, burst
    from tests.support.voting_floor import (
        STAFF,
        Client,
        create_accounts,
        issue_ballots,
        open_floor,
        setup_area,
    )

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BALLOT_MARK = 'name="step" value="confirm"'  # the ballot form, not the entry or an error


def phone_forms(base_url: str, tokens: list[str]) -> tuple[list[bytes], list[dict[str, str]]]:
    """Per deputy: the form body and headers a phone that opened /b would send."""
    bodies, headers = [], []
    for token in tokens:
        answer = requests.get(f"{base_url}/b", timeout=30)
        cookie = answer.cookies.get("ms_csrf")
        (csrf,) = CSRF.findall(answer.text)
        bodies.append(urlencode({"csrf_token": csrf, "token": token, "step": "open"}).encode())
        headers.append(
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"ms_csrf={cookie}"}
        )
    return bodies, headers


def summary(name: str, done: Burst, ok: int) -> str:
    ms = sorted((end - began) * 1000 for began, end, _, _ in done.rows)
    return (
        f"  {name:<22} {len(ms)} at once: all answered in {done.seconds:.2f} s, "
        f"p50 {percentile(ms, 0.5):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, "
        f"max {ms[-1]:.0f} ms; ballots shown {ok}/{len(ms)} {done.statuses()}"
    )


def crowd(deputies: int, bursts: int = 2) -> None:
    print(f"选票页并发 (the ballot page, {deputies} deputies at once) …", flush=True)
    with stack.vhost() as host, stack.data_dir() as folder:
        platform = stack.new_platform(
            host.uri,
            folder,
            {"MAX_WORKERS": str(MAX_WORKERS), "GATEWAY_MAX_WORKERS": str(MAX_WORKERS)},
        )
        try:
            start(platform)
            create_accounts(platform, STAFF)
            staff = Client(platform.base_url, STAFF[0])
            setup_area(staff, deputies)
            floor = open_floor(staff, host.uri, deputies)
            tokens = [t for t in issue_ballots(floor, floor.deputies) if t]
            began = time.perf_counter()
            bodies, headers = phone_forms(platform.base_url, tokens)
            print(f"  {len(tokens)} phones opened /b in {time.perf_counter() - began:.1f} s")
            api_bodies = [f'{{"token": "{t}"}}'.encode() for t in tokens]
            for index in range(bursts):
                for target in ("page", "api") if index % 2 == 0 else ("api", "page"):
                    if target == "page":
                        done = burst(f"{platform.base_url}/b", bodies, headers)
                        ok = sum(BALLOT_MARK in text for _, _, _, text in done.rows)
                        print(summary("page POST /b", done, ok), flush=True)
                    else:
                        done = burst(
                            f"{platform.base_url}/api/v1/ballots/open",
                            api_bodies,
                            [JSON] * len(api_bodies),
                        )
                        ok = sum(status == 200 for _, _, status, _ in done.rows)
                        print(summary("API /ballots/open", done, ok), flush=True)
        except (stack.StackFailed, requests.RequestException, AssertionError, OSError):
            stack.print_logs(folder)
            raise
        finally:
            stack.stop(list(platform.processes.values()))
            platform.processes.clear()
