"""A township's year over HTTP on PostgreSQL (issue 12): results announced → 10 projects →
plans → 40 weekly reports, one lagging project flagged (挂牌督办) → a problem overdue and
escalated by the reminders (温馨提示 → 限期督促 → 专报通报, problem_overdue_v1 each) → a
genuine, signed rectification_requested_v1 as supervision publishes it, turned into a problem,
rectified and reported (rectification_reported_v1) → budgets, disbursements, one refused
beyond budget with the figures, a disbursement-lag warning → treasury payments imported and
reconciled with one amount mismatch → nine accepted, one carried over: 当年完成率 9/10 = 90%
with the carried-over project listed → an original proposal's tracking page shows 已立项 and
its latest progress.

Dates. The vote happens now, in the year of the notice `make run` opened in 沙圪堵镇 (this year,
or next from November on). Implementation's business date is the development clock at 20
December of that year (MINSHENG_TODAY with MINSHENG_DEV=1, this module's stack only), so
reports, payments and acceptances are dated through the project's year whatever the real date,
the 31 July disbursement rule applies, and the year's completion can be counted.
"""

import time
import uuid
from datetime import date, timedelta
from fractions import Fraction

import pytest
from contracts.events import PROBLEM_OVERDUE, RECTIFICATION_REPORTED, RECTIFICATION_REQUESTED
from implementation.domain.plan import Milestone
from implementation.domain.progress import elapsed_share, percent
from servicekit.clock import utcnow
from servicekit.outbox import build_envelope
from servicekit.testing import wait_until

from scripts import demo_data, http_vote
from scripts.http_vote import Http, Proposal
from tests.e2e.test_intake_journey import create_account
from tests.support import projects as p
from tests.support.events import event_tap, publish

TOWN = "150622101"  # 沙圪堵镇 (准格尔旗): no demo data here
YEAR = demo_data.notice_year(utcnow())
TODAY = date(YEAR, 12, 20)
WAN = 1_000_000
SUBJECTS = ("供暖管网", "路灯", "停车场", "卫生室", "幼儿园", "老年食堂",
            "公共厕所", "健身广场", "排水管道", "公交站台", "充电桩", "文化室")  # fmt: skip
LAGGING = 9  # the tenth project lags, is flagged, and is carried over
PASSWORD = "e2e-password-123"  # what create_account gives


@pytest.fixture(scope="module")
def make_run_env() -> dict[str, str]:
    return {"MINSHENG_DEV": "1", "MINSHENG_TODAY": TODAY.isoformat()}


class People:
    def __init__(self, make_run):
        def account(username: str, role: str, area: str = TOWN) -> Http:
            create_account(make_run, username, role, area)
            return http_vote.login(make_run.base_url, username, PASSWORD)

        self.public = Http(make_run.base_url)
        self.gov = account("year-zhengfu", "government_staff")
        self.finance = account("year-caizheng", "finance_staff")
        self.staff = account("year-renda", "congress_staff", "150622")
        self.admin = http_vote.login(make_run.base_url, "admin", "demo-admin-2026")


@pytest.fixture(scope="module")
def people(make_run) -> People:
    return People(make_run)


@pytest.fixture(scope="module")
def taps(amqp_uri):
    """Test consumers on implementation's events, bound before anything is published."""
    with (
        event_tap(amqp_uri, PROBLEM_OVERDUE) as overdue,
        event_tap(amqp_uri, RECTIFICATION_REPORTED) as reported,
    ):
        yield {"overdue": overdue, "reported": reported}


def test_a_townships_year(make_run, people, taps, amqp_uri):
    assert f"MINSHENG_TODAY={TODAY}" in "".join(make_run.output)  # the banner says so
    frozen, projects = vote_ten_of_twelve(people)
    plan_and_report(people.gov, projects)
    escalate_an_overdue_problem(people, projects[LAGGING], taps["overdue"])
    rectify_on_request(people.gov, amqp_uri, projects[0], taps["reported"])
    fund(people.finance, projects)
    reconcile_treasury(people.finance, projects)
    accept_nine_carry_one(people.gov, projects)
    completion_is_nine_of_ten(people.gov, projects)
    tracking_page_shows_the_project(people.public, frozen, projects[0])


