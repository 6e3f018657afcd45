"""A realistic year of collection in Dongsheng (东胜区, 150602), written straight into the tables
through the models, for the report tests of every tier.

In scope for (150602, 2027): ten proposals over every channel, several categories and statuses
(one merged, one converted from a petition matter without a notice, one whose `year` column is
still empty), two screeners with re-screenings where only each one's latest row counts, two draft
lists with rounds, one frozen candidate list with vote results. Out of scope: a 2026 proposal,
a proposal, a draft list and a candidate list in Jungar (准格尔旗).
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from collection.db.models import (
    CandidateList,
    DraftList,
    DraftListVersion,
    Notice,
    Proposal,
    Round,
    Screening,
    new_id,
)
from servicekit import areas
from sqlalchemy.orm import Session

NOW = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
YEAR = 2027
SUBMITTER_NAME, SUBMITTER_PHONE = "王翠花", "13904771234"
SCREENERS = ("screener-alpha-7", "screener-beta-9")
EVIL_TITLE = '=HYPERLINK("http://evil.example","点我")'


def _area(code: str) -> areas.Area:
    area = areas.load().get(code)
    assert area is not None, code
    return area


def notice(session: Session, code: str, year: int = YEAR) -> str:
    area = _area(code)
    row = Notice(
        area_code=code,
        area_path=area.path,
        level=area.level,
        year=year,
        title=f"{year}年民生实事项目征集",
        body="",
        opens_at=NOW - timedelta(days=60),
        closes_at=NOW - timedelta(days=5),
        created_by="staff-0",
        created_at=NOW - timedelta(days=61),
    )
    session.add(row)
    session.flush()
    return row.id


def proposal(session: Session, notice_id: str | None, code: str, **values: Any) -> str:
    area = _area(code)
    number = session.info["proposal_seq"] = session.info.get("proposal_seq", 0) + 1
    row = Proposal(
        id=new_id(),
        tracking_code=values.pop("tracking_code", f"T{number:03d}-AAAA-{number:04d}"),
        notice_id=notice_id,
        area_code=code,
        area_path=area.path,
        level=area.level,
        channel=values.pop("channel", "online"),
        title=values.pop("title", f"民生建议{number}"),
        description="小区道路破损，雨天积水，老人出行不便。",
        category=values.pop("category", "基础设施"),
        location_text="林荫街道",
        estimated_cost_fen=values.pop("estimated_cost_fen", 1_234_567),
        submitter_name=SUBMITTER_NAME,
        submitter_phone=SUBMITTER_PHONE,
        deputy_name="李代表",
        entered_by="staff-entering-1",
        status=values.pop("status", "submitted"),
        submitted_at=values.pop("submitted_at", NOW - timedelta(days=30, minutes=-number)),
        year=values.pop("year", YEAR),
        **values,
    )
    session.add(row)
    session.flush()
    return row.id


def screening(
    session: Session, proposal_id: str, screener: str, scores: tuple[int, int, int, int], **kw: Any
) -> None:
    session.add(
        Screening(
            proposal_id=proposal_id,
            screener_id=screener,
            public_benefit=scores[0],
            inclusive=scores[1],
            urgency=scores[2],
            assessable=scores[3],
            verdict=kw.get("verdict", "in_library"),
            reason=kw.get("reason"),
            created_at=kw.get("at", NOW - timedelta(days=20)),
        )
    )


def draft_list(
    session: Session, code: str, *, versions: int, rounds: tuple[str, ...], **kw: Any
) -> str:
    area = _area(code)
    row = DraftList(
        area_code=code,
        area_path=area.path,
        level=area.level,
        year=kw.get("year", YEAR),
        title=kw.get("title", f"{area.name}{YEAR}年民生实事候选项目草案"),
        rounds_planned=3,
        status=kw.get("status", "in_round"),
        created_by="staff-0",
        created_at=NOW - timedelta(days=15),
    )
    session.add(row)
    session.flush()
    for number in range(versions):
        session.add(
            DraftListVersion(
                draft_list_id=row.id,
                number=number,
                items="[]",
                content_hash=f"{number:064d}",
                created_by="staff-0",
                created_at=NOW - timedelta(days=14 - number),
            )
        )
    for number, status in enumerate(rounds, start=1):
        session.add(
            Round(
                draft_list_id=row.id,
                number=number,
                status=status,
                opened_by="staff-0",
                opened_at=NOW - timedelta(days=14 - number),
                closed_at=None if status == "open" else NOW - timedelta(days=13 - number),
            )
        )
    return row.id


def candidate(position: int, proposal_id: str, title: str, category: str) -> dict[str, Any]:
    return {
        "position": position,
        "proposal_id": proposal_id,
        "title": title,
        "summary": "项目简介",
        "category": category,
        "estimated_cost_fen": 50_000_000 + position,
        "lead_department": "区住建局",
        "rationale": "群众呼声高",
    }


def candidate_list(
    session: Session, draft_id: str, code: str, items: list[dict[str, Any]], **kw: Any
) -> str:
    area = _area(code)
    row = CandidateList(
        draft_list_id=draft_id,
        version_number=3,
        area_code=code,
        area_path=area.path,
        level=area.level,
        year=kw.get("year", YEAR),
        seats=kw.get("seats", 2),
        differential_ratio_permille=200,
        items=json.dumps(items, ensure_ascii=False),
        content_hash="ab" * 32,
        frozen_by="staff-freezer-3",
        frozen_at=NOW - timedelta(days=3),
        results_session_id=kw.get("session_id"),
        results_digest="cd" * 32 if kw.get("session_id") else None,
        results_announced_at=NOW - timedelta(days=1) if kw.get("session_id") else None,
    )
    session.add(row)
    session.flush()
    return row.id


def seed(session: Session) -> dict[str, str]:
    """Write the whole year; returns the ids the tests refer to."""
    linyin, boerjiang = notice(session, "150602001"), notice(session, "150602100")
    old, jungar = notice(session, "150602001", 2026), notice(session, "150622100")
    p = {
        "p1": proposal(session, linyin, "150602001", category="教育", status="in_library"),
        "p2": proposal(session, linyin, "150602001", category="教育", status="rejected"),
        "p3": proposal(
            session, linyin, "150602001", channel="deputy", category="医疗卫生", status="in_library"
        ),
        "p5": proposal(session, boerjiang, "150602100", channel="department", year=None),
        "p6": proposal(
            session,
            boerjiang,
            "150602100",
            channel="letter",
            category="养老托育",
            status="needs_info",
        ),
        "p7": proposal(session, boerjiang, "150602100", status="adopted", title="泊江海子镇修路"),
        "p8": proposal(
            session, linyin, "150602001", channel="visit", category="其他", status="not_adopted"
        ),
        "p9": proposal(
            session, linyin, "150602001", category="文化体育", status="adopted", title=EVIL_TITLE
        ),
        "p12": proposal(
            session,
            None,
            "150602010",
            channel="petition",
            category="老旧小区改造",
            source_matter_id="matter-1",
        ),
        "old": proposal(session, old, "150602001", year=2026, status="in_library"),
        "jungar": proposal(session, jungar, "150622100", status="in_library"),
    }
    p["p4"] = proposal(
        session,
        linyin,
        "150602001",
        channel="hotline",
        category="交通出行",
        status="merged",
        merged_into_id=p["p1"],
    )
    alpha, beta = SCREENERS
    early, late = NOW - timedelta(days=25), NOW - timedelta(days=20)
    screening(session, p["p1"], alpha, (2, 2, 2, 2), verdict="rejected", reason="x", at=early)
    screening(session, p["p1"], alpha, (5, 4, 4, 5), at=late)  # re-screened: this one counts
    screening(session, p["p1"], beta, (4, 4, 3, 4))
    screening(session, p["p2"], alpha, (1, 2, 1, 1), verdict="rejected", reason="已有同类项目")
    screening(session, p["p3"], beta, (3, 3, 5, 3))
    screening(session, p["p3"], alpha, (4, 5, 5, 4))
    screening(session, p["p6"], beta, (3, 3, 3, 3), at=early)
    screening(session, p["p6"], beta, (2, 3, 4, 2), verdict="needs_info", at=late)
    screening(session, p["jungar"], alpha, (5, 5, 5, 5))
    screening(session, p["old"], alpha, (5, 5, 5, 5))
    banner_draft = draft_list(
        session, "150602", versions=4, rounds=("closed",) * 3, status="frozen"
    )
    p["street_draft"] = draft_list(session, "150602001", versions=2, rounds=("closed", "open"))
    draft_list(session, "150602", versions=1, rounds=(), year=2026)
    jungar_draft = draft_list(session, "150622", versions=1, rounds=("open",))
    items = [
        candidate(1, p["p7"], "泊江海子镇修路", "基础设施"),
        candidate(2, p["p9"], EVIL_TITLE, "文化体育"),
        candidate(3, p["p8"], "来访建议", "其他"),
    ]
    p["banner_draft"] = banner_draft
    p["candidate_list"] = candidate_list(
        session, banner_draft, "150602", items, session_id="session-2027-1"
    )
    candidate_list(session, jungar_draft, "150622", [candidate(1, p["jungar"], "准旗", "教育")])
    session.commit()
    return p
