"""What a new user meets first: the accounts `make run` prints let every documented flow be
tried. In the demo town 薛家湾镇: zhengfu builds a frozen candidate list, renda runs a session,
the demo deputy checks in and takes a token for themselves (roster row DEMO-001 names their
账号), two different tellers (renda, jipiao) enter each paper sheet, and the count supervisor
jiandu resolves the sheet they read differently. The town's two demo projects come from a
real vote, with plans, reports, budgets (one drawing on the banner's special pool),
disbursements and one open fund warning, which the finance account caizheng sees; loading the
demo again adds nothing. And accounts made without a prompt: `python -m gateway.cli
create-account` with MINSHENG_NEW_PASSWORD."""

import re
import subprocess
import sys

import pytest
import requests
from contracts.ballot_tokens import new_ballot_token
from servicekit.clock import business_date
from servicekit.testing import wait_until

from scripts import demo_data, demo_projects, run_platform
from tests.support.api import Api

TOWN = demo_data.ROSTER_AREA  # 薛家湾镇, inside 准格尔旗 (renda, jipiao, jiandu)
WAN = demo_projects.WAN
SCORES = {"public_benefit": 5, "inclusive": 4, "urgency": 4, "assessable": 4}
# The banner's account lines: username, password, role, area, display name.
ACCOUNT_LINE = re.compile(r"^ {4}(\S+) +(demo-\S+) +(\S+) +(\d+) +(.+)$")


@pytest.fixture(scope="module")
def printed(make_run) -> dict[str, tuple[str, str, str]]:
    """username → (password, role, area), read from what `make run` printed."""
    found = {}
    for line in make_run.output:
        match = ACCOUNT_LINE.match(line.rstrip("\n"))
        if match:
            username, password, role, area, _ = match.groups()
            found[username] = (password, role, area)
    return found


@pytest.fixture(scope="module")
def login(make_run, printed):
    def as_(username: str) -> Api:
        password = printed[username][0]
        return Api(make_run.base_url, make_run.login(username, password))

    return as_


def test_the_banner_says_how_tokens_are_signed(make_run):
    # the tests give make run a TOKEN_SECRET; without one it says MINSHENG_DEV=1
    # (tests/unit/servicekit/test_secrets.py)
    assert run_platform.SECRET_SIGNING + "\n" in make_run.output


def test_the_banner_prints_every_role_and_both_tellers(printed):
    roles = {role for _, role, _ in printed.values()}
    assert roles >= {
        "admin",
        "congress_staff",
        "government_staff",
        "department_staff",
        "deputy",
        "supervisor",
        "evaluator",
    }
    tellers = [u for u, (_, role, _) in printed.items() if role == "congress_staff"]
    assert len(tellers) >= 2, "paper ballots need two different tellers"
    # the deputy and the supervisor are inside the demo voting areas
    assert printed["daibiao"][2] == TOWN
    assert TOWN.startswith(printed["jiandu"][2])


def demo_projects_of(login) -> list[dict]:
    query = {"area_code": TOWN, "year": business_date().year}
    items = login("caizheng").call("GET", "/api/v1/projects", 200, params=query)["items"]
    order = [p.title for p in demo_projects.PROPOSALS]
    return sorted(items, key=lambda p: order.index(p["title"]))  # A, then B


def test_the_banner_says_what_the_demo_town_has(make_run, printed):
    assert printed["caizheng"][1:] == ("finance_staff", TOWN)
    (line,) = [line for line in make_run.output if "实施演示" in line]
    assert "票决项目 2 个" in line and "资金预警 1 条" in line, line


def test_the_demo_towns_projects_come_from_a_vote_with_plans_reports_funds(login):
    a, b = demo_projects_of(login)
    assert [a["title"], b["title"]] == [p.title for p in demo_projects.PROPOSALS[:2]]
    finance, renda = login("caizheng"), login("renda")
    for project in (a, b):
        detail = finance.call("GET", f"/api/v1/projects/{project['id']}", 200)
        session = renda.call("GET", f"/api/v1/sessions/{detail['origin']['session_id']}", 200)
        assert session["state"] == "announced" and session["area_code"] == TOWN
        assert detail["plan"]["version"] == 1 and len(detail["milestones"]) == 3
        assert detail["recent_reports"] and detail["status"] == "in_progress"
        assert detail["funds"]["budget_fen"] > 0 and detail["funds"]["disbursed_fen"] > 0
    assert (a["standing"], a["flagged"]) == ("on_track", False)
    draws = finance.call("GET", f"/api/v1/projects/{a['id']}/funds", 200)["pool_draws"]
    assert [(d["source"], d["amount_fen"]) for d in draws] == [("banner_special", 200 * WAN)]


