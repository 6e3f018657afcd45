"""The session desk, the projector page, the public result and the progress board in a real
browser. Congress staff of 伊金霍洛旗 run a session of 阿勒腾席热镇 from the desk: the check-in
count against the quorum, open, 30 deputies casting through the API while the desk's count
rises by itself (htmx polling; read off the page, never what the ballots say), close, tally,
announce (the projector page with the digest), publish; anyone then reads `/s/<id>` with its
digest, verify command and downloads. `/board/150622` shows make run's demo projects with the
chart. With JavaScript off the desk shows the count at load and a refresh link.

Areas: 伊金霍洛旗 150627 and 阿勒腾席热镇 150627100, used by no other browser test."""

import threading
import time

import requests
from contracts.ballot_tokens import new_ballot_token

from tests.browser.pages import HOSTILE, check, visit
from tests.e2e.test_voting_journey import frozen_list, rules_and_roster
from tests.support.api import Api

BANNER = "150627"  # 伊金霍洛旗
TOWN = "150627100"  # 阿勒腾席热镇
DEPUTIES = 30
PASSWORD = "desk-password-2027"
STAFF = "desk-renda"


def create_account(platform, username: str, role: str, area: str) -> dict[str, str]:
    return platform.create_account(username, role, area, PASSWORD)


class People:
    def __init__(self, platform):
        self.public = Api(platform.base_url)
        self.gov = Api(
            platform.base_url, create_account(platform, "desk-zhengfu", "government_staff", BANNER)
        )
        self.staff = Api(
            platform.base_url, create_account(platform, STAFF, "congress_staff", BANNER)
        )


def session_in_deliberation(people: People) -> tuple[str, list[str]]:
    """A frozen list of 5 for 3 seats from collection, rules and a roster of 30, a session
    (its title hostile) in deliberation with the first 15 deputies checked in (short of the
    quorum of 21)."""
    frozen = frozen_list(people, TOWN, count=5, seats=3)
    rules_and_roster(people.staff, TOWN, "YJ", DEPUTIES)
    body = {
        "area_code": TOWN,
        "year": frozen.year,
        "kind": "congress_session",
        "title": "阿勒腾席热镇民生实事票决 " + HOSTILE,
        "candidate_list_id": frozen.id,
    }
    created: dict = {}

    def attempt() -> bool:
        response = people.staff.raw("POST", "/api/v1/sessions", json=body)
        if response.status_code == 422:
            return False  # the frozen list not yet at voting
        assert response.status_code == 201, response.text
        created.update(response.json())
        return True

    deadline = time.monotonic() + 30
    while not attempt():
        assert time.monotonic() < deadline, "the frozen list never reached voting"
        time.sleep(0.2)
    sid = created["id"]
    people.staff.call("POST", f"/api/v1/sessions/{sid}/deliberation", 200, json={})
    check_in(people, sid, range(1, 16))
    return sid, frozen.candidates


def check_in(people: People, sid: str, numbers: range) -> None:
    body = {"deputy_numbers": [f"YJ-{n:03d}" for n in numbers]}
    people.staff.call("POST", f"/api/v1/sessions/{sid}/check-in", 200, json=body)


def log_in(page, next_url: str) -> None:
    page.goto(f"/login?next={next_url}")
    page.get_by_label("用户名").fill(STAFF)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def tokens_for(people: People, sid: str) -> list[str]:
    made = []
    for n in range(1, DEPUTIES + 1):
        token, hashed = new_ballot_token("township")
        body = {"deputy_number": f"YJ-{n:03d}", "token_hash": hashed}
        people.staff.call("POST", f"/api/v1/sessions/{sid}/tokens", 201, json=body)
        made.append(token)
    return made


def cast_all(base_url: str, sid: str, tokens: list[str], candidates: list[str]) -> None:
    """30 deputies, one after another, a little apart (as a hall votes)."""
    for index, token in enumerate(tokens):
        chosen = candidates[:3] if index % 3 else candidates[1:4]
        choices = {c: ("approve" if c in chosen else "oppose") for c in candidates}
        body = {"session_id": sid, "token": token, "choices": choices}
        response = requests.post(f"{base_url}/api/v1/ballots", json=body, timeout=20)
        assert response.status_code == 201, response.text
        time.sleep(0.25)


def count_on(page) -> int:
    return int(page.locator("#cast").inner_text())