def vote_ten_of_twelve(people: People) -> tuple[http_vote.FrozenList, list[dict]]:
    notices = people.public.call("GET", "/api/v1/notices", params={"area_code": TOWN})
    assert [n["year"] for n in notices["items"] if n["status"] == "open"] == [YEAR]
    proposals = [
        Proposal(f"沙圪堵镇{subject}改造", "基础设施", (n + 1) * 10 * WAN)
        for n, subject in enumerate(SUBJECTS)
    ]
    frozen = http_vote.candidate_list(people.public, people.gov, TOWN, YEAR, proposals, seats=10)
    http_vote.adopt_rules(
        people.staff, TOWN, utcnow().date(), "测试人大〔票决〕1号", "人大主席团公告栏"
    )
    roster = http_vote.roster_csv("SG", 30)
    assert http_vote.import_roster(people.staff, TOWN, "沙圪堵镇人大代表名册", roster) == 30
    c = frozen.candidates
    ballot = dict.fromkeys(c[:10], "approve") | dict.fromkeys(c[10:], "oppose")
    present = [f"SG-{n:03d}" for n in range(1, 25)]  # 24 of 30: quorum, and 24 > 30 / 2
    title = f"沙圪堵镇第十八届人民代表大会（{YEAR}年民生实事项目票决）"
    announced = http_vote.hold_vote(
        people.staff, people.public, frozen, present, [ballot] * 24, title
    )
    assert [e["candidate_id"] for e in announced["elected"]] == c[:10]
    made = http_vote.projects_of(people.gov, TOWN, YEAR, 10)
    assert len(made) == 10 and {m["status"] for m in made} == {"created"}
    order = [frozen.titles[cid] for cid in c[:10]]
    return frozen, sorted(made, key=lambda m: order.index(m["title"]))


def works() -> Milestone:
    """The plan's third milestone (tests.support.projects.plan): half the weight, May–October."""
    return Milestone("works", "完成施工", Fraction(1, 2), date(YEAR, 5, 1), date(YEAR, 10, 31))


def report_days() -> list[date]:
    """Four Fridays in September: the works milestone (May–October) is under way."""
    first = date(YEAR, 9, 1)
    friday = first + timedelta(days=(4 - first.weekday()) % 7)
    return [friday + timedelta(weeks=n) for n in range(4)]


def shares(index: int, day: date) -> dict[str, str]:
    """On plan: design and tender done, works as far as its dates say. The lagging project:
    tender half done, works not started (37.5% against a plan of more than 80%)."""
    if index == LAGGING:
        return {"design": "1", "tender": "1/2", "works": "0"}
    return {"design": "1", "tender": "1", "works": str(elapsed_share(works(), day))}


def plan_and_report(gov: Http, projects: list[dict]) -> None:
    for project in projects:
        plan = p.plan_in(YEAR, lead_department=project["lead_department"] or "住建局")
        assert gov.call("PUT", f"/api/v1/projects/{project['id']}/plan", body=plan)["version"] == 1
    answers: dict[int, list[dict]] = {}
    for day in report_days():  # the weeks in order, every project each week: 40 reports
        for index, project in enumerate(projects):
            body = p.report(p.iso_week(day.isoformat()), day.isoformat(), shares(index, day))
            path = f"/api/v1/projects/{project['id']}/reports"
            answers.setdefault(index, []).append(gov.call("POST", path, 201, body=body))
    assert sum(len(a) for a in answers.values()) == 40
    for index, reports in answers.items():
        standings = [r["standing"] for r in reports]
        assert standings == (["lagging"] * 4 if index == LAGGING else ["on_track"] * 4)
        flagged = [r["flagged_now"] for r in reports]
        assert flagged == ([False, False, True, False] if index == LAGGING else [False] * 4)
    listed = gov.call("GET", "/api/v1/projects", params={"area_code": TOWN, "year": YEAR})
    assert [m["id"] for m in listed["items"] if m["flagged"]] == [projects[LAGGING]["id"]]


