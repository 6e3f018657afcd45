"""The residents' pages (no account): `/` lists the area tree with its open collection
notices, `/a/<area>` shows an area's notice and takes a proposal with JavaScript off and on
(a plain POST, then the tracking page with the code), `/t/<code>` tracks it — a hostile text
stays text, a refused proposal shows the API's messages beside the fields with what was typed
kept, the resident's name and phone never appear, and a screened proposal shows its published
reason.

The data is this module's own, in 东胜区 (150602): a government_staff account of 150602 opens
a collection in 林荫街道 (150602001) with a title of its own, and screens and publishes in
天骄街道 (150602010)."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.pages import HOSTILE, check, visit, watch
from tests.e2e.test_intake_journey import create_account
from tests.support.api import Api

DISTRICT, STREET, SCREENED = "150602", "150602001", "150602010"
CODE = re.compile(r"^[CBT][0-9A-Z]{3}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
PHONE = "13904770602"
NAME = "王秀英"


@pytest.fixture(scope="module")
def staff(platform) -> Api:
    """A 东胜区 government_staff account of this module's own."""
    username = f"resident-{uuid.uuid4().hex[:8]}"
    return Api(platform.base_url, create_account(platform, username, "government_staff", DISTRICT))


@pytest.fixture(scope="module")
def notice(staff) -> dict:
    """A collection open now in 林荫街道, its text hostile (shown as text on the area page)."""
    now = datetime.now(UTC)
    body = {
        "area_code": STREET,
        "year": now.year + 1,
        "title": f"林荫街道民生实事征集 {uuid.uuid4().hex[:6]}",
        "body": "请提出社区最需要办的实事：道路、供暖、养老、托育。\n" + HOSTILE,
        "opens_at": (now - timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(days=20)).isoformat(),
    }
    return staff.call("POST", "/api/v1/notices", 201, json=body)


def fill_proposal(page, text: str, name: str = NAME, phone: str = PHONE) -> None:
    page.get_by_label("建议名称").fill(text[:100])
    page.get_by_label("类别").select_option("基础设施")
    page.get_by_label("建议内容").fill("小区门前道路破损，雨天积水，老人出行困难。" + text)
    page.get_by_label("地点").fill(text[:200])
    page.get_by_label("估计费用（元，可不填）").fill("350000")
    page.get_by_label("受益人数（可不填）").fill("1200")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("联系电话").fill(phone)
    page.get_by_role("button", name="提交建议").click()


def staff_view(staff: Api, area: str, code: str) -> dict:
    query = {"area_code": area, "page_size": 200}
    listed = staff.call("GET", "/api/v1/proposals", 200, params=query)["items"]
    (mine,) = [p for p in listed if p["tracking_code"] == code]
    return mine


def assert_private(page) -> None:
    content = page.content()
    assert PHONE not in content and NAME not in content


def test_home_lists_the_area_tree_and_open_notices(phone, platform, notice):
    page = phone.new_page()
    visit(page, "/", "home")
    areas = Api(platform.base_url).call("GET", "/api/v1/areas", 200)["items"]
    assert page.locator("a.area-link").count() == len(areas)
    street = page.locator(f'a[href="/a/{STREET}"]')
    assert "林荫街道" in street.inner_text() and "征集中" in street.inner_text()
    street.click()
    assert page.url.endswith(f"/a/{STREET}")
    assert page.get_by_role("heading", name=notice["title"]).count() == 1


def test_area_page_shows_the_notice_as_text(phone, notice):
    page = phone.new_page()
    visit(page, f"/a/{STREET}", "area")
    assert page.get_by_text(HOSTILE, exact=False).count() >= 1  # the notice's body, as text
    assert page.get_by_role("button", name="提交建议").count() == 1
    assert "12345" in page.content()  # the other channels are named


def test_propose_with_javascript_off_then_track(phone_without_js, staff, notice):
    page = phone_without_js.new_page()
    page.goto(f"/a/{STREET}")
    fill_proposal(page, "道路 " + HOSTILE)
    assert re.search(r"/t/[^/?]+\?new=1#h-new$", page.url), page.url
    code = page.locator("#tracking-code").inner_text()
    assert CODE.match(code), code
    assert page.get_by_text("道路 " + HOSTILE, exact=False).count() >= 1
    assert "等待政府筛选" in page.locator("#status").inner_text()
    assert_private(page)
    check(page, "track-new")
    stored = staff_view(staff, STREET, code)
    assert stored["title"] == ("道路 " + HOSTILE)[:100]
    assert stored["location"]["text"] == ("道路 " + HOSTILE)[:200]
    assert (stored["submitter_phone"], stored["submitter_name"]) == (PHONE, NAME)
    assert (stored["estimated_cost_fen"], stored["beneficiaries"]) == (35_000_000, 1200)
    assert stored["channel"] == "online"

    page.reload()  # the 303 made it a GET: a reload sends nothing twice
    query = {"area_code": STREET, "page_size": 200}
    listed = staff.call("GET", "/api/v1/proposals", 200, params=query)["items"]
    assert [p["title"] for p in listed].count(stored["title"]) == 1


