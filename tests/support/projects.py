"""Projects as the tests make them: an announced result for a township, a plan with three
milestones of weights 1/4, 1/4, 1/2, and a period's report."""

import uuid
from datetime import date
from typing import Any

from contracts.events import SESSION_RESULTS_ANNOUNCED
from servicekit.auth import Principal
from servicekit.outbox import build_envelope

AREA = "150622100"  # 薛家湾镇, a township of Jungar Banner
YEAR = 2026
STAFF = Principal("gov-1", ("government_staff",), "150622100")
BANNER_STAFF = Principal("gov-b", ("government_staff",), "150622")  # covers the township
OTHER_STAFF = Principal("gov-2", ("government_staff",), "150602")  # another banner
DEPUTY = Principal("dep-1", ("deputy",), "150622100")
CONGRESS = Principal("rd-1", ("congress_staff",), "150622")


def results(
    elected: int = 3, other: int = 1, session_id: str | None = None, area: str = AREA
) -> dict[str, Any]:
    """session_results_announced_v1 with `elected` winners and `other` losers."""

    def candidate(n: int, won: bool) -> dict[str, Any]:
        return {
            "proposal_id": str(uuid.uuid4()),
            "title": f"第{n}号民生实事项目",
            "approve": 50 - n,
            "oppose": 3,
            "abstain": 1,
            "elected": won,
            "rank": n,
            "category": "老旧小区改造",
            "estimated_cost_fen": 1_200_000_00 * n,
            "lead_department": "住房和城乡建设局",
        }

    return {
        "session_id": session_id or f"T-{uuid.uuid4().hex}",
        "candidate_list_id": str(uuid.uuid4()),
        "area_code": area,
        "level": "township",
        "year": YEAR,
        "rules_version": 1,
        "digest": "d" * 64,
        "announced_at": "2026-01-20T03:00:00+00:00",
        "ballots": {"issued": 60, "returned": 58, "valid": 57, "invalid": 1},
        "candidates": [candidate(n, n <= elected) for n in range(1, elected + other + 1)],
    }


def envelope(payload: dict[str, Any]) -> dict[str, Any]:
    return build_envelope(
        SESSION_RESULTS_ANNOUNCED,
        payload,
        area_code=payload["area_code"],
        level=payload["level"],
        correlation_id="corr-test",
    )


def plan(**changes: Any) -> dict[str, Any]:
    """A plan for 2026: design (1/4) in March, tender (1/4) in April, works (1/2) May–October."""
    body = {
        "lead_leader": "王副镇长",
        "lead_department": "住房和城乡建设局",
        "co_departments": ["财政局", "社区居委会"],
        "targets": [{"task": "改造老旧小区", "quantity": 12, "unit": "个"}],
        "start": "2026-03-01",
        "deadline": "2026-10-31",
        "milestones": [
            milestone("design", "完成设计", "1/4", "2026-03-01", "2026-03-31"),
            milestone("tender", "完成招标", "0.25", "2026-04-01", "2026-04-30"),
            milestone("works", "完成施工", "1/2", "2026-05-01", "2026-10-31"),
        ],
        "reason": "初始方案",
    }
    return {**body, **changes}


def plan_in(year: int, **changes: Any) -> dict[str, Any]:
    """`plan()` with its dates moved into `year`."""
    body = plan(**changes)

    def moved(day: str) -> str:
        return f"{year}{day[4:]}"

    body["start"], body["deadline"] = moved(body["start"]), moved(body["deadline"])
    body["milestones"] = [
        {**m, "start": moved(m["start"]), "due": moved(m["due"])} for m in body["milestones"]
    ]
    return body


def milestone(key: str, title: str, weight: str, start: str, due: str) -> dict[str, str]:
    return {"key": key, "title": title, "weight": weight, "start": start, "due": due}


def report(
    period: str, as_of: str, shares: dict[str, str], cadence: str = "weekly"
) -> dict[str, Any]:
    return {
        "cadence": cadence,
        "period": period,
        "as_of": as_of,
        "milestones": [{"key": k, "done": v} for k, v in shares.items()],
        "narrative": "按计划推进",
    }


def iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"