def known_calendar(people: People) -> None:
    """The reminders count working days: a year neither chinese-calendar nor the override
    table knows is entered as the State Council's notice would be (a test schedule)."""
    if people.gov.call("GET", f"/api/v1/work-calendar/{YEAR}")["known"]:
        return
    holidays = [date(YEAR, 1, 1), *(date(YEAR, 10, d) for d in range(1, 8))]
    body = {
        "holidays": [d.isoformat() for d in holidays],
        "workdays": [],
        "document_ref": f"测试用 {YEAR} 年节假日安排（非官方）",
    }
    people.admin.call("PUT", f"/api/v1/work-calendar/{YEAR}", body=body)


def drained(drain, count: int, what: str) -> list[dict]:
    """What a tap receives: at least `count` envelopes, and a second more so that a duplicate
    would be caught too."""
    got: list[dict] = []

    def enough() -> bool:
        got.extend(drain())
        return len(got) >= count

    wait_until(enough, 30, 0.2, what)
    time.sleep(1)
    return got + drain()


def overdue_problem(gov: Http, project: dict) -> tuple[str, date]:
    """A problem due on the first Monday of September: (its id, the due date)."""
    first = date(YEAR, 9, 1)
    due = first + timedelta(days=(7 - first.weekday()) % 7)
    problem = {
        "description": "施工队伍未按期进场",
        "responsible_unit": "沙圪堵镇住建办",
        "responsible_person": "李主任",
        "measure": "更换施工队伍，倒排工期",
        "due_date": due.isoformat(),
        "source": "report",
    }
    path = f"/api/v1/projects/{project['id']}/problems"
    return gov.call("POST", path, 201, body=problem)["id"], due


def escalate_an_overdue_problem(people: People, project: dict, overdue) -> None:
    """Two working days after its due date a friendly reminder; by 20 December (the stack's
    today) a deadline order and a special report, in order, each published once."""
    known_calendar(people)
    pid, due = overdue_problem(people.gov, project)
    on = {"area_code": TOWN, "on": (due + timedelta(days=2)).isoformat()}
    early = people.gov.call("POST", "/api/v1/reminders/run", body=on)
    assert early["skipped_unknown_years"] == []
    assert [s["step"] for s in early["sent"] if s["target"] == pid] == ["friendly_reminder"]
    late = people.gov.call("POST", "/api/v1/reminders/run", body={"area_code": TOWN})
    assert late["on"] == TODAY.isoformat()  # the development clock
    assert [s["step_name"] for s in late["sent"] if s["target"] == pid] == ["限期督促", "专报通报"]
    steps = ["friendly_reminder", "deadline_order", "special_report"]
    got = drained(overdue, 3, "problem_overdue_v1 × 3")
    assert [(e["payload"]["problem_id"], e["payload"]["step"]) for e in got] == [
        (pid, step) for step in steps
    ]
    query = {"area_code": TOWN, "overdue": "true"}
    (listed,) = people.gov.call("GET", "/api/v1/problems", params=query)["items"]
    assert listed["id"] == pid and [r["step"] for r in listed["reminders"]] == steps


