"""Supervision · evaluation test data: projects from project_created_v1, callers, a fully
scored default framework, a satisfaction_vote_completed_v1 for a request."""

import copy
import json
import uuid
from typing import Any

from contracts.events import PROJECT_CREATED, SATISFACTION_VOTE_COMPLETED
from contracts.implementation import project_id_for
from servicekit.auth import Principal
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import insert, select
from supervision.db.models import Finding, Project
from supervision.domain import default_framework
from supervision.domain.evaluation import check_framework

BANNER = "150622"  # 准格尔旗
TOWN = "150622100"  # 薛家湾镇, under it
OTHER_TOWN = "150622101"
STAFF = Principal("staff-1", ("congress_staff",), BANNER)
TOWN_STAFF = Principal("staff-2", ("congress_staff",), TOWN)
OTHER_STAFF = Principal("staff-3", ("congress_staff",), OTHER_TOWN)
EVALUATOR = Principal("ev-1", ("evaluator",), BANNER)
DEPUTY = Principal("dep-1", ("deputy",), BANNER)
GOVERNMENT = Principal("gov-1", ("government_staff",), BANNER)


def level_of(area_code: str) -> str:
    return "banner" if len(area_code) == 6 else "township"


def project_created(area_code: str = BANNER, year: int = 2027, n: int = 1) -> dict[str, Any]:
    session_id = ("B-" if len(area_code) == 6 else "T-") + uuid.uuid4().hex
    return {
        "project_id": project_id_for(level_of(area_code), session_id, str(uuid.uuid4())),
        "proposal_id": str(uuid.uuid4()),
        "session_id": session_id,
        "area_code": area_code,
        "level": level_of(area_code),
        "year": year,
        "title": f"民生实事项目{n}",
        "category": "老旧小区改造",
        "estimated_cost_fen": 1_000_000_00,
        "lead_department": "旗住建局",
        "results_digest": "a" * 64,
        "created_at": "2027-01-20T03:00:05+00:00",
    }


def envelope(spec: Any, payload: dict[str, Any]) -> dict[str, Any]:
    area = payload["area_code"]
    return build_envelope(
        spec, payload, area_code=area, level=level_of(area), correlation_id="corr-test"
    )


def add_projects(worker: Any, area_code: str = BANNER, count: int = 1, year: int = 2027) -> list:
    ids = []
    for n in range(count):
        fact = project_created(area_code, year, n)
        worker.handle_implementation_project_created(envelope(PROJECT_CREATED, fact))
        ids.append(fact["project_id"])
    return ids


def framework_body(area_code: str = BANNER, scope: str = "project") -> dict[str, Any]:
    template = copy.deepcopy(default_framework.template())
    return {
        "area_code": area_code,
        "name": "准格尔旗民生实事绩效评价指标体系",
        "scope": scope,
        "weight_unit": "points",
        "indicators": template["indicators"],
        "grade_bands": template["grade_bands"],
    }


def full_scores(minus: dict[str, str] | None = None) -> dict[str, str]:
    """Every leaf of the default at its weight, except those given."""
    leaves = check_framework(default_framework.INDICATORS, "points")
    return {leaf.key: str(leaf.weight) for leaf in leaves} | (minus or {})


def completed(
    vote: dict[str, Any],
    counts: dict[str, tuple[int, int, int, int]],
    valid: int,
    void: bool = False,
) -> dict[str, Any]:
    """satisfaction_vote_completed_v1 for a requested vote: counts per project id."""
    return {
        "session_id": vote["session_id"],
        "area_code": vote["area_code"],
        "level": level_of(vote["area_code"]),
        "year": vote["year"],
        "digest": "c4" * 32,
        "void": void,
        "completed_at": "2027-12-20T02:00:00+00:00",
        "ballots": {"issued": valid + 1, "returned": valid + 1, "valid": valid, "invalid": 1},
        "projects": [
            {
                "project_id": pid,
                "title": "项目",
                "satisfied": s,
                "basically": b,
                "dissatisfied": d,
                "abstain": a,
                "rate": f"{s + b}/{valid}",
                "rate_permille": (s + b) * 1000 // valid if valid else None,
            }
            for pid, (s, b, d, a) in counts.items()
        ],
    }


def completed_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    return envelope(SATISFACTION_VOTE_COMPLETED, payload)


def published(session: Any, event_type: str) -> list[dict[str, Any]]:
    session.rollback()
    rows = session.execute(select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type))
    return [json.loads(text)["payload"] for (text,) in rows]


def seed_city_year(session: Any, now: Any) -> None:
    """400 projects under the city (4 townships, two of three completed in the year) and 2,000
    findings (half closed), inserted in bulk: the year-end report's benchmark data."""
    towns = ["150622100", "150622101", "150621100", "150602100"]
    projects = [
        {
            "id": f"T-{uuid.uuid4().hex}",
            "public_code": f"T{n:010d}",
            "area_code": towns[n % 4],
            "area_path": f"/150600/{towns[n % 4][:6]}/{towns[n % 4]}/",
            "level": "township",
            "year": 2027,
            "title": f"项目{n}",
            "category": "其他",
            "proposal_id": str(n),
            "session_id": "T-" + "0" * 32,
            "status": "completed" if n % 3 else "in_progress",
            "same_year": bool(n % 3),
            "plan_version": 1,
            "flagged": False,
            "budget_fen": 1000_00,
            "disbursed_fen": 500_00,
            "paid_fen": 250_00,
            "overdue_problems": 0,
            "created_at": now,
        }
        for n in range(400)
    ]
    session.execute(insert(Project), projects)
    session.execute(
        insert(Finding),
        [
            {
                "id": str(uuid.uuid4()),
                "project_id": projects[n % 400]["id"],
                "area_code": projects[n % 400]["area_code"],
                "area_path": projects[n % 400]["area_path"],
                "year": 2027,
                "source": "inspection",
                "text": "问题",
                "photos": "[]",
                "state": ("open", "closed")[n % 2],
                "raised_by": "s",
                "raised_at": now,
            }
            for n in range(2000)
        ],
    )
    session.commit()
