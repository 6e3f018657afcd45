"""人大评 over HTTP on PostgreSQL (issue 14), continuing the implementation journey in 王爱召镇:
a 60-deputy town votes three projects → plans and reports reach supervision's files → a
supervision group formed → the 年初 checkpoint reported → an inspection finds a problem →
rectification requested → implementation's problem resolved and reported back → the first
look-back finds it only partly done → reopened with a new due date → reported again → the
second look-back closes it → a resident scans a project's QR code (decoded from the PNG) and
reports a problem, which congress staff publish and turn into a finding → 年中 and 年底 checkpoints
→ a third-party evaluation against the default framework → the satisfaction vote prepared by
supervision and run by voting with 60 deputies → the grades in supervision → the year-end report
downloaded and opened with python-docx and openpyxl. The public never sees a resident's name.

Dates: the development clock stands at 20 December of the notice's year (as in
test_township_year), so reports, look-backs and checkpoints are dated through the year.
"""

import io
from datetime import date

import pytest
import requests
import zxingcpp
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from servicekit.clock import utcnow
from servicekit.testing import wait_until

from scripts import demo_data, http_vote
from scripts.http_vote import Http, Proposal
from tests.e2e.test_intake_journey import create_account
from tests.support import projects as p

TOWN = "150621101"  # 王爱召镇 (达拉特旗): no other journey uses it
YEAR = demo_data.notice_year(utcnow())
TODAY = date(YEAR, 12, 20)
WAN = 1_000_000
DEPUTIES = 60
PASSWORD = "e2e-password-123"  # what create_account gives
RESIDENT = {"name": "刘秀英", "phone": "13904770123"}


@pytest.fixture(scope="module")
def make_run_env() -> dict[str, str]:
    return {"MINSHENG_DEV": "1", "MINSHENG_TODAY": TODAY.isoformat()}


class People:
    def __init__(self, make_run):
        self.base = make_run.base_url
        self.ids: dict[str, str] = {}

        def account(username: str, role: str, area: str = TOWN) -> Http:
            create_account(make_run, username, role, area)
            answer = Http(self.base).call(
                "POST", "/api/v1/auth/token", body={"username": username, "password": PASSWORD}
            )
            self.ids[username] = answer["user"]["id"]
            return Http(self.base, answer["access_token"])

        self.public = Http(self.base)
        self.gov = account("sv-zhengfu", "government_staff")
        self.staff = account("sv-renda", "congress_staff")
        self.leader = account("sv-zuzhang", "congress_staff")
        self.deputy = account("sv-daibiao", "deputy")
        self.evaluator = account("sv-pinggu", "evaluator")


@pytest.fixture(scope="module")
def people(make_run) -> People:
    return People(make_run)


def test_a_year_of_supervision(people):
    projects = vote_three(people)
    plan_and_report(people.gov, projects)
    files_follow_the_government(people, projects)
    group = form_group(people, projects)
    checkpoint(people, group, projects, "opening", date(YEAR, 3, 31))
    finding = inspect(people, group, projects[0])
    rectify_twice_and_close(people, group, projects[0], finding)
    resident_reports_through_the_qr_code(people, projects[1])
    checkpoint(people, group, projects, "midyear", date(YEAR, 7, 15))
    checkpoint(people, group, projects, "yearend", date(YEAR, 12, 15))
    evaluate(people, projects[0])
    satisfaction_vote(people, projects)
    year_end_report(people, projects)


# ---- the government's side ------------------------------------------------------------------
def vote_three(people: People) -> list[dict]:
    subjects = ("供水管网", "卫生院", "文化广场", "道路硬化")
    proposals = [
        Proposal(f"王爱召镇{s}改造", "基础设施", (n + 2) * 10 * WAN) for n, s in enumerate(subjects)
    ]
    frozen = http_vote.candidate_list(people.public, people.gov, TOWN, YEAR, proposals, seats=3)
    http_vote.adopt_rules(people.staff, TOWN, utcnow().date(), "测试人大〔票决〕2号", "公告栏")
    roster = http_vote.roster_csv("WA", DEPUTIES)
    assert http_vote.import_roster(people.staff, TOWN, "王爱召镇人大代表名册", roster) == DEPUTIES
    c = frozen.candidates
    ballot = dict.fromkeys(c[:3], "approve") | dict.fromkeys(c[3:], "oppose")
    present = [f"WA-{n:03d}" for n in range(1, DEPUTIES + 1)]
    title = f"王爱召镇人民代表大会（{YEAR}年民生实事项目票决）"
    announced = http_vote.hold_vote(
        people.staff, people.public, frozen, present, [ballot] * DEPUTIES, title
    )
    assert [e["candidate_id"] for e in announced["elected"]] == c[:3]
    made = http_vote.projects_of(people.gov, TOWN, YEAR, 3)
    order = [frozen.titles[cid] for cid in c[:3]]
    return sorted(made, key=lambda m: order.index(m["title"]))


