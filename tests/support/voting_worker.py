"""The voting service as service tests drive it: worker_factory over its two real migrated
SQLite databases (the session database and the ballot box), the real outbox writer and a Guard
for the caller — no broker."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.ballot_tokens import new_ballot_token
from contracts.events import CandidateListFrozenV1
from servicekit.auth import ANONYMOUS, Principal
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from voting.use_cases import setup

from tests.support.workers import migrated_sessions, service_worker

TOWN = "150622100"  # 薛家湾镇
STAFF = Principal("renda", ("congress_staff",), "150622")
TELLER_A = Principal("teller-a", ("congress_staff",), TOWN)
TELLER_B = Principal("teller-b", ("congress_staff",), TOWN)
SUPERVISOR = Principal("jianpiao", ("supervisor",), TOWN)


@dataclass
class Databases:
    db: Session
    box: Session


@contextmanager
def migrated_databases(folder: Path, urls: dict[str, str] | None = None) -> Iterator[Databases]:
    with migrated_sessions("voting", folder, urls) as sessions:
        yield Databases(sessions["voting"], sessions["voting_ballots"])


def voting_worker(dbs: Databases, principal: Principal = ANONYMOUS, level: str = "township"):
    sessions = {"voting": dbs.db, "voting_ballots": dbs.box}
    return service_worker("voting", sessions, principal, level=level, request_id="req-voting-test")


def roster_csv(deputies: int, delegations: int = 3, usernames: bool = False) -> str:
    lines = ["代表证号,姓名,代表团,电话,账号"]
    for n in range(1, deputies + 1):
        account = f"dep{n:03d}" if usernames else ""
        lines.append(f"D{n:03d},代表{n:03d},第{n % delegations + 1}代表组,0477-{n:07d},{account}")
    return "\n".join(lines) + "\n"


def frozen_list(dbs: Databases, candidates: int, seats: int, area: str = TOWN) -> list[str]:
    """Deliver a candidate_list_frozen_v1 as collection would; returns the proposal ids."""
    ids = [str(uuid.uuid4()) for _ in range(candidates)]
    envelope = {
        "event_id": str(uuid.uuid4()),
        "payload": {
            "candidate_list_id": str(uuid.uuid4()),
            "area_code": area,
            "level": "township",
            "year": 2027,
            "seats": seats,
            "differential_ratio_permille": 200,
            "content_hash": "ab" * 32,
            "frozen_at": datetime.now(UTC).isoformat(),
            "candidates": [
                {
                    "position": n,
                    "proposal_id": pid,
                    "title": f"候选项目{n}",
                    "summary": "摘要",
                    "category": "教育",
                    "estimated_cost_fen": 100_000_00 * n,
                    "lead_department": None,
                    "rationale": "理由",
                }
                for n, pid in enumerate(ids, 1)
            ],
        },
    }
    payload = load(CandidateListFrozenV1, envelope["payload"])
    setup.receive_candidate_list(dbs.db, payload, datetime.now(UTC))
    dbs.db.commit()
    return ids


def list_id_of(dbs: Databases) -> str:
    return dbs.db.execute(text("SELECT id FROM candidate_lists ORDER BY received_at DESC")).scalar()


def outbox_events(dbs: Databases) -> list[str]:
    return list(dbs.db.scalars(select(OUTBOX.c.event_type).order_by(OUTBOX.c.seq)))


@dataclass
class Prepared:
    session_id: str
    candidates: list[str]


def prepared_session(
    dbs: Databases,
    deputies: int = 30,
    candidates: int = 6,
    seats: int = 3,
    kind: str = "congress_session",
    present: int | None = None,
    usernames: bool = False,
    **rules: Any,
) -> Prepared:
    """Rules adopted, roster imported, list received, session in deliberation, deputies in."""
    staff = voting_worker(dbs, STAFF)
    staff.adopt_rules(
        {
            "area_code": TOWN,
            "adopted_on": "2026-12-01",
            "document_ref": "薛人大发〔2026〕1号",
            "publication_channel": "镇政府公开栏",
            **rules,
        }
    )
    staff.import_roster(
        {
            "area_code": TOWN,
            "title": "镇人大代表名册",
            "csv": roster_csv(deputies, usernames=usernames),
        }
    )
    ids = frozen_list(dbs, candidates, seats) if kind != "satisfaction" else []
    body = {"area_code": TOWN, "year": 2027, "kind": kind, "title": "2027年民生实事项目票决"}
    if kind == "satisfaction":
        ids = [f"P{n}" for n in range(1, candidates + 1)]
        body["projects"] = [{"project_id": p, "title": f"项目{p}"} for p in ids]
    else:
        body["candidate_list_id"] = list_id_of(dbs)
    created = staff.create_session(body)
    staff.start_deliberation(created["id"], {})
    numbers = [f"D{n:03d}" for n in range(1, (present or deputies) + 1)]
    staff.check_in(created["id"], {"deputy_numbers": numbers})
    return Prepared(created["id"], ids)


def issue_electronic(staff: Any, session_id: str, number: str, level: str = "township") -> str:
    """Issue a deputy's electronic ballot as their device does (it makes the token and sends
    only its hash); returns the token."""
    token, hashed = new_ballot_token(level)
    staff.issue_ballot(
        session_id, {"deputy_number": number, "medium": "electronic", "token_hash": hashed}
    )
    return token
