"""Demo data for stage 3 (政府办): two elected projects of the demo town 薛家湾镇 with their task
plans, a few scheduling reports, budgets (one drawing on a banner special-fund pool),
disbursements and exactly one open fund warning — all made over HTTP like any client, from a
real vote (scripts.http_vote: proposals → screening → frozen list → session → ballots →
announcement; implementation makes the projects from the announced result).

Dates. Everything is dated by the business date: today in Beijing, or MINSHENG_TODAY in a
development stack (servicekit.clock.business_date, the day implementation itself judges by).
The projects are the current year's (Y = that date's year): a report can never be dated after
today, so only a year that has begun can show progress. Collection dates a proposal by the
notice it joins, and `ensure_notices` opens each area's notice for the year it closes in
(from November on, next year's). So the vote takes the town's open notice when it is for Y;
otherwise the demo opens a notice of Y for a few seconds (collection allows several notices
per area, and a submission joins the open one closing soonest), submits its three proposals
into it and waits until it has closed before `make run` prints READY, so every later
submission joins the town's regular notice as before.

Plans run 1 January to 31 December of Y; the reports are weekly at today and 7, 14 and 21
days before, plus one monthly at the end of last month, each only if it falls within Y (on
1 January: one report). Project A reports exactly the progress its plan calls for at each
date (正常), project B half of it (慢序时 once that is more than 10 points behind; three in a
row put it under flagged supervision, 挂牌督办). The money is set from the last report so that
on any date exactly one warning is open, B's 资金超前于进度 (disbursed 30 points ahead of its
progress; the lag rule would exist only from 31 July, so it cannot be the one on every date).
A is disbursed as far as it progressed, B 30 points beyond; from 31 July on their plans say
more than 58%, so A is disbursed more than 58% and B more than 59%, above the 40% that
7月底拨付不低于40% asks, and nothing is over budget (tests/unit/scripts/test_demo_projects.py
checks every day of a year with implementation's own rules). Warnings opened and resolved on
the way (between a budget and its first disbursement) stay in the history as resolved.

Idempotent: a town that has any project already is left alone (nothing added on a second
`make run`; a run stopped half way is not completed later).
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from math import ceil
from typing import Any

from servicekit.clock import business_date, utcnow

from scripts import demo_data
from scripts.http_vote import Http, Proposal, Refused, hold_vote, login, projects_of, submit
from scripts.http_vote import candidate_list as frozen_list

TOWN = demo_data.ROSTER_AREA  # 薛家湾镇
FINANCE = "caizheng"  # 薛家湾镇财政所 (demo_data.DEMO_ACCOUNTS)
WAN = 1_000_000  # fen in 1 万元
NOTICE_SECONDS = 4  # how long the demo's own notice stays open (the vote takes longer)
# A and B are elected; C is the candidate the differential ratio needs (3 for 2 seats).
PROPOSALS = (
    Proposal(
        "薛家湾镇老旧小区供热管网改造", "老旧小区改造", 320 * WAN,
        "小区供热管网老化，冬季室温不达标，群众反映强烈，希望更换管网。",
        "薛家湾镇老旧小区片区", "住房和城乡建设局",
    ),
    Proposal(
        "薛家湾镇第二小学运动场改造", "教育", 180 * WAN,
        "学校运动场为煤渣跑道，雨雪天无法使用，建议改建塑胶跑道。",
        "薛家湾镇第二小学", "教育局",
    ),
    Proposal(
        "薛家湾镇社区老年助餐点建设", "养老托育", 90 * WAN,
        "社区独居老人多，就餐不便，建议建设老年助餐点。", "薛家湾镇社区", "民政局",
    ),
)  # fmt: skip
# 24 of the 30 demo deputies present (quorum: more than two thirds); elected needs more than
# half of all 30: A 24, B 18, C 6 approvals.
PRESENT = [f"DEMO-{n:03d}" for n in range(1, 25)]
TARGETS = (
    [{"task": "更换供热管网", "quantity": 12, "unit": "公里"}],
    [{"task": "改建塑胶跑道运动场", "quantity": 1, "unit": "个"}],
)
POOL_FEN = 500 * WAN  # 准格尔旗: 500 万元 a township a year (banner_special)
BUDGETS = (
    {"own_fiscal": 120 * WAN, "banner_special": 200 * WAN},
    {"own_fiscal": 180 * WAN},
)
GAP = Fraction(3, 10)  # B's money ahead of its progress: over the 20 points the rule allows


@dataclass(frozen=True)
class DemoProjects:
    year: int
    titles: list[str]
    reports: int
    open_warnings: int


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    weight: Fraction
    start: date
    due: date

    def elapsed(self, at: date) -> Fraction:
        """序时: the share of its window gone by at the end of day `at` (as implementation's
        domain.progress counts it)."""
        if at < self.start:
            return Fraction(0)
        if at >= self.due:
            return Fraction(1)
        return Fraction((at - self.start).days + 1, (self.due - self.start).days + 1)


def milestones(year: int) -> list[Milestone]:
    return [
        Milestone("design", "完成设计", Fraction(1, 4), date(year, 1, 1), date(year, 3, 31)),
        Milestone("tender", "完成招标", Fraction(1, 4), date(year, 4, 1), date(year, 6, 30)),
        Milestone("works", "完成施工", Fraction(1, 2), date(year, 7, 1), date(year, 12, 31)),
    ]


def report_days(today: date) -> list[tuple[str, date]]:
    """(cadence, as_of) of the demo's reports, oldest first: within the year, never after today."""
    weekly = [("weekly", today - timedelta(days=7 * n)) for n in (3, 2, 1, 0)]
    month_end = today.replace(day=1) - timedelta(days=1)
    found = [(c, d) for c, d in (*weekly, ("monthly", month_end)) if d.year == today.year]
    return sorted(found, key=lambda item: item[1])


