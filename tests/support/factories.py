"""Test data builders shared by the tiers (Warehouse keeps its factories in one place too)."""

import uuid
from datetime import UTC, datetime
from typing import Any

from servicekit import migrate
from servicekit.db import make_engine
from sqlalchemy import Engine

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
