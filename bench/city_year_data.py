"""Synthetic data for bench.bench_city_year: a city's year of projects, deterministic.

Per township, one announced result (5 elected of 6) becomes 5 projects. Each project gets the
same three-milestone plan (design 1/4 in Q1, tender 1/4 in April, works 1/2 from May to its
deadline, 31 October or 30 November) and progresses at one of five paces (1.2, 1, 0.9, 0.75 or
0.5 of 序时进度), so a year's reports say ahead, on track and lagging, and the slow ones are
flagged. Budgets are the estimate, 70% own fiscal and 30% higher project funds; five
disbursements each (March to November) bring each project to one of five spend ratios (100%,
90%, 70%, 50%, 30%), so the warning rules find lags and progress/spend gaps.

Reports: 52 weekly (2026-W01..W52), 12 monthly, 4 quarterly per project, each dated at its
period's end — but never after today (a report's `as_of` may not lie in the future): run on
2026-12-03, the periods still running or to come (W49..W52, December, Q4) are dated today.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from tests.support import projects as p

CITY = "150600"  # 鄂尔多斯市
YEAR = p.YEAR
PER_AREA_CANDIDATES = 6  # 5 elected, 1 not
PACES = (Fraction(6, 5), Fraction(1), Fraction(9, 10), Fraction(3, 4), Fraction(1, 2))
SPEND = (Fraction(1), Fraction(9, 10), Fraction(7, 10), Fraction(1, 2), Fraction(3, 10))
DEADLINES = (date(YEAR, 10, 31), date(YEAR, 11, 30))
FLOW_DATES = tuple(date(YEAR, month, 20) for month in (3, 5, 7, 9, 11))
OWN_SHARE = Fraction(7, 10)
STEP = 20  # shares are reported in twentieths, as people report "35%"


def today() -> date:
    """As the service dates things: in Beijing (implementation.use_cases.common.today)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass(frozen=True)
class Period:
    cadence: str
    key: str
    as_of: date


@dataclass(frozen=True)
class Project:
    """One project as the benchmark drives it: its id, area, pace, spend ratio and budget."""

    id: str
    area_code: str
    number: int  # 1..5 within its township
    pace: Fraction
    spend: Fraction
    deadline: date
    estimate_fen: int

    def milestones(self) -> list[tuple[str, Fraction, date, date]]:
        return [
            ("design", Fraction(1, 4), date(YEAR, 1, 5), date(YEAR, 3, 31)),
            ("tender", Fraction(1, 4), date(YEAR, 4, 1), date(YEAR, 4, 30)),
            ("works", Fraction(1, 2), date(YEAR, 5, 1), self.deadline),
        ]


def results(area_code: str, town_name: str) -> dict[str, Any]:
    """session_results_announced_v1 of the township's congress: 5 elected, 1 not."""
    payload = p.results(elected=5, other=PER_AREA_CANDIDATES - 5, area=area_code)
    for candidate in payload["candidates"]:
        candidate["title"] = f"{town_name}第{candidate['rank']}号民生实事项目"
    return payload


def projects_of(payload: dict[str, Any], town_index: int, project_id: Any) -> list[Project]:
    found = []
    for candidate in payload["candidates"]:
        if not candidate["elected"]:
            continue
        n = candidate["rank"]
        found.append(
            Project(
                id=project_id("township", payload["session_id"], candidate["proposal_id"]),
                area_code=payload["area_code"],
                number=n,
                pace=PACES[(town_index + n) % len(PACES)],
                spend=SPEND[(town_index + 2 * n) % len(SPEND)],
                deadline=DEADLINES[(town_index + n) % len(DEADLINES)],
                estimate_fen=int(candidate["estimated_cost_fen"]),
            )
        )
    return found


def periods(today: date) -> list[Period]:
    """Every report period of the year in the order they fall due (as_of, then cadence)."""
    found = []
    for week in range(1, 53):
        end = date.fromisocalendar(YEAR, week, 7)
        found.append(Period("weekly", f"{YEAR}-W{week:02d}", min(end, today)))
    for month in range(1, 13):
        end = date(YEAR + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        found.append(Period("monthly", f"{YEAR}-{month:02d}", min(end, today)))
    for quarter in range(1, 5):
        end = date(YEAR + quarter // 4, (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        found.append(Period("quarterly", f"{YEAR}-Q{quarter}", min(end, today)))
    order = {"weekly": 0, "monthly": 1, "quarterly": 2}
    return sorted(found, key=lambda period: (period.as_of, order[period.cadence]))


def plan(project: Project) -> dict[str, Any]:
    return p.plan(
        start=date(YEAR, 1, 5).isoformat(),
        deadline=project.deadline.isoformat(),
        milestones=[
            p.milestone(key, title, str(weight), start.isoformat(), due.isoformat())
            for (key, weight, start, due), title in zip(
                project.milestones(), ("完成设计", "完成招标", "完成施工"), strict=True
            )
        ],
    )


def _elapsed(start: date, due: date, at: date) -> Fraction:
    if at < start:
        return Fraction(0)
    if at >= due:
        return Fraction(1)
    return Fraction((at - start).days + 1, (due - start).days + 1)


def shares(project: Project, at: date) -> dict[str, str]:
    """What the project reports at `at`: each milestone's share, pace × the time gone by,
    rounded down to a twentieth (never more than 1; so never falling between two reports)."""
    said = {}
    for key, _, start, due in project.milestones():
        done = min(Fraction(1), project.pace * _elapsed(start, due, at))
        said[key] = str(Fraction(int(done * STEP), STEP))
    return said


def report(project: Project, period: Period) -> dict[str, Any]:
    return p.report(
        period.key, period.as_of.isoformat(), shares(project, period.as_of), period.cadence
    )


def finished(project: Project, today: date) -> bool:
    return all(share == "1" for share in shares(project, today).values())


def budget(project: Project) -> dict[str, Any]:
    own = int(project.estimate_fen * OWN_SHARE)
    return {
        "amounts": {"own_fiscal": own, "higher_project": project.estimate_fen - own},
        "pro_code": f"{project.area_code}-{YEAR}-{project.number:02d}",
        "reason": "年初预算",
    }


def disbursements(project: Project, payee: str) -> list[dict[str, Any]]:
    """Five flows, own fiscal in March, July and November, higher project funds in May and
    September, adding up to the project's spend ratio of each source's budget (in fen)."""
    amounts = budget(project)["amounts"]
    plan = {"own_fiscal": (0, 2, 4), "higher_project": (1, 3)}
    flows: list[dict[str, Any]] = [{} for _ in FLOW_DATES]
    for source, slots in plan.items():
        total = int(amounts[source] * project.spend)
        for k, slot in enumerate(slots):
            part = total // len(slots) + (total % len(slots) if k == 0 else 0)
            flows[slot] = {
                "kind": "disbursement",
                "source": source,
                "amount_fen": max(part, 1),
                "flow_date": FLOW_DATES[slot].isoformat(),
                "voucher_no": f"BF{project.area_code}{project.number:02d}{slot + 1}",
                "payee": payee,
            }
    return flows


def acceptance(today: date) -> dict[str, Any]:
    return {
        "accepted_on": today.isoformat(),
        "accepting_body": "镇人大主席团",
        "result": "passed",
        "note": "工程完工，资料齐全，验收合格",
    }
