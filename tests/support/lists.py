"""Builders for draft list tests: library items of one area and year, inserted directly (the
screening that fills the library is another part's job), and a valid results announcement."""

import uuid
from datetime import UTC, datetime
from typing import Any

from collection.db.models import LibraryItem, Notice, Proposal
from collection.use_cases import lists as use_cases
from collection.use_cases import rounds
from contracts import lists as contract
from servicekit import areas
from servicekit.auth import Guard, Principal
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy.orm import Session

NOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
CATEGORIES = ("教育", "医疗卫生", "养老托育", "基础设施")


def seed_library(session: Session, area_code: str, count: int, year: int = 2027) -> list[str]:
    """`count` proposals in the library of `area_code` for `year`; returns their ids."""
    area = areas.load().get(area_code)
    assert area is not None
    notice = Notice(
        area_code=area.code,
        area_path=area.path,
        level=area.level,
        year=year,
        title="征集",
        body="",
        opens_at=NOW,
        closes_at=NOW,
        created_by="seed",
        created_at=NOW,
    )
    session.add(notice)
    session.flush()
    ids = []
    for index in range(count):
        pid = str(uuid.uuid4())
        title = f"{area.name}民生项目{index:02d}"
        common: dict[str, Any] = {"area_code": area.code, "area_path": area.path}
        session.add(
            Proposal(
                id=pid,
                tracking_code=f"T{uuid.uuid4().hex[:11].upper()}",
                notice_id=notice.id,
                level=area.level,
                channel="online",
                title=title,
                description="描述",
                category=CATEGORIES[index % len(CATEGORIES)],
                location_text="某地",
                status="in_library",
                submitted_at=NOW,
                year=year,
                **common,
            )
        )
        session.flush()
        session.add(
            LibraryItem(
                proposal_id=pid,
                level=area.level,
                year=year,
                title=title,
                summary=f"{title}的概述",
                category=CATEGORIES[index % len(CATEGORIES)],
                estimated_cost_fen=(index + 1) * 1_000_000,
                lead_department="住建局",
                beneficiaries=100,
                rationale="群众呼声高",
                added_by="seed",
                added_at=NOW,
                **common,
            )
        )
        ids.append(pid)
    session.commit()
    return ids


def results_payload(candidate_list_id: str, elected: list[str], other: list[str]) -> dict:
    """session_results_announced_v1 for a list: `elected` won, `other` did not."""

    def candidate(pid: str, won: bool, rank: int) -> dict[str, Any]:
        return {
            "proposal_id": pid,
            "title": "项目",
            "approve": 40 if won else 10,
            "oppose": 5,
            "abstain": 1,
            "elected": won,
            "rank": rank,
        }

    ranked = [(pid, True) for pid in elected] + [(pid, False) for pid in other]
    return {
        "session_id": "S-2027-0001",
        "candidate_list_id": candidate_list_id,
        "area_code": "150602001",
        "level": "township",
        "year": 2027,
        "rules_version": 1,
        "digest": "d" * 64,
        "announced_at": "2027-01-20T03:00:00+00:00",
        "ballots": {"issued": 60, "returned": 58, "valid": 57, "invalid": 1},
        "candidates": [candidate(pid, won, i) for i, (pid, won) in enumerate(ranked, 1)],
    }


LIST_AREA = "150602001"  # a township (林荫街道), the area results_payload announces for
LIST_STAFF = Principal("g-1", ("government_staff",), "150602")


def frozen_list(sessions: Any, seats: int = 10) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Build a list of 12 from the library of LIST_AREA, run its one round, freeze it."""
    guard = Guard(LIST_STAFF, "collection", "all")
    with sessions() as session:
        use_cases.update_area_settings(
            session, guard, LIST_AREA, {"rounds": 1, "differential_ratio_permille": 200}, NOW
        )
        seed_library(session, LIST_AREA, 12)
        raw = {"area_code": LIST_AREA, "year": 2027, "title": "2027年候选项目"}
        data = load(contract.DraftListCreate, raw)
        draft = use_cases.create_draft_list(session, guard, data, raw, None, NOW)
    with sessions() as session:
        opened = {
            "recipients": [{"kind": "township", "recipient": "林荫街道", "account": "linyin"}]
        }
        rounds.open_round(session, guard, draft["id"], opened, NOW)
    with sessions() as session:
        items = use_cases.get_version(session, guard, draft["id"], 0)["items"]
        revised = [{"proposal_id": uuid.UUID(i["proposal_id"])} for i in reversed(items)]
        body = {"items": revised, "reasons": {}}
        version = rounds.close_round(session, guard, draft["id"], 1, body, NOW)
    with sessions() as session:
        outbox = OutboxWriter(OUTBOX, "corr-lists")
        frozen = use_cases.freeze_list(session, outbox, guard, draft["id"], {"seats": seats}, NOW)
    return frozen, version["items"]
