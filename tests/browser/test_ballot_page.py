"""/b, the ballot a deputy's token opens: scanned from the token's QR code (voting.qr, decoded
with zxing-cpp as a phone would), the ballot in ballot order with summary, cost and lead
department; a reload mid-ballot casts nothing; the confirm step; a connection lost at submit,
then retried, counts one ballot (the tally after the close says so); the same with JavaScript
off; the K limit refused in the browser and by the server; a satisfaction vote.

Sessions of 杭锦旗's towns only (锡尼镇 150625100, 独贵塔拉镇 150625101), made here."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from contracts.ballot_tokens import new_ballot_token, receipt_for
from contracts.events import CANDIDATE_LIST_FROZEN
from servicekit.outbox import build_envelope
from servicekit.testing import wait_until
from voting import qr

from tests.browser.demo import scanned
from tests.browser.pages import HOSTILE, check, visit, watch
from tests.e2e.test_intake_journey import create_account
from tests.support.api import Api
from tests.support.voting_floor import publish_frozen_list
from tests.support.voting_worker import roster_csv

TOWN = "150625100"  # 锡尼镇 (杭锦旗)
SMALL_TOWN = "150625101"  # 独贵塔拉镇: the satisfaction vote
YEAR = 2027
DEPUTIES = 5
SEATS = 3
CANDIDATES = 5


@pytest.fixture(scope="module")
def staff(platform):
    headers = create_account(
        platform, f"ballot-renda-{uuid.uuid4().hex[:6]}", "congress_staff", "150625"
    )
    api = Api(platform.base_url, headers)
    for n, area in enumerate((TOWN, SMALL_TOWN), 1):
        rules = {
            "area_code": area,
            "adopted_on": "2026-12-01",
            "document_ref": f"杭人大发〔2026〕{n}号",
            "publication_channel": "镇政府公开栏",
        }
        api.call("POST", "/api/v1/voting-rules", 201, json=rules)
        roster = {"area_code": area, "title": "镇人大代表名册", "csv": roster_csv(DEPUTIES)}
        api.call("POST", "/api/v1/rosters/import", 201, json=roster)
    return api


def frozen_list(platform) -> tuple[str, list[dict]]:
    """A frozen list of 锡尼镇 on the broker, as collection's relay sends it."""
    candidates = [
        {
            "position": n,
            "proposal_id": str(uuid.uuid4()),
            "title": f"锡尼镇民生项目{n}" + (" " + HOSTILE if n == 2 else ""),
            "summary": f"第{n}个项目的简介" + (" " + HOSTILE if n == 2 else ""),
            "category": "教育",
            "estimated_cost_fen": 1_000_000 * n,
            "lead_department": "杭锦旗住建局",
            "rationale": "符合四项原则",
        }
        for n in range(1, CANDIDATES + 1)
    ]
    list_id = str(uuid.uuid4())
    payload = {
        "candidate_list_id": list_id,
        "area_code": TOWN,
        "level": "township",
        "year": YEAR,
        "seats": SEATS,
        "differential_ratio_permille": 200,
        "content_hash": uuid.uuid4().hex * 2,
        "frozen_at": datetime.now(UTC).isoformat(),
        "candidates": candidates,
    }
    envelope = build_envelope(
        CANDIDATE_LIST_FROZEN, payload, area_code=TOWN, level="township", correlation_id="ballot"
    )
    publish_frozen_list(platform.env["AMQP_URI"], envelope)
    return list_id, candidates


def created(staff: Api, body: dict) -> dict:
    def attempt():
        response = staff.raw("POST", "/api/v1/sessions", json=body)
        if response.status_code == 201:
            return response.json()
        assert response.status_code in (404, 422), response.text  # the list not there yet
        return None

    return wait_until(attempt, 30, 0.2, "the frozen list reaching voting")


def opened(staff: Api, session_id: str) -> None:
    base = f"/api/v1/sessions/{session_id}"
    staff.call("POST", f"{base}/deliberation", 200, json={})
    numbers = [f"D{n:03d}" for n in range(1, DEPUTIES + 1)]
    staff.call("POST", f"{base}/check-in", 200, json={"deputy_numbers": numbers})
    staff.call("POST", f"{base}/open", 200, json={})


def election(platform, staff: Api) -> tuple[str, list[dict]]:
    list_id, candidates = frozen_list(platform)
    body = {
        "area_code": TOWN,
        "year": YEAR,
        "kind": "congress_session",
        "title": "锡尼镇2027年民生实事项目票决",
        "candidate_list_id": list_id,
    }
    session_id = created(staff, body)["id"]
    opened(staff, session_id)
    return session_id, candidates


def token_for(staff: Api, session_id: str, number: str) -> str:
    token, hashed = new_ballot_token("township")
    body = {"deputy_number": number, "token_hash": hashed}
    staff.call("POST", f"/api/v1/sessions/{session_id}/tokens", 201, json=body)
    return token