def rectify_on_request(gov: Http, amqp_uri: str, project: dict, reported) -> None:
    """supervision's request, signed with the services' event key as its outbox would sign
    it, delivered twice (a redelivery): one problem; resolving it reports back once."""
    request_id = f"RR-{uuid.uuid4().hex[:12]}"
    payload = {
        "request_id": request_id,
        "project_id": project["id"],
        "area_code": TOWN,
        "level": "township",
        "year": YEAR,
        "group_id": "G-150622-1",
        "group_name": "准格尔旗人大常委会第一督查组",
        "finding": "施工现场安全防护不到位",
        "due_date": date(YEAR, 12, 31).isoformat(),
        "requested_at": utcnow().isoformat(),
    }
    envelope = build_envelope(
        RECTIFICATION_REQUESTED, payload, area_code=TOWN, level="township",
        correlation_id=f"corr-{request_id}",
    )  # fmt: skip
    publish(amqp_uri, RECTIFICATION_REQUESTED, envelope, envelope)
    query = {"area_code": TOWN, "project_id": project["id"]}

    def requested() -> list[dict]:
        items = gov.call("GET", "/api/v1/problems", params=query)["items"]
        return [x for x in items if x["source"] == "rectification"]

    (problem,) = wait_until(requested, 30, 0.2, "implementation to take the request")
    assert (problem["source_ref"], problem["description"]) == (request_id, payload["finding"])
    path = f"/api/v1/problems/{problem['id']}"
    gov.call("POST", f"{path}/start", body={"note": "已安排整改"})
    done = gov.call("POST", f"{path}/resolve", body={"note": "已增设围挡和警示标志"})
    assert done["state"] == "resolved"
    events = drained(reported, 1, "rectification_reported_v1")
    assert [(e["payload"]["request_id"], e["payload"]["problem_id"]) for e in events] == [
        (request_id, problem["id"])
    ]
    assert len(requested()) == 1  # the redelivered request made nothing more


def fund(finance: Http, projects: list[dict]) -> None:
    """100 万元 each; nine disbursed 80% (their progress is about 90%), the lagging one 30%
    — under the 40% due by 31 July, within 20 points of its 37.5%: the one warning. One
    more disbursement than the budget allows is refused with the figures."""
    for n, project in enumerate(projects):
        budget = {"amounts": {"own_fiscal": 100 * WAN}, "pro_code": f"SGD{YEAR}{n:04d}"}
        budget["reason"] = "年初预算"
        finance.call("PUT", f"/api/v1/projects/{project['id']}/budget", body=budget)
        flow = disbursement(f"SGD-{n:03d}", (30 if n == LAGGING else 80) * WAN)
        finance.call("POST", f"/api/v1/projects/{project['id']}/disbursements", 201, body=flow)
    path = f"/api/v1/projects/{projects[0]['id']}/disbursements"
    status, refused = finance.send("POST", path, body=disbursement("SGD-X", 30 * WAN))
    assert status == 422 and "超出调整后预算" in refused["error"]["message"], refused
    assert refused["error"]["details"] == {
        "code": "over_budget", "source": "own_fiscal", "budget_fen": 100 * WAN,
        "disbursed_fen": 80 * WAN, "amount_fen": 30 * WAN, "remaining_fen": 20 * WAN,
    }  # fmt: skip
    warnings = finance.call("GET", "/api/v1/warnings", params={"area_code": TOWN, "year": YEAR})
    (warning,) = warnings["items"]
    assert (warning["project_id"], warning["kind"]) == (projects[LAGGING]["id"], "disbursement_lag")
    figures = warning["figures"]
    assert (figures["due_on"], figures["spend_ratio"], figures["min_ratio"]) == (
        f"{YEAR}-07-31", "3/10", "2/5",
    )  # fmt: skip
    assert figures["shortfall_fen"] == 10 * WAN


def disbursement(voucher: str, amount: int) -> dict:
    return {
        "kind": "disbursement",
        "source": "own_fiscal",
        "amount_fen": amount,
        "flow_date": date(YEAR, 10, 15).isoformat(),
        "voucher_no": voucher,
        "payee": "沙圪堵镇人民政府",
    }


