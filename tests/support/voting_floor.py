"""A voting session prepared over HTTP against running processes (servicekit.testing.Platform):
staff accounts written straight into the gateway's database (as `python -m gateway.cli` does),
rules and a roster over HTTP, the frozen candidate list published on the broker as collection's
relay would (`candidate_list_frozen_v1` on `collection.events`), then session → deliberation →
check-in → open → tokens, all over HTTP. Used by the voting integration tests and bench_cast.
"""

import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from contracts.ballot_tokens import new_ballot_token
from contracts.events import CANDIDATE_LIST_FROZEN
from kombu import Connection, Producer
from servicekit import testing, topology
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.outbox import build_envelope
from sqlalchemy.orm import Session

from gateway import accounts
from tests.support.voting_worker import roster_csv

TOWN = "150622100"  # 薛家湾镇 (township level: session ids and tokens start with T)
YEAR = 2027
PASSWORD = "floor-password-2027"
STAFF = ("floor-renda", "congress_staff", TOWN)  # runs the session
TELLER_B = ("floor-teller-b", "congress_staff", TOWN)  # the second teller of every paper sheet
SUPERVISOR = ("floor-jianpiao", "supervisor", TOWN)  # resolves paper mismatches


def gateway_database_url(platform: testing.Platform) -> str:
    return platform.env.get("GATEWAY_DATABASE_URL") or f"sqlite:///{platform.data_dir}/gateway.db"


def start_on_postgres(platform_factory: Any, pg: Any) -> testing.Platform:
    """A voting township worker and the gateway, as `make run` starts them, every database a
    private PostgreSQL one (the `platform_factory` and `pg` fixtures of tests/conftest.py)."""
    platform = platform_factory(
        {
            "COLLECTION_DATABASE_URL": pg.create("collection"),
            "GATEWAY_DATABASE_URL": pg.create("gateway"),
            "VOTING_DATABASE_URL": pg.create("voting"),
            "VOTING_BALLOTS_DATABASE_URL": pg.create("voting_ballots"),
        }
    )
    platform.start_worker("township", service="voting")
    platform.start_gateway()
    platform.wait_levels("township", service="voting")
    return platform


def create_accounts(platform: testing.Platform, *people: tuple[str, str, str]) -> None:
    engine = make_engine(gateway_database_url(platform))
    try:
        with Session(engine) as session:
            for username, role, area in people:
                accounts.create_account(
                    session,
                    username=username,
                    password=PASSWORD,
                    roles=[role],
                    area_code=area,
                    display_name=None,
                    now=utcnow(),
                )
    finally:
        engine.dispose()


class Client:
    """JSON over HTTP with one account's bearer token (or none); every call checks its status."""

    def __init__(self, base_url: str, username: str | None = None):
        self.base_url = base_url
        self.headers: dict[str, str] = {}
        if username is not None:
            token = self.call(
                "POST", "/api/v1/auth/token", 200, json={"username": username, "password": PASSWORD}
            )["access_token"]
            self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> dict[str, Any]:
        response = requests.request(
            method, f"{self.base_url}{path}", headers=self.headers, timeout=60, **kwargs
        )
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def post(self, path: str, body: dict[str, Any], expect: int = 200) -> dict[str, Any]:
        return self.call("POST", path, expect, json=body)


def frozen_list_envelope(
    candidates: int, seats: int, area: str = TOWN, year: int = YEAR
) -> dict[str, Any]:
    payload = {
        "candidate_list_id": str(uuid.uuid4()),
        "area_code": area,
        "level": "township",
        "year": year,
        "seats": seats,
        "differential_ratio_permille": 200,
        "content_hash": uuid.uuid4().hex * 2,
        "frozen_at": datetime.now(UTC).isoformat(),
        "candidates": [
            {
                "position": n,
                "proposal_id": str(uuid.uuid4()),
                "title": f"候选民生项目{n}",
                "summary": "群众呼声高的民生项目",
                "category": "教育",
                "estimated_cost_fen": 1_000_000 * n,
                "lead_department": "住建局",
                "rationale": "符合四项原则",
            }
            for n in range(1, candidates + 1)
        ],
    }
    return build_envelope(
        CANDIDATE_LIST_FROZEN, payload, area_code=area, level="township", correlation_id="floor"
    )


def publish_frozen_list(amqp_uri: str, envelope: dict[str, Any]) -> None:
    """What collection's outbox relay does; voting's queue exists since `prepare()`."""
    with Connection(
        amqp_uri, connect_timeout=5, transport_options={"confirm_publish": True}
    ) as connection:
        Producer(connection.default_channel).publish(
            envelope,
            exchange=topology.event_exchange(CANDIDATE_LIST_FROZEN.source),
            routing_key=CANDIDATE_LIST_FROZEN.name,
            delivery_mode=2,
            serializer="json",
        )