def qr_url(token: str, folder: Path, platform, monkeypatch) -> str:
    """What the deputy's phone reads off the token's QR code (drawn as the desk's printer
    does, with the platform's public address)."""
    monkeypatch.setenv("PUBLIC_BASE_URL", platform.env["PUBLIC_BASE_URL"])
    png = folder / "token.png"
    qr.token_qr(token).save(str(png), kind="png", scale=8, border=4)
    return scanned(png)


def nothing_cast(platform, token: str) -> bool:
    paper = Api(platform.base_url).call("POST", "/api/v1/ballots/open", 200, json={"token": token})
    return paper["receipt"] is None


def counted(staff: Api, session_id: str) -> dict:
    """Close and tally: the first round's counts."""
    base = f"/api/v1/sessions/{session_id}"
    staff.call("POST", f"{base}/close", 200, json={})
    return staff.call("POST", f"{base}/tally", 200, json={})["rounds"][0]


def choose(page, candidates: list[dict], wanted: dict[int, str]) -> None:
    names = {"approve": "赞成", "oppose": "反对", "abstain": "弃权"}
    for position, choice in wanted.items():
        group = page.locator("fieldset.candidate").nth(position - 1)
        group.get_by_label(names[choice], exact=True).check()


def test_the_token_qr_opens_the_ballot_and_a_lost_connection_counts_once(
    phone, platform, staff, tmp_path, monkeypatch
):
    session_id, candidates = election(platform, staff)
    token = token_for(staff, session_id, "D001")
    url = qr_url(token, tmp_path, platform, monkeypatch)
    assert url == f"{platform.base_url}/b#{token}"  # the token only in the fragment
    page = phone.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    seen = watch(page)
    page.goto(url)
    page.wait_for_selector("#ballot")
    assert page.url == f"{platform.base_url}/b"  # the fragment left the address bar
    assert all(token not in r for r in requested)  # and no request line carried it
    legends = page.locator("fieldset.candidate legend").all_inner_texts()
    assert [text.split(" ", 1)[1] for text in legends] == [c["title"] for c in candidates]
    assert "1.00 万元" in page.content() and "杭锦旗住建局" in page.content()
    assert page.get_by_text(HOSTILE, exact=False).count() >= 1  # shown as text
    check(page, "ballot", seen)

    choose(page, candidates, {1: "approve", 2: "oppose"})
    page.reload()  # mid-ballot: the ballot again, maybe without the choices, nothing cast
    page.wait_for_selector("#ballot")
    assert nothing_cast(platform, token)

    choose(page, candidates, {1: "approve", 3: "approve", 4: "oppose"})
    page.get_by_role("button", name="下一步：核对选票").click()
    page.wait_for_selector("#confirm")
    assert "赞成 2 项" in page.content()
    check(page, "ballot-confirm")
    assert nothing_cast(platform, token)

    phone.set_offline(True)  # the connection drops as the deputy taps 确认投票
    page.get_by_role("button", name="确认投票").click()
    page.locator("#offline").wait_for(state="visible")
    assert nothing_cast(platform, token)
    phone.set_offline(False)
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_url("**/b/check?*")
    receipt = page.locator("#receipt").inner_text()
    assert receipt == receipt_for(token)
    assert "投票成功" in page.content()
    check(page, "ballot-receipt")

    # The QR opened again after the cast: the receipt, never a second ballot.
    page.goto(url)
    page.wait_for_url("**/b/check?*")
    assert "已投票" in page.content() and page.locator("#receipt").inner_text() == receipt

    first = counted(staff, session_id)
    assert (first["tally"]["returned"], first["tally"]["valid"]) == (1, 1)
    rows = {r["candidate_id"]: r for r in first["tally"]["results"]}
    assert rows[candidates[0]["proposal_id"]]["approve"] == 1
    assert rows[candidates[3]["proposal_id"]]["oppose"] == 1


def test_a_reply_lost_after_the_cast_is_retried_into_the_same_receipt(
    phone, platform, staff, tmp_path, monkeypatch
):
    session_id, candidates = election(platform, staff)
    token = token_for(staff, session_id, "D002")
    page = phone.new_page()
    page.goto(qr_url(token, tmp_path, platform, monkeypatch))
    page.wait_for_selector("#ballot")
    choose(page, candidates, {2: "approve"})
    page.get_by_role("button", name="下一步：核对选票").click()
    page.wait_for_selector("#confirm")

    def lose_the_reply(route):
        route.fetch()  # the cast reaches the server and is counted…
        route.abort("internetdisconnected")  # …and its answer never comes back

    page.route("**/b", lose_the_reply)
    page.get_by_role("button", name="确认投票").click()
    page.locator("#offline").wait_for(state="visible")
    assert not nothing_cast(platform, token)  # it was cast
    page.unroute("**/b")
    page.get_by_role("button", name="确认投票").click()  # retried: the same receipt
    page.wait_for_url("**/b/check?*")
    assert page.locator("#receipt").inner_text() == receipt_for(token)
    assert "未重复计票" in page.content()
    first = counted(staff, session_id)
    assert (first["tally"]["returned"], first["tally"]["valid"]) == (1, 1)