def period(cadence: str, day: date) -> str:
    if cadence == "monthly":
        return f"{day.year}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def ensure_projects(base_url: str) -> DemoProjects | None:
    """The demo town's two projects with everything above, unless the town has projects."""
    gov = login_as(base_url, "zhengfu")
    if gov.call("GET", "/api/v1/projects", params={"area_code": TOWN})["total"]:
        return None
    today = business_date()
    closes = _vote(base_url, gov, today.year)
    projects = projects_of(gov, TOWN, today.year, 2)
    by_title = {p["title"]: p["id"] for p in projects}
    ids = [by_title[p.title] for p in PROPOSALS[:2]]
    reports = sum(_plan_and_report(gov, pid, n, today) for n, pid in enumerate(ids))
    finance = login_as(base_url, FINANCE)
    _fund(finance, ids, today)
    query = {"area_code": TOWN, "year": today.year}
    warnings = finance.call("GET", "/api/v1/warnings", params=query)["total"]
    if closes is not None:  # later submissions must join the town's regular notice
        time.sleep(max(0.0, (closes - utcnow()).total_seconds() + 0.2))
    return DemoProjects(today.year, [p.title for p in PROPOSALS[:2]], reports, warnings)


def login_as(base_url: str, username: str) -> Http:
    (password,) = [row[4] for row in demo_data.DEMO_ACCOUNTS if row[0] == username]
    return login(base_url, username, password)


def _vote(base_url: str, gov: Http, year: int) -> datetime | None:
    """The three proposals listed, voted on and announced. Returns when the demo's own notice
    closes (None if the town's open notice was for `year` already)."""
    public = Http(base_url)
    submitted, closes = _submit_all(public, gov, year)
    frozen = frozen_list(public, gov, TOWN, year, PROPOSALS, seats=2, submitted=submitted)
    a, b, c = frozen.candidates
    ballots = [{a: "approve", b: "approve", c: "oppose"}] * 18
    ballots += [{a: "approve", c: "approve", b: "oppose"}] * 6
    title = f"薛家湾镇{year}年民生实事项目票决（演示）"
    hold_vote(login_as(base_url, "renda"), public, frozen, PRESENT, ballots, title)
    return closes


def _submit_all(public: Http, gov: Http, year: int) -> tuple[list[dict[str, Any]], datetime | None]:
    """The three proposals, submitted publicly into a notice of `year`: the town's open one,
    else one the demo opens for NOTICE_SECONDS (opened again if it closed under a slow call)."""
    closes = None if _open_notice_of(public, year) else _open_short_notice(gov, year)
    submitted = []
    for proposal in PROPOSALS:
        try:
            submitted.append(submit(public, TOWN, proposal))
        except Refused as refused:
            if refused.status != 422 or closes is None:
                raise
            closes = _open_short_notice(gov, year)
            submitted.append(submit(public, TOWN, proposal))
    return submitted, closes


def _open_notice_of(public: Http, year: int) -> bool:
    items = public.call("GET", "/api/v1/notices", params={"area_code": TOWN})["items"]
    return any(n["status"] == "open" and n["year"] == year for n in items)


