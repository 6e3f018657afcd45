"""The city of bench.bench_city_year before its year starts: accounts and their tokens, each
township's announced result on the broker, the projects it made; and the requests of the year,
as bench/replay.py jobs ([method, path, body, token index, expected status]).
"""

import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from contracts.events import SESSION_RESULTS_ANNOUNCED
from contracts.implementation import project_id_for
from servicekit import areas, config, testing
from servicekit.auth import Principal
from servicekit.clock import utcnow
from servicekit.db import make_engine
from sqlalchemy.orm import Session

from bench import city_year_data as data
from bench import stack
from gateway import accounts, passwords, tokens
from tests.support.events import publish
from tests.support.projects import envelope
from tests.support.voting_floor import gateway_database_url

Job = list[Any]


@dataclass
class City:
    towns: list[str]
    projects: list[data.Project] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    staff: dict[str, int] = field(default_factory=dict)  # township -> government_staff token
    finance: dict[str, int] = field(default_factory=dict)  # township -> finance_staff token
    city_staff: int = 0
    city_finance: int = 0
    created_seconds: float = 0.0

    def plan_jobs(self) -> list[Job]:
        return [
            [
                "PUT",
                f"/api/v1/projects/{p.id}/plan",
                dumps(data.plan(p)),
                self.staff[p.area_code],
                200,
            ]
            for p in self.projects
        ]

    def budget_jobs(self) -> list[Job]:
        return [
            [
                "PUT",
                f"/api/v1/projects/{p.id}/budget",
                dumps(data.budget(p)),
                self.finance[p.area_code],
                200,
            ]
            for p in self.projects
        ]

    def report_jobs(self) -> list[Job]:
        """Period by period in the order they fall due, every project's report of it."""
        return [
            [
                "POST",
                f"/api/v1/projects/{p.id}/reports",
                dumps(data.report(p, period)),
                self.staff[p.area_code],
                201,
            ]
            for period in data.periods(data.today())
            for p in self.projects
        ]

    def flow_jobs(self, count: int) -> list[Job]:
        """The first `count` of the year's disbursements, by date (5 per project at most)."""
        flows = {
            p.id: data.disbursements(p, f"{areas.load().get(p.area_code).name}人民政府")
            for p in self.projects
        }
        jobs = [
            [
                "POST",
                f"/api/v1/projects/{p.id}/disbursements",
                dumps(flows[p.id][slot]),
                self.finance[p.area_code],
                201,
            ]
            for slot in range(len(data.FLOW_DATES))
            for p in self.projects
        ]
        return jobs[:count]

    def acceptance_jobs(self) -> list[Job]:
        body = dumps(data.acceptance(data.today()))
        return [
            ["POST", f"/api/v1/projects/{p.id}/acceptance", body, self.staff[p.area_code], 201]
            for p in self.projects
            if data.finished(p, data.today())
        ]


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


@contextmanager
def cheap_hashes() -> Iterator[None]:
    """These accounts never log in (their tokens are signed here), so their password hashes
    need not cost the KDF's 0.45 s each (passwords.COST is read when a hash is made)."""
    cost, passwords.COST = passwords.COST, passwords.Cost(2**4, 8, 1)
    try:
        yield
    finally:
        passwords.COST = cost


def signed_tokens(platform: testing.Platform, people: list[tuple[str, str, str]]) -> list[str]:
    """(username, role, area) accounts written into the gateway's database as gateway.cli
    writes them, each one's token signed as a login signs it (a login's KDF is not measured)."""
    engine = make_engine(gateway_database_url(platform))
    secret, now, signed = config.token_secret(), utcnow(), []
    try:
        with Session(engine) as session, cheap_hashes():
            for username, role, area in people:
                account = accounts.create_account(
                    session,
                    username=username,
                    password=secrets.token_hex(16),
                    roles=[role],
                    area_code=area,
                    display_name=None,
                    now=now,
                )
                principal = Principal(account.id, (role,), area, username)
                signed.append(tokens.issue(secret, principal, now)[0])
    finally:
        engine.dispose()
    return signed


def create_accounts(platform: testing.Platform, city: City) -> None:
    people = [(f"gov-{t}", "government_staff", t) for t in city.towns]
    people += [(f"fin-{t}", "finance_staff", t) for t in city.towns]
    people += [
        ("gov-city", "government_staff", data.CITY),
        ("fin-city", "finance_staff", data.CITY),
    ]
    city.tokens += signed_tokens(platform, people)
    n = len(city.towns)
    city.staff = {t: i for i, t in enumerate(city.towns)}
    city.finance = {t: n + i for i, t in enumerate(city.towns)}
    city.city_staff, city.city_finance = 2 * n, 2 * n + 1


def announce(platform: testing.Platform, amqp_uri: str, city: City, per_area: int) -> None:
    """Each township's result, signed and published as voting's relay would; then wait until
    implementation has made every project (counted through the gateway)."""
    started = time.perf_counter()
    envelopes = []
    for index, town in enumerate(city.towns):
        payload = data.results(town, areas.load().get(town).name)
        made = data.projects_of(payload, index, project_id_for)
        city.projects += made[:per_area]
        for candidate in payload["candidates"][per_area:]:
            candidate["elected"] = False
        envelopes.append(envelope(payload))
    publish(amqp_uri, SESSION_RESULTS_ANNOUNCED, *envelopes)
    headers = {"Authorization": f"Bearer {city.tokens[city.city_staff]}"}
    url = f"{platform.base_url}/api/v1/projects"
    query = {"area_code": data.CITY, "year": data.YEAR, "page_size": 1}

    def all_made() -> bool:
        answer = requests.get(url, params=query, headers=headers, timeout=30)
        return answer.status_code == 200 and answer.json()["total"] == len(city.projects)

    try:
        testing.wait_until(all_made, 120, 0.2, f"{len(city.projects)} projects made")
    except AssertionError as exc:
        raise stack.StackFailed(str(exc)) from exc
    city.created_seconds = time.perf_counter() - started
    print(
        f"  results of {len(city.towns)} townships published: {len(city.projects)} projects "
        f"made in {city.created_seconds:.1f} s",
        flush=True,
    )


def build_city(platform: testing.Platform, amqp_uri: str, towns: list[str], per_area: int) -> City:
    city = City(towns)
    create_accounts(platform, city)
    announce(platform, amqp_uri, city, per_area)
    return city


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    return {name: stack.cpu_seconds(pid) for name, pid in pids.items()}
