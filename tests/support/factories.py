"""Test data builders shared by the tiers (Warehouse keeps its factories in one place too)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from collection.db.models import Notice
from servicekit import migrate
from servicekit.clock import utcnow
from servicekit.db import make_engine
from sqlalchemy import Engine
from sqlalchemy.orm import Session

AREA_CODE, LEVEL = "150602001", "township"


def proposal_submitted_payload(title: str = "修缮林荫街道广场") -> dict[str, Any]:
    """A valid proposal_submitted_v1 payload for a fresh proposal id."""
    return {
        "proposal_id": str(uuid.uuid4()),
        "tracking_code": "T4KQ-7MZP-X2WD",
        "notice_id": str(uuid.uuid4()),
        "area_code": AREA_CODE,
        "level": LEVEL,
        "channel": "online",
        "category": "基础设施",
        "title": title,
        "estimated_cost_fen": 12_000_000,
        "beneficiaries": 3000,
        "submitted_at": datetime.now(UTC).isoformat(),
    }


def migrated_engine(service: str, url: str) -> Engine:
    migrate.upgrade(service, url)
    return make_engine(url)


def add_notice(
    session: Session, days: tuple[int, int] = (-1, 30), year: int = 2027, area_code: str = AREA_CODE
) -> str:
    """A collection notice of a township under 东胜区, open from `days[0]` to `days[1]` from now."""
    now = utcnow()
    notice = Notice(
        area_code=area_code,
        area_path=f"/150600/150602/{area_code}/",
        level="township",
        year=year,
        title="征集",
        body="",
        opens_at=now + timedelta(days=days[0]),
        closes_at=now + timedelta(days=days[1]),
        created_by="u-0",
        created_at=now,
    )
    session.add(notice)
    session.commit()
    return notice.id