def _open_short_notice(gov: Http, year: int) -> datetime:
    now = utcnow()
    closes = now + timedelta(seconds=NOTICE_SECONDS)
    notice = {
        "area_code": TOWN,
        "year": year,
        "title": f"薛家湾镇{year}年民生实事项目补充征集（演示票决用）",
        "body": "演示数据：本公告仅开放数秒，收录演示票决的三项建议。",
        "opens_at": (now - timedelta(seconds=1)).isoformat(),
        "closes_at": closes.isoformat(),
    }
    gov.call("POST", "/api/v1/notices", 201, body=notice)
    return closes


def plan(index: int, year: int) -> dict[str, Any]:
    """The task plan of A (index 0) or B: the whole of `year`, three milestones."""
    steps = [
        {"key": m.key, "title": m.title, "weight": str(m.weight)}
        | {"start": m.start.isoformat(), "due": m.due.isoformat()}
        for m in milestones(year)
    ]
    return {
        "lead_leader": "王副镇长",
        "lead_department": PROPOSALS[index].lead_department,
        "co_departments": ["镇财政所", "社区居委会"],
        "targets": TARGETS[index],
        "start": date(year, 1, 1).isoformat(),
        "deadline": date(year, 12, 31).isoformat(),
        "milestones": steps,
        "reason": "初始方案（演示）",
    }


def report(index: int, cadence: str, day: date) -> dict[str, Any]:
    """A's report says what its plan calls for at `day`; B's half of it."""
    scale = Fraction(1, 1 + index)
    shares = [{"key": m.key, "done": str(m.elapsed(day) * scale)} for m in milestones(day.year)]
    lagging = ["施工队伍进场滞后"] if index else []
    return {
        "cadence": cadence,
        "period": period(cadence, day),
        "as_of": day.isoformat(),
        "milestones": shares,
        "narrative": "施工队伍进场滞后，正在协调（演示）" if index else "按计划推进（演示）",
        "problems_met": lagging,
    }


def _plan_and_report(gov: Http, project_id: str, index: int, today: date) -> int:
    """The plan, then the reports (the monthly one is A's lead leader's). Returns how many."""
    gov.call("PUT", f"/api/v1/projects/{project_id}/plan", body=plan(index, today.year))
    days = [(c, d) for c, d in report_days(today) if not (index and c == "monthly")]
    for cadence, day in days:
        body = report(index, cadence, day)
        gov.call("POST", f"/api/v1/projects/{project_id}/reports", 201, body=body)
    return len(days)


def progress_at(today: date, scale: Fraction) -> Fraction:
    """A's progress (scale 1) or B's (1/2) as its report of `today` says."""
    return sum((m.weight * m.elapsed(today) * scale for m in milestones(today.year)), Fraction(0))


def _fund(finance: Http, ids: list[str], today: date) -> None:
    """The banner's pool, both budgets, then disbursements: A as far as it progressed, B 30
    points ahead of its progress (the one warning)."""
    pool = {"area_code": TOWN, "year": today.year, "source": "banner_special"}
    pool |= {"allocated_fen": POOL_FEN, "note": "准格尔旗旗区专项：每镇每年 500 万元（演示）"}
    finance.call("PUT", "/api/v1/fund-pools", body=pool)
    for n, (project_id, amounts) in enumerate(zip(ids, BUDGETS, strict=True), 1):
        budget = {"amounts": amounts, "pro_code": f"XJW{today.year}{n:04d}"}
        budget["reason"] = "年初预算（演示）"
        finance.call("PUT", f"/api/v1/projects/{project_id}/budget", body=budget)
    for n, (index, source, amount) in enumerate(disbursements(today), 1):
        flow = {"kind": "disbursement", "source": source, "amount_fen": amount}
        flow |= {"flow_date": today.isoformat(), "voucher_no": f"XJW-{today.year}-{n:03d}"}
        flow |= {"payee": "薛家湾镇人民政府", "note": "按进度拨付（演示）"}
        finance.call("POST", f"/api/v1/projects/{ids[index]}/disbursements", 201, body=flow)


def disbursements(today: date) -> list[tuple[int, str, int]]:
    """(project index, source, fen): A's total as far as it progressed (the pool first), B's
    GAP ahead of its progress."""
    a_total = round(sum(BUDGETS[0].values()) * progress_at(today, Fraction(1)))
    b_total = ceil(sum(BUDGETS[1].values()) * (progress_at(today, Fraction(1, 2)) + GAP))
    from_pool = min(a_total, BUDGETS[0]["banner_special"])
    flows = [(0, "banner_special", from_pool), (0, "own_fiscal", a_total - from_pool)]
    return [f for f in [*flows, (1, "own_fiscal", b_total)] if f[2] > 0]