def test_propose_with_javascript_on_and_track_by_typing_the_code(phone, staff, notice):
    page = phone.new_page()
    seen = watch(page)
    page.goto(f"/a/{STREET}")
    fill_proposal(page, "供暖 " + HOSTILE)
    code = page.locator("#tracking-code").inner_text()
    assert CODE.match(code)
    assert page.evaluate("window.__xss") is None
    assert_private(page)

    page.goto("/")
    page.get_by_label("查询码").fill(f"  {code.lower()} ")
    page.get_by_role("button", name="查询进度").click()
    assert page.url.endswith(f"/t/{code}")
    assert page.get_by_text("供暖 " + HOSTILE, exact=False).count() >= 1
    assert page.locator("#tracking-code").count() == 0  # not a new submission
    check(page, "track", seen)
    assert staff_view(staff, STREET, code)["submitter_phone"] == PHONE


def test_a_refused_proposal_shows_the_apis_messages_beside_the_fields(phone_without_js, staff):
    page = phone_without_js.new_page()
    page.goto(f"/a/{STREET}")
    page.get_by_label("建议名称").fill("路")  # under 2 characters
    page.get_by_label("建议内容").fill(HOSTILE)
    page.get_by_label("估计费用（元，可不填）").fill("很多")
    page.get_by_label("姓名").fill(HOSTILE)  # over 50 characters
    page.get_by_label("联系电话").fill(HOSTILE)  # not a phone number
    page.get_by_role("button", name="提交建议").click()
    for name in ("title", "category", "location_text", "estimated_cost_yuan", "submitter_name"):
        assert page.locator(f".field.invalid #f-{name}").count() == 1, name
    assert page.locator(".field.invalid #f-submitter_phone").count() == 1
    assert page.locator("#f-title").input_value() == "路"  # what was typed is kept
    assert page.locator("#f-description").input_value() == HOSTILE
    assert page.locator("#f-submitter_name").input_value() == HOSTILE
    assert page.locator("#f-estimated_cost_yuan").input_value() == "很多"
    assert "没有提交成功" in page.content()
    check(page, "proposal-refused")


def test_a_screened_proposal_shows_the_published_reason(phone, platform, staff):
    """In 天骄街道 (the demo's notice there is open): submitted over the API, screened as not
    accepted with a hostile reason, published: the tracking page shows the reason as text."""
    public = Api(platform.base_url)
    proposal = {
        "title": "修建天骄街道地下通道",
        "description": "建议在天骄街道路口修建地下通道，方便行人。",
        "category": "交通出行",
        "area_code": SCREENED,
        "location": {"text": "天骄街道某路口"},
    }
    code = public.call("POST", "/api/v1/proposals", 201, json=proposal)["tracking_code"]
    mine = staff_view(staff, SCREENED, code)
    reason = "投资过大，超出街道财力 " + HOSTILE
    scores = {"public_benefit": 3, "inclusive": 3, "urgency": 2, "assessable": 3}
    staff.call(
        "POST",
        f"/api/v1/proposals/{mine['id']}/screenings",
        201,
        json={**scores, "verdict": "rejected", "reason": reason},
    )
    scope = {"area_code": SCREENED, "year": mine["year"]}
    staff.call("POST", "/api/v1/outcomes/publish", 200, json=scope)
    page = phone.new_page()
    visit(page, f"/t/{code}", "track-screened")
    assert "未入选项目库" in page.content()
    assert page.get_by_text(reason, exact=False).count() >= 1


def test_an_unknown_code_or_area_is_a_404_page(phone):
    page = phone.new_page()
    visit(page, "/t/T000-0000-0000", "track-unknown", status=404)
    assert "没有找到" in page.content()
    visit(page, "/t/not-a-code", status=404)
    visit(page, "/a/999999", status=404)
    visit(page, "/t", "track-lookup")
    assert page.get_by_label("查询码").count() == 1


def test_a_repeated_post_is_one_proposal_and_a_forged_one_is_refused(platform, notice):
    """The form's key is the API's Idempotency-Key: a double tap, or a retry after a lost
    answer, is one proposal (both answers 303 to the same tracking page)."""
    browser = requests.Session()
    form = browser.get(f"{platform.base_url}/a/{STREET}", timeout=10).text
    fields = {
        name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1)
        for name in ("csrf_token", "key")
    }
    body = {
        **fields,
        "title": "重复提交测试",
        "category": "其他",
        "description": "同一张表单提交两次，只算一条建议。",
        "location_text": "林荫街道",
    }
    # The cookie is Secure: requests keeps it off plain HTTP, a browser sends it to 127.0.0.1.
    cookie = {"Cookie": f"ms_csrf={browser.cookies['ms_csrf']}"}
    answers = [
        requests.post(
            f"{platform.base_url}/a/{STREET}",
            data=body,
            headers=cookie,
            timeout=10,
            allow_redirects=False,
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert answers[0].headers["Location"].startswith("/t/")
    forged = requests.post(
        f"{platform.base_url}/a/{STREET}", data=body, timeout=10, allow_redirects=False
    )
    assert forged.status_code == 403