def plan_and_report(gov: Http, projects: list[dict]) -> None:
    for project in projects:
        plan = p.plan_in(YEAR, lead_department=project["lead_department"] or "住建局")
        gov.call("PUT", f"/api/v1/projects/{project['id']}/plan", body=plan)
        day = date(YEAR, 6, 5)
        body = p.report(p.iso_week(day.isoformat()), day.isoformat(), {"design": "1"})
        gov.call("POST", f"/api/v1/projects/{project['id']}/reports", 201, body=body)


def project_file(reader: Http, project_id: str) -> dict:
    return dict(reader.call("GET", f"/api/v1/projects/{project_id}/supervision"))


def kinds(file: dict) -> list[str]:
    return [entry["kind"] for entry in file["timeline"]]


def files_follow_the_government(people: People, projects: list[dict]) -> None:
    """Each file opened from project_created_v1 and fed by plan_adopted and progress_reported."""

    def fed() -> list[dict] | None:
        files = []
        for project in projects:
            status, file = people.staff.send("GET", f"/api/v1/projects/{project['id']}/supervision")
            if status != 200 or "progress_reported" not in kinds(file):
                return None
            files.append(file)
        return files

    files = wait_until(fed, 30, 0.3, "supervision to file the plans and reports")
    for file in files:
        assert kinds(file)[:3] == ["project_created", "plan_adopted", "progress_reported"]


# ---- groups and checkpoints -----------------------------------------------------------------
def form_group(people: People, projects: list[dict]) -> dict:
    members = [
        {"subject": people.ids["sv-zuzhang"], "name": "王组长", "role": "leader"},
        {"subject": people.ids["sv-renda"], "name": "李干事", "role": "office"},
        {"subject": people.ids["sv-daibiao"], "name": "张代表", "role": "deputy"},
    ]
    body = {
        "area_code": TOWN,
        "year": YEAR,
        "name": "王爱召镇人大第一监督组",
        "members": members,
        "project_ids": [x["id"] for x in projects],
    }
    group = people.staff.call("POST", "/api/v1/supervision-groups", 201, body=body)
    assert {x["project_id"] for x in group["projects"]} == {x["id"] for x in projects}
    query = {"area_code": TOWN, "year": YEAR, "unassigned": "true"}
    listed = people.staff.call("GET", "/api/v1/supervision/projects", params=query)
    assert (listed["items"], listed["unassigned_total"]) == ([], 0)
    return dict(group)


def checkpoint(people: People, group: dict, projects: list[dict], stage: str, due: date) -> None:
    body = {"area_code": TOWN, "year": YEAR, "stage": stage, "due_date": due.isoformat()}
    made = people.staff.call("POST", "/api/v1/checkpoints", body=body)  # set, or set again
    path = f"/api/v1/checkpoints/{made['id']}"
    for n, project in enumerate(projects):
        answers = [{"question": q, "answer": "经核查，情况属实"} for q in made["questions"]]
        report = {
            "group_id": group["group_id"],
            "project_id": project["id"],
            "answers": answers,
            "verdict": ("good", "fair", "good")[n],
            "findings": [],
        }
        people.deputy.call("POST", f"{path}/reports", 201, body=report)
    counts = people.staff.call("GET", path)["counts"]
    assert (counts["expected"], counts["filed"], counts["missing"]) == (3, 3, 0)
    assert counts["verdicts"]["good"] == 2
    word = requests.get(f"{people.base}{path}/report.docx", headers=auth(people.staff), timeout=30)
    assert word.status_code == 200, word.text
    text = "\n".join(par.text for par in Document(io.BytesIO(word.content)).paragraphs)
    assert projects[0]["title"] in text + tables_text(Document(io.BytesIO(word.content)))


def auth(caller: Http) -> dict[str, str]:
    return {"Authorization": f"Bearer {caller.token}"}


def tables_text(document) -> str:
    return "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)


# ---- inspection, rectification, look-back ---------------------------------------------------
def inspect(people: People, group: dict, project: dict) -> dict:
    body = {
        "area_code": TOWN,
        "kind": "inspection",
        "cadence": "quarterly",
        "held_on": date(YEAR, 6, 20).isoformat(),
        "group_id": group["group_id"],
        "title": "二季度集中督查",
        "project_ids": [project["id"]],
        "methods": ["site_visit", "documents"],
        "participants": [
            {"name": "王组长", "kind": "deputy"},
            {"name": "赵局长", "kind": "official", "title": "镇住建办主任"},
        ],
        "findings": [{"project_id": project["id"], "text": "施工现场安全防护不到位"}],
    }
    made = people.leader.call("POST", "/api/v1/inspections", 201, body=body)
    (finding,) = made["findings"]
    assert finding["source"] == "inspection" and finding["state"] == "open"
    return dict(finding)