def test_exactly_one_fund_warning_is_open(login):
    _, b = demo_projects_of(login)
    query = {"area_code": TOWN}
    warnings = login("caizheng").call("GET", "/api/v1/warnings", 200, params=query)
    assert warnings["total"] == 1
    (warning,) = warnings["items"]
    assert (warning["project_id"], warning["kind"], warning["scope"]) == (
        b["id"], "progress_spend_gap", "money_ahead",
    )  # fmt: skip


def test_loading_the_demo_again_adds_nothing(make_run, login):
    before = [(p["id"], p["actual_percent"]) for p in demo_projects_of(login)]
    assert demo_projects.ensure_projects(make_run.base_url) is None  # the town has projects
    assert [(p["id"], p["actual_percent"]) for p in demo_projects_of(login)] == before


def frozen_candidate_list(public: Api, gov: Api, count: int, seats: int) -> dict:
    notices = public.call("GET", "/api/v1/notices", 200, params={"area_code": TOWN})
    year = notices["items"][0]["year"]  # the demo's open notice
    ids = []
    for index in range(count):
        proposal = {
            "title": f"薛家湾镇演示项目{index:02d}",
            "description": "群众反映强烈，希望尽快实施。",
            "category": "基础设施",
            "area_code": TOWN,
            "location": {"text": "镇区"},
            "estimated_cost_fen": (index + 1) * 1_000_000,
        }
        ids.append(public.call("POST", "/api/v1/proposals", 201, json=proposal)["id"])
        screening = {
            **SCORES,
            "verdict": "in_library",
            "library": {"lead_department": "住建局", "rationale": "符合四项原则"},
        }
        gov.call("POST", f"/api/v1/proposals/{ids[-1]}/screenings", 201, json=screening)
    settings = {"rounds": 0, "differential_ratio_permille": 200}
    gov.call("PUT", f"/api/v1/areas/{TOWN}/collection-settings", 200, json=settings)
    draft = {"area_code": TOWN, "year": year, "title": "演示候选项目", "proposal_ids": ids}
    draft_id = gov.call("POST", "/api/v1/draft-lists", 201, json=draft)["id"]
    frozen = gov.call("POST", f"/api/v1/draft-lists/{draft_id}/freeze", 201, json={"seats": seats})
    return {
        "id": frozen["id"],
        "year": year,
        "candidates": [c["proposal_id"] for c in frozen["candidates"]],
    }


def new_session(staff: Api, frozen: dict) -> dict:
    """The frozen list reaches voting over the broker: a 422 naming it is asked again."""
    body = {
        "area_code": TOWN,
        "year": frozen["year"],
        "kind": "congress_session",
        "title": "薛家湾镇人民代表大会（演示）",
        "candidate_list_id": frozen["id"],
    }
    created: dict = {}

    def attempt() -> bool:
        response = staff.raw("POST", "/api/v1/sessions", json=body)
        details = response.json().get("error", {}).get("details") or {}
        if response.status_code == 422 and "candidate_list_id" in details:
            return False
        assert response.status_code == 201, response.text
        created.update(response.json())
        return True

    wait_until(attempt, 30, 0.2, "voting to receive the frozen candidate list")
    return created


