"""Implementation's facts as supervision receives them: one envelope builder per consumed
event, for a township project of 薛家湾镇 (准格尔旗)."""

import uuid
from typing import Any

from contracts.events import (
    FUNDS_DISBURSED,
    PLAN_ADOPTED,
    PROBLEM_OVERDUE,
    PROGRESS_REPORTED,
    PROJECT_COMPLETED,
    PROJECT_CREATED,
    PROJECT_FLAGGED,
    EventSpec,
)
from servicekit.outbox import build_envelope

TOWN = "150622100"
BANNER = "150622"
OTHER_BANNER = "150621"
YEAR = 2026


def project_id(n: int = 1) -> str:
    return f"T-{n:032x}"


def envelope(spec: EventSpec, payload: dict[str, Any]) -> dict[str, Any]:
    return build_envelope(
        spec, payload, area_code=payload["area_code"], level=payload["level"], correlation_id="c"
    )


def _where(n: int, area_code: str = TOWN) -> dict[str, Any]:
    return {"project_id": project_id(n), "area_code": area_code, "level": "township", "year": YEAR}


def created(n: int = 1, category: str = "老旧小区改造", area_code: str = TOWN, **more: Any) -> dict:
    return envelope(
        PROJECT_CREATED,
        {
            **_where(n, area_code),
            "proposal_id": str(uuid.UUID(int=n)),
            "session_id": f"T-{'a' * 32}",
            "title": f"项目{n}：{category}",
            "category": category,
            "estimated_cost_fen": 120_000_00,
            "lead_department": "住建局",
            "results_digest": "d" * 64,
            "created_at": "2026-01-20T03:00:00+00:00",
            **more,
        },
    )


def plan(
    n: int = 1, version: int = 1, leader: str = "副镇长甲", deadline: str = "2026-11-30"
) -> dict:
    return envelope(
        PLAN_ADOPTED,
        {
            **_where(n),
            "version": version,
            "lead_leader": leader,
            "lead_department": "住建局",
            "co_departments": ["财政局"],
            "start": "2026-03-01",
            "deadline": deadline,
            "milestones": 3,
            "reason": "初始方案" if version == 1 else "调整工期",
            "adopted_at": f"2026-02-0{version}T02:00:00+00:00",
        },
    )


def progress(
    n: int = 1, as_of: str = "2026-05-01", actual: str = "45.0", standing: str = "lagging"
) -> dict:
    return envelope(
        PROGRESS_REPORTED,
        {
            **_where(n),
            "proposal_id": str(uuid.UUID(int=n)),
            "report_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{n}-{as_of}")),
            "cadence": "weekly",
            "period": "2026-W18",
            "as_of": as_of,
            "actual_percent": actual,
            "planned_percent": "50.0",
            "standing": standing,
            "reported_at": f"{as_of}T08:00:00+00:00",
        },
    )


def flagged(n: int = 1) -> dict:
    return envelope(
        PROJECT_FLAGGED,
        {
            **_where(n),
            "title": f"项目{n}",
            "consecutive_lagging": 3,
            "actual_percent": "30.0",
            "planned_percent": "50.0",
            "flagged_at": "2026-05-02T01:00:00+00:00",
        },
    )


def overdue(n: int = 1, problem: int = 1, step: str = "friendly_reminder") -> dict:
    return envelope(
        PROBLEM_OVERDUE,
        {
            **_where(n),
            "problem_id": f"T-{problem:032x}",
            "source": "meeting",
            "source_ref": None,
            "due_date": "2026-05-10",
            "step": step,
            "overdue_working_days": 2 if step == "friendly_reminder" else 5,
            "raised_at": f"2026-05-1{'2' if step == 'friendly_reminder' else '5'}T01:00:00+00:00",
        },
    )


def funds(
    n: int = 1, flow: int = 1, disbursed: int = 50_000_00, recorded: str = "2026-04-01"
) -> dict:
    return envelope(
        FUNDS_DISBURSED,
        {
            **_where(n),
            "flow_id": str(uuid.UUID(int=1000 + flow)),
            "kind": "disbursement",
            "source": "本级财政",
            "amount_fen": 50_000_00,
            "flow_date": recorded,
            "voucher_no": f"V{flow:04d}",
            "budget_fen": 120_000_00,
            "disbursed_fen": disbursed,
            "paid_fen": 0,
            "recorded_at": f"{recorded}T03:00:00+00:00",
        },
    )


def completed(n: int = 1) -> dict:
    return envelope(
        PROJECT_COMPLETED,
        {
            **_where(n),
            "proposal_id": str(uuid.UUID(int=n)),
            "title": f"项目{n}",
            "completed_on": "2026-11-20",
            "result": "passed",
            "same_year": True,
            "completed_at": "2026-11-20T06:00:00+00:00",
        },
    )