def problems_from_requests(gov: Http, project: dict) -> list[dict]:
    query = {"area_code": TOWN, "project_id": project["id"]}
    items = gov.call("GET", "/api/v1/problems", params=query)["items"]
    return [x for x in items if x["source"] == "rectification"]


def resolve_the_new_problem(gov: Http, project: dict, known: int, note: str) -> None:
    def arrived() -> dict | None:
        open_ = [x for x in problems_from_requests(gov, project) if x["state"] == "open"]
        return open_[0] if len(problems_from_requests(gov, project)) > known and open_ else None

    problem = wait_until(arrived, 30, 0.3, "implementation to take the request")
    path = f"/api/v1/problems/{problem['id']}"
    gov.call("POST", f"{path}/start", body={"note": "已安排整改"})
    gov.call("POST", f"{path}/resolve", body={"note": note})


def reported(people: People, rectification_id: str, rounds: int) -> dict:
    """The government's report of round `rounds` back in supervision."""

    def back() -> dict | None:
        got = people.staff.call("GET", f"/api/v1/rectifications/{rectification_id}")
        done = got["state"] == "reported" and len(got["rounds"]) == rounds
        return got if done and got["rounds"][-1]["reported_at"] else None

    return dict(wait_until(back, 30, 0.3, "rectification_reported_v1 to reach supervision"))


def rectify_twice_and_close(people: People, group: dict, project: dict, finding: dict) -> None:
    """Due by the year's end; each look-back as soon as the government reports (before the set
    date, which only a round without a report has to wait for)."""
    body = {"group_id": group["group_id"], "due_date": date(YEAR, 12, 31).isoformat()}
    path = f"/api/v1/findings/{finding['id']}/rectification"
    request = people.leader.call("POST", path, 201, body=body)
    resolve_the_new_problem(people.gov, project, 0, "已增设围挡")
    reported(people, request["id"], 1)
    look = f"/api/v1/rectifications/{request['id']}/lookbacks"
    again = {
        "outcome": "partly",
        "note": "围挡已设，警示标志未设",
        "new_due_date": date(YEAR, 12, 30).isoformat(),
    }
    reopened = people.leader.call("POST", look, 201, body=again)
    assert (reopened["state"], reopened["round"]) == ("requested", 2)
    resolve_the_new_problem(people.gov, project, 1, "已增设警示标志")
    reported(people, request["id"], 2)
    closed = people.leader.call("POST", look, 201, body={"outcome": "rectified", "note": "已整改"})
    assert closed["state"] == "closed"
    assert [r["outcome"] for r in closed["rounds"]] == ["partly", "rectified"]
    file = project_file(people.staff, project["id"])
    assert kinds(file).count("rectification_reported") == 2
    assert kinds(file).count("lookback") == 2
    finding_now = people.gov.call("GET", f"/api/v1/findings/{finding['id']}")
    assert finding_now["state"] == "closed"


# ---- the public -----------------------------------------------------------------------------
def resident_reports_through_the_qr_code(people: People, project: dict) -> None:
    png = requests.get(
        f"{people.base}/api/v1/projects/{project['id']}/qr.png",
        headers=auth(people.staff),
        timeout=30,
    )
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    code = decoded.text.rsplit("/p/", 1)[1]
    looked_up = people.public.call("GET", f"/api/v1/public/project-codes/{code}")
    assert looked_up["project_id"] == project["id"]
    body = {
        "anonymous": False,
        **RESIDENT,
        "text": "施工车辆夜间作业噪音大",
        "category": "safety",
        "photos": [],
    }
    sent = people.public.call("POST", f"/api/v1/public/projects/{code}/feedback", 201, body=body)
    feedback_path = f"/api/v1/feedback/{sent['feedback_id']}"
    people.staff.call("POST", f"{feedback_path}/moderation", body={"action": "publish"})
    made = people.staff.call("POST", f"{feedback_path}/finding", 201, body={})
    assert made["source"] == "feedback" and made["state"] == "open"
    shown = people.public.call("GET", f"/api/v1/public/projects/{code}/feedback")
    assert [x["text"] for x in shown["items"]] == [body["text"]]
    assert RESIDENT["name"] not in str(shown) and RESIDENT["phone"] not in str(shown)