def test_the_printed_accounts_run_a_session_with_paper_ballots(make_run, login):
    public = Api(make_run.base_url)
    renda, jipiao, jiandu = login("renda"), login("jipiao"), login("jiandu")
    deputy = login("daibiao")
    frozen = frozen_candidate_list(public, login("zhengfu"), count=5, seats=4)
    c = frozen["candidates"]
    session = new_session(renda, frozen)  # on the demo roster of 30
    sid, path = session["id"], f"/api/v1/sessions/{session['id']}"
    assert session["deputies_total"] == demo_data.DEMO_DEPUTIES

    renda.call("POST", f"{path}/deliberation", 200, json={})
    # the demo deputy checks in for themselves (the roster's 账号 column), and only for that
    own = deputy.call("POST", f"{path}/check-in", 200, json={"deputy_numbers": ["DEMO-001"]})
    assert own["checked_in"] == ["DEMO-001"]
    other = deputy.raw("POST", f"{path}/check-in", json={"deputy_numbers": ["DEMO-002"]})
    assert other.status_code == 403, other.text
    needed = session["quorum_needed"]
    rest = [f"DEMO-{n:03d}" for n in range(2, needed + 1)]
    renda.call("POST", f"{path}/check-in", 200, json={"deputy_numbers": rest})
    assert renda.call("POST", f"{path}/open", 200, json={})["state"] == "open"

    # … and makes their own token on their phone, registers its hash, and votes with it, no
    # login needed to cast
    token, hashed = new_ballot_token("township")
    own = {"deputy_number": "DEMO-001", "medium": "electronic", "token_hash": hashed}
    deputy.call("POST", f"{path}/tokens", 201, json=own)
    choices = {c[0]: "approve", c[1]: "approve", c[4]: "oppose"}
    body = {"session_id": sid, "token": token, "choices": choices}
    assert public.call("POST", "/api/v1/ballots", 201, json=body)["receipt"]

    for number in ("DEMO-002", "DEMO-003"):
        paper = {"deputy_number": number, "medium": "paper"}
        renda.call("POST", f"{path}/tokens", 201, json=paper)
    renda.call("POST", f"{path}/close", 200, json={})

    # sheet 1: teller A and teller B read it alike
    sheet1 = {"sheet": 1, "choices": {c[0]: "approve", c[2]: "approve"}}
    assert renda.call("POST", f"{path}/paper-ballots", 201, json=sheet1)["status"] == (
        "awaiting_second_entry"
    )
    again = renda.raw("POST", f"{path}/paper-ballots", json=sheet1)
    assert again.status_code == 409, "the same teller may not enter a sheet twice"
    assert jipiao.call("POST", f"{path}/paper-ballots", 201, json=sheet1)["status"] == "matched"
    # sheet 2: they differ, and the count supervisor decides
    renda.call(
        "POST", f"{path}/paper-ballots", 201, json={"sheet": 2, "choices": {c[1]: "approve"}}
    )
    read_b = {"sheet": 2, "choices": {c[1]: "oppose"}}
    assert jipiao.call("POST", f"{path}/paper-ballots", 201, json=read_b)["status"] == "mismatch"
    assert jiandu.call("GET", f"{path}/paper-ballots", 200)["mismatches"] == [2]
    resolution = {"choices": {c[1]: "approve"}, "note": "划记清楚，按选票原意计"}
    resolved = jiandu.call("POST", f"{path}/paper-ballots/2/resolution", 200, json=resolution)
    assert resolved["status"] == "resolved"
    status = renda.call("POST", f"{path}/paper-count", 200, json={"returned": 2})
    assert (status["issued"], status["returned"], status["matched"]) == (2, 2, 2)

    tallied = renda.call("POST", f"{path}/tally", 200, json={})
    assert tallied["rounds"][0]["tally"]["valid"] == 3


def _create_account(env: dict[str, str], username: str, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "gateway.cli", "create-account", "--username", username]
    command += ["--role", "congress_staff", "--area", TOWN, "--name", "演示计票人丙"]
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # no controlling terminal: nothing to prompt on
        **kwargs,
    )


def test_an_account_is_created_without_a_prompt_and_logs_in(make_run):
    env = {**make_run.env, "MINSHENG_NEW_PASSWORD": "cli-password-2026"}
    result = _create_account(env, "cli-teller", stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "已创建账号 cli-teller" in result.stdout
    make_run.login("cli-teller", "cli-password-2026")  # asserts a 200 with a token
    again = _create_account(env, "cli-teller", stdin=subprocess.DEVNULL)
    assert again.returncode == 1
    assert again.stderr.strip().startswith("未创建"), again.stderr


def test_a_short_password_from_the_environment_is_one_line_and_no_account(make_run):
    env = {**make_run.env, "MINSHENG_NEW_PASSWORD": "short"}
    result = _create_account(env, "cli-short", stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "密码至少 10 位" in lines[0], result.stderr
    response = requests.post(
        f"{make_run.base_url}/api/v1/auth/token",
        json={"username": "cli-short", "password": "short"},
        timeout=10,
    )
    assert response.status_code == 401


def test_without_the_variable_the_password_is_asked_for(make_run):
    env = {k: v for k, v in make_run.env.items() if k != "MINSHENG_NEW_PASSWORD"}
    # no terminal: getpass reads the answer from stdin (and warns that it may echo)
    result = _create_account(env, "cli-asked", input="asked-password-2026\n")
    assert result.returncode == 0, result.stderr
    assert "密码" in result.stderr  # the prompt
    make_run.login("cli-asked", "asked-password-2026")