def reconcile_treasury(finance: Http, projects: list[dict]) -> None:
    """国库集中支付 imported as the treasury exports it and reconciled at once: nine payments
    match our disbursements, one was paid 5,000 元 short — exactly that one is flagged; the
    same file sent again answers its first import and adds nothing."""
    rows = ["payment_id,mof_div_code,fiscal_year,pro_code,voucher_no,amount,paid_on,payee"]
    for n in range(len(projects)):
        paid_yuan = (30 if n == LAGGING else 80) * 10_000 - (5_000 if n == 1 else 0)
        rows.append(
            f"GK{YEAR}{n:05d},{TOWN[:6]},{YEAR},SGD{YEAR}{n:04d},SGD-{n:03d},"
            f"{paid_yuan}.00,{YEAR}-10-16,沙圪堵镇人民政府"
        )
    body = {"area_code": TOWN, "year": YEAR, "format": "csv", "content": "\n".join(rows) + "\n"}
    imported = finance.call("POST", "/api/v1/treasury-imports", 201, body=body)
    summary = imported["reconciliation"]
    assert (summary["matched"], summary["amount_mismatches"]) == (9, 1), summary
    assert (summary["missing_in_ours"], summary["missing_in_treasury"]) == (0, 0), summary
    path = f"/api/v1/reconciliations/{imported['reconciliation_id']}"
    (pair,) = finance.call("GET", path)["amount_mismatches"]
    assert pair["ours"]["project_id"] == projects[1]["id"]
    assert pair["difference_fen"] == -5_000 * 100  # the treasury's minus ours
    again = finance.call("POST", "/api/v1/treasury-imports", 201, body=body)
    assert (again["id"], again["replayed"]) == (imported["id"], True)  # its first answer
    assert again["reconciliation_id"] == imported["reconciliation_id"]


def accept_nine_carry_one(gov: Http, projects: list[dict]) -> None:
    for project in projects[:LAGGING]:
        body = {
            "accepted_on": date(YEAR, 11, 20).isoformat(),
            "accepting_body": "沙圪堵镇人大主席团",
            "result": "passed",
            "note": "验收合格",
        }
        accepted = gov.call("POST", f"/api/v1/projects/{project['id']}/acceptance", 201, body=body)
        assert accepted["same_year"] is True
    carry = {
        "reason": "施工队伍进场滞后，跨年实施",
        "new_deadline": date(YEAR + 1, 6, 30).isoformat(),
    }
    carried = gov.call("POST", f"/api/v1/projects/{projects[LAGGING]['id']}/carry-over", body=carry)
    assert carried["carried_over"]["to_year"] == YEAR + 1


def completion_is_nine_of_ten(gov: Http, projects: list[dict]) -> None:
    report = gov.call(
        "GET", "/api/v1/reports/implementation", params={"area_code": TOWN, "year": YEAR}
    )
    figures = ("projects", "completed", "completion_rate", "completion_percent", "meets_target")
    assert [report[k] for k in figures] == [10, 9, "9/10", "90.0", False]
    assert [(x["id"], x["carried_to"]) for x in report["carried_over"]] == [
        (projects[LAGGING]["id"], YEAR + 1)
    ]
    assert report["by_status"] == {"completed": 9, "carried_over": 1}


def tracking_page_shows_the_project(
    public: Http, frozen: http_vote.FrozenList, project: dict
) -> None:
    """The first proposal's submitter, with the tracking code only: 已立项, and the progress of
    its latest report (collection hears of both from implementation's events)."""
    code = frozen.tracking_codes[frozen.candidates[0]]
    last = report_days()[-1]

    def tracked() -> dict | None:
        page = public.call("GET", f"/api/v1/proposals/track/{code}")
        shown = page["project"]
        return page if shown and shown["progress_as_of"] == last.isoformat() else None

    page = wait_until(tracked, 30, 0.2, "collection to hear of the project's progress")
    assert page["status"] == "adopted"
    shown = page["project"]
    assert shown["project_id"] == project["id"] and shown["status_text"].startswith("已立项")
    expected = percent(Fraction(1, 2) + elapsed_share(works(), last) / 2)
    assert (shown["progress_percent"], shown["standing"]) == (expected, "on_track")