# ---- evaluation and satisfaction ------------------------------------------------------------
def evaluate(people: People, project: dict) -> None:
    template = people.staff.call("GET", "/api/v1/evaluation-frameworks/template")
    assert template["editable_default"] is True  # a default to edit, not the official figures
    kept = ("scope", "weight_unit", "indicators", "grade_bands")
    body = {k: template[k] for k in kept} | {"area_code": TOWN, "name": "王爱召镇绩效评价指标"}
    framework = people.staff.call("POST", "/api/v1/evaluation-frameworks", 201, body=body)
    scores = {leaf["key"]: leaf["weight"] for leaf in leaves(framework["indicators"])}
    evaluation = {
        "framework_id": framework["id"],
        "framework_version": framework["version"],
        "kind": "evaluation",
        "project_id": project["id"],
        "year": YEAR,
        "scores": scores,
        "remarks": "绩效目标全部完成",
    }
    made = people.evaluator.call("POST", "/api/v1/evaluations", 201, body=evaluation)
    assert (made["total"], made["grade"]) == ("100.0", "优")
    vote = {"area_code": TOWN, "year": YEAR, "title": "测评"}
    refused, _ = people.evaluator.send("POST", "/api/v1/satisfaction-votes", body=vote)
    assert refused == 403  # an evaluator evaluates only


def leaves(indicators: list[dict]) -> list[dict]:
    found = []
    for node in indicators:
        found += leaves(node["children"]) if node.get("children") else [node]
    return found


def satisfaction_vote(people: People, projects: list[dict]) -> None:
    body = {"area_code": TOWN, "year": YEAR, "title": f"{YEAR}年民生实事项目满意度测评"}
    request = people.staff.call("POST", "/api/v1/satisfaction-votes", 201, body=body)
    sid = request["session_id"]
    wait_until(
        lambda: people.staff.send("GET", f"/api/v1/sessions/{sid}")[0] == 200,
        30,
        0.3,
        "voting to prepare the satisfaction session",
    )
    present = [f"WA-{n:03d}" for n in range(1, DEPUTIES + 1)]
    http_vote.step(people.staff, sid, "deliberation")
    people.staff.call("POST", f"/api/v1/sessions/{sid}/check-in", body={"deputy_numbers": present})
    http_vote.step(people.staff, sid, "open")
    a, b, c = (x["id"] for x in projects)
    ballots = []
    for n, deputy in enumerate(present):
        # a: 40 满意 → 满意; b: 20 满意 + 20 基本满意 → 基本满意; c: 20 + 10 of 60 → 不满意
        b_choice = "满意" if n < 20 else "基本满意" if n < 40 else "不满意"
        c_choice = "满意" if n < 20 else "基本满意" if n < 30 else "不满意"
        ballots.append((deputy, {a: "满意" if n < 40 else "不满意", b: b_choice, c: c_choice}))
    http_vote.cast_all(people.staff, people.public, sid, ballots)
    for name in ("close", "tally", "announce"):
        http_vote.step(people.staff, sid, name)

    def graded() -> dict | None:
        got = people.staff.call("GET", f"/api/v1/satisfaction-votes/{request['id']}")
        return got if got["state"] == "completed" else None

    done = wait_until(graded, 30, 0.3, "satisfaction_vote_completed_v1 to reach supervision")
    grades = {r["project_id"]: r["grade"] for r in done["results"]}
    assert grades == {a: "满意", b: "基本满意", c: "不满意"}
    flagged = people.gov.call("GET", "/api/v1/findings", params={"area_code": TOWN})["items"]
    assert [f["project_id"] for f in flagged if f["source"] == "satisfaction"] == [c]


# ---- the year-end report --------------------------------------------------------------------
def year_end_report(people: People, projects: list[dict]) -> None:
    params = {"area_code": TOWN, "year": YEAR}
    figures = people.staff.call("GET", "/api/v1/supervision/year-end-report", params=params)
    assert figures["completion"]["projects"] == 3
    assert figures["satisfaction"]["grades"] == {"满意": 1, "基本满意": 1, "不满意": 1}
    word = requests.get(
        f"{people.base}/api/v1/supervision/year-end-report.docx",
        params=params,
        headers=auth(people.staff),
        timeout=30,
    )
    assert word.status_code == 200, word.text
    document = Document(io.BytesIO(word.content))
    text = "\n".join(par.text for par in document.paragraphs) + tables_text(document)
    assert "王爱召镇" in text and "满意度测评" in text
    excel = requests.get(
        f"{people.base}/api/v1/supervision/year-end-report.xlsx",
        params=params,
        headers=auth(people.staff),
        timeout=30,
    )
    assert excel.status_code == 200, excel.text
    workbook = load_workbook(io.BytesIO(excel.content))
    cells = " ".join(
        str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row
    )
    assert "完成率(%)" in cells
    assert RESIDENT["name"] not in cells and RESIDENT["phone"] not in cells