def test_the_ballot_with_javascript_off(phone_without_js, platform, staff):
    session_id, candidates = election(platform, staff)
    token = token_for(staff, session_id, "D003")
    page = phone_without_js.new_page()
    visit(page, "/b", "ballot-enter")
    page.get_by_label("选票凭证号").fill(token)
    page.get_by_role("button", name="打开选票").click()
    page.wait_for_selector("#ballot")
    choose(page, candidates, {1: "approve", 2: "approve", 5: "oppose"})
    page.get_by_role("button", name="下一步：核对选票").click()
    page.wait_for_selector("#confirm")
    check(page)
    page.get_by_role("button", name="返回修改").click()  # back, choices kept
    page.wait_for_selector("#ballot")
    group = page.locator("fieldset.candidate").nth(4)
    assert group.get_by_label("反对", exact=True).is_checked()
    page.get_by_role("button", name="下一步：核对选票").click()
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_url("**/b/check?*")
    assert page.locator("#receipt").inner_text() == receipt_for(token)
    check(page)
    page.reload()  # the receipt page is a GET: nothing posted again
    first = counted(staff, session_id)
    assert (first["tally"]["returned"], first["tally"]["valid"]) == (1, 1)


def test_more_than_k_approvals_are_refused_in_the_browser_and_by_the_server(
    phone, phone_without_js, platform, staff
):
    session_id, candidates = election(platform, staff)
    scripted, plain = token_for(staff, session_id, "D004"), token_for(staff, session_id, "D005")

    page = phone.new_page()
    page.goto("/b")
    page.get_by_label("选票凭证号").fill(scripted)
    page.get_by_role("button", name="打开选票").click()
    page.wait_for_selector("#ballot")
    choose(page, candidates, {1: "approve", 2: "approve", 3: "approve"})
    fourth = page.locator("fieldset.candidate").nth(3).get_by_label("赞成", exact=True)
    fourth.click()  # the K+1-th approval is undone, and the page says why
    assert not fourth.is_checked()
    assert page.locator("#limit").is_visible()
    assert page.locator("#approved").inner_text() == str(SEATS)
    check(page, "ballot-limit")

    page = phone_without_js.new_page()  # no script: the server refuses it
    page.goto("/b")
    page.get_by_label("选票凭证号").fill(plain)
    page.get_by_role("button", name="打开选票").click()
    choose(page, candidates, {1: "approve", 2: "approve", 3: "approve", 4: "approve"})
    page.get_by_role("button", name="下一步：核对选票").click()
    assert "这张选票会被拒收" in page.content()
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_selector("#ballot")
    assert f"赞成票超过应选名额 {SEATS}" in page.locator(".notice.bad").inner_text()
    assert page.locator("fieldset.candidate").nth(3).get_by_label("赞成", exact=True).is_checked()
    assert nothing_cast(platform, plain)


def test_an_unknown_code_is_refused_on_the_entry_page(phone, platform):
    page = phone.new_page()
    page.goto("/b")
    page.get_by_label("选票凭证号").fill(new_ballot_token("township")[0])
    page.get_by_role("button", name="打开选票").click()
    assert "选票凭证无效" in page.locator(".notice.bad").inner_text()
    check(page, "ballot-unknown")


def test_the_satisfaction_vote_on_the_same_page(phone, platform, staff, tmp_path, monkeypatch):
    projects = [
        {"project_id": f"HJ-{uuid.uuid4().hex[:8]}", "title": f"独贵塔拉镇项目{n}"}
        for n in range(1, 4)
    ]
    body = {
        "area_code": SMALL_TOWN,
        "year": YEAR,
        "kind": "satisfaction",
        "title": "独贵塔拉镇2027年民生实事项目满意度测评",
        "projects": projects,
    }
    session_id = staff.call("POST", "/api/v1/sessions", 201, json=body)["id"]
    opened(staff, session_id)
    token = token_for(staff, session_id, "D001")
    page = phone.new_page()
    page.goto(qr_url(token, tmp_path, platform, monkeypatch))
    page.wait_for_selector("#ballot")
    assert page.get_by_role("heading", level=1).inner_text() == "满意度测评"
    grades = ("满意", "基本满意", "不满意")
    for n, grade in enumerate(grades):
        page.locator("fieldset.candidate").nth(n).get_by_label(grade, exact=True).check()
    check(page, "ballot-satisfaction")
    page.get_by_role("button", name="下一步：核对选票").click()
    page.wait_for_selector("#confirm")
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_url("**/b/check?*")
    assert page.locator("#receipt").inner_text() == receipt_for(token)
    first = counted(staff, session_id)
    assert first["tally"]["valid"] == 1