@dataclass
class Floor:
    """A session of the town's congress, opened, with everyone checked in."""

    staff: Client
    session_id: str
    candidates: list[str]  # proposal ids, in ballot order
    seats: int
    deputies: list[str]  # deputy numbers D001…


def setup_area(staff: Client, deputies: int, usernames: bool = False) -> None:
    """Voting rules and a roster of `deputies` for TOWN: numbers D001…, names 代表001…, phones
    0477-0000001…, and with `usernames` gateway accounts dep001… (tests.support.voting_worker)."""
    staff.post(
        "/api/v1/voting-rules",
        {
            "area_code": TOWN,
            "adopted_on": "2026-12-01",
            "document_ref": "薛人大发〔2026〕1号",
            "publication_channel": "镇政府公开栏",
        },
        201,
    )
    roster = {
        "area_code": TOWN,
        "title": "镇人大代表名册",
        "csv": roster_csv(deputies, usernames=usernames),
    }
    assert staff.post("/api/v1/rosters/import", roster, 201)["deputies"] == deputies


def new_session(staff: Client, amqp_uri: str, candidates: int, seats: int) -> tuple[str, list]:
    """Publish a frozen list and create a session on it once voting has received it."""
    envelope = frozen_list_envelope(candidates, seats)
    publish_frozen_list(amqp_uri, envelope)
    body = {
        "area_code": TOWN,
        "year": YEAR,
        "kind": "congress_session",
        "title": "2027年民生实事项目票决",
        "candidate_list_id": envelope["payload"]["candidate_list_id"],
    }

    def created() -> dict[str, Any] | None:
        response = requests.post(
            f"{staff.base_url}/api/v1/sessions", json=body, headers=staff.headers, timeout=30
        )
        if response.status_code == 201:
            return response.json()
        assert response.status_code in (404, 422), response.text  # the list not there yet
        return None

    session = testing.wait_until(created, 30, 0.2, "the frozen list reaching voting")
    return session["id"], [str(c["proposal_id"]) for c in envelope["payload"]["candidates"]]


def deliberated_floor(
    staff: Client, amqp_uri: str, deputies: int, candidates: int = 6, seats: int = 3
) -> Floor:
    """A new session on a new frozen list (setup_area done), in deliberation, one opinion in."""
    session_id, ids = new_session(staff, amqp_uri, candidates, seats)
    base = f"/api/v1/sessions/{session_id}"
    staff.post(f"{base}/deliberation", {})
    opinions = [{"candidate_id": c, "stance": "support"} for c in ids]
    staff.post(f"{base}/deliberations", {"delegation": "第1代表组", "opinions": opinions}, 201)
    return Floor(staff, session_id, ids, seats, [f"D{n:03d}" for n in range(1, deputies + 1)])


def check_in_and_open(floor: Floor, numbers: list[str]) -> None:
    base = f"/api/v1/sessions/{floor.session_id}"
    attendance = floor.staff.post(f"{base}/check-in", {"deputy_numbers": numbers})
    assert attendance["quorum_met"] is True, attendance
    assert floor.staff.post(f"{base}/open", {})["state"] == "open"


def open_floor(
    staff: Client, amqp_uri: str, deputies: int, candidates: int = 6, seats: int = 3
) -> Floor:
    """deliberated_floor, then every deputy checked in by staff, and voting open."""
    floor = deliberated_floor(staff, amqp_uri, deputies, candidates, seats)
    check_in_and_open(floor, floor.deputies)
    return floor


def issue_ballots(
    floor: Floor, numbers: Iterable[str], medium: str = "electronic", parallel: int = 8
) -> list[str | None]:
    """One ballot per deputy (tokens in order; None for paper), a few requests at a time: each
    token made here, as the deputy's device makes it, and only its hash sent to the desk."""
    path = f"/api/v1/sessions/{floor.session_id}/tokens"

    def issue(number: str) -> str | None:
        if medium == "paper":
            floor.staff.post(path, {"deputy_number": number, "medium": "paper"}, 201)
            return None
        token, hashed = new_ballot_token("township")
        floor.staff.post(path, {"deputy_number": number, "token_hash": hashed}, 201)
        return token

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(issue, numbers))


def cast_body(floor: Floor, token: str, choices: dict[str, str]) -> dict[str, Any]:
    return {"session_id": floor.session_id, "token": token, "choices": choices}


def approving(floor: Floor, *chosen: str) -> dict[str, str]:
    """A ballot approving `chosen`, opposing the rest."""
    return {c: ("approve" if c in chosen else "oppose") for c in floor.candidates}