def step(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_the_desk_runs_a_session_and_the_public_reads_its_result(phone, phone_without_js, platform):
    people = People(platform)
    sid, candidates = session_in_deliberation(people)

    page = phone.new_page()
    log_in(page, f"/desk?area_code={TOWN}")
    assert page.url.endswith(f"/desk?area_code={TOWN}")
    check(page, "desk-list")
    page.get_by_role("link", name="阿勒腾席热镇民生实事票决").click()
    assert int(page.locator("#present").inner_text()) == 15
    assert "未达法定人数" in page.content()
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="开始投票").click()
    assert refused.value.status == 422  # the API's refusal, with its count, on the desk
    assert "15 present, 21 needed of 30" in page.locator(".notice.bad").inner_text()
    check(page, "desk-quorum-refused")
    check_in(people, sid, range(16, DEPUTIES + 1))
    page.goto(f"/desk/{sid}")
    assert int(page.locator("#present").inner_text()) == DEPUTIES
    assert "已过法定人数" in page.content()
    assert page.get_by_text(HOSTILE, exact=False).count() >= 1  # the title, shown as text
    step(page, "开始投票")
    assert "投票已开始" in page.content() and count_on(page) == 0

    quiet = phone_without_js.new_page()  # no JavaScript: the count at load, a refresh link
    log_in(quiet, f"/desk/{sid}")
    assert quiet.locator("#cast").inner_text() == "0"
    assert quiet.get_by_role("link", name="刷新").get_attribute("href") == f"/desk/{sid}"

    tokens = tokens_for(people, sid)
    voters = threading.Thread(
        target=cast_all, args=(platform.base_url, sid, tokens, candidates), daemon=True
    )
    voters.start()
    seen = [count_on(page)]
    deadline = time.monotonic() + 60
    while seen[-1] < DEPUTIES and time.monotonic() < deadline:
        time.sleep(0.5)
        seen.append(count_on(page))  # the page itself, never reloaded
    voters.join(30)
    assert seen == sorted(seen) and seen[-1] == DEPUTIES, seen
    assert len(set(seen)) >= 3, seen  # it rose while the hall voted, not in one jump
    check(page, "desk")

    step(page, "结束投票")
    assert "投票已结束" in page.content()
    step(page, "计票")
    step(page, "当场宣布结果")
    assert page.url.endswith(f"/desk/{sid}/result")
    result = people.staff.call("GET", f"/api/v1/sessions/{sid}/result", 200)
    digest = result["rounds"][-1]["digest"]
    assert page.locator("#digest").inner_text() == digest
    check(page, "desk-result")
    for elected in result["elected"]:
        assert elected["title"] in page.content()

    page.goto(f"/desk/{sid}")
    step(page, "公开结果与选票")
    assert "结果与选票已公开" in page.content()

    public = phone_without_js.browser.new_context(  # anyone, no login
        base_url=platform.base_url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    reader = public.new_page()
    visit(reader, f"/s/{sid}", "result")
    assert reader.locator("#digest").first.inner_text() == digest
    assert f"python -m voting.verify session-{sid}.json --digest {digest}" in reader.content()
    rows = reader.locator("table.result tbody tr")
    assert rows.count() == len(candidates)
    assert "当选" in rows.first.inner_text()
    for fmt in ("json", "csv", "xlsx", "pb"):
        link = reader.locator(f'a[href="/api/v1/sessions/{sid}/export.{fmt}"]')
        assert link.count() == 1
        assert requests.get(f"{platform.base_url}{link.get_attribute('href')}", timeout=20).ok
    public.close()


def test_the_desk_needs_a_staff_login_and_a_genuine_form(phone, platform):
    page = phone.new_page()
    page.goto("/desk")
    assert "/login?next=/desk" in page.url
    forged = requests.post(
        f"{platform.base_url}/desk/T-{'0' * 32}", data={"step": "open"}, timeout=10,
        allow_redirects=False,
    )  # fmt: skip
    assert forged.status_code in (303, 403)  # no login: to the login page; never run


def test_the_board_shows_the_demo_projects_against_plan_with_a_chart(phone, platform):
    year = time.localtime().tm_year
    board = Api(platform.base_url).call(
        "GET", "/api/v1/public/board", 200, params={"area_code": "150622", "year": year}
    )
    assert board["items"], "make run's demo projects"
    page = phone.new_page()
    visit(page, "/board/150622", "board")
    for item in board["items"]:
        assert item["title"] in page.content()
    assert page.locator("svg rect").count() >= 2 * len(board["items"])
    assert page.locator("[style]").count() == 0  # the CSP allows no inline style
    assert "完成率" in page.content()
    first = board["items"][0]
    page.get_by_role("link", name=first["title"]).click()  # to the project's own page
    page.wait_for_url("**/p/*")
    assert page.get_by_role("heading", level=1).inner_text() == first["title"]
    visit(page, f"/board/150622?year={year - 3}")
    assert "还没有民生实事项目" in page.content()
    visit(page, "/board/150622?year=abc", status=400)
