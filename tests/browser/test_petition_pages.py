"""码上找代表 in a browser: the demo deputy's QR code (decoded as a phone would) opens /d/<code>
with the deputy, the station and the matter form; a resident submits a matter with JavaScript
on (after a refusal that keeps what was typed) and off, hostile text in every field shown as
text; the demo deputy (daibiao, 王建国's account) accepts, tiers and resolves it on the
workbench; the resident rates it on /m/<code>; the workbench's poster prints."""

import uuid
from datetime import date

import requests

from tests.browser.conftest import phone_context
from tests.browser.demo import demo_deputy_url
from tests.browser.pages import HOSTILE, check, visit, watch
from tests.support.api import Api

# A name is at most 50 characters: a name and the script half of HOSTILE.
NAME = "秦淑芬"
OWN_TOWN = "150624100"  # 乌兰镇, 鄂托克旗: what these tests add to an area goes here
HOSTILE_NAME = NAME + HOSTILE[: HOSTILE.index("<img")]


def fill_matter(page, title: str, text: str, phone: str = "13800002222") -> None:
    page.get_by_label("问题类别").select_option("基础设施")
    page.get_by_label("标题").fill(title)
    page.get_by_label("反映的问题").fill(text)
    page.get_by_label("问题所在地点").fill("迎宾路 " + HOSTILE)
    page.get_by_label("姓名").fill(HOSTILE_NAME)
    page.get_by_label("手机号码").fill(phone)


def submit(page) -> str:
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url("**/m/*")
    assert "已收到您反映的问题" in page.content()
    code = page.url.split("/m/")[1].split("?")[0]
    assert page.locator(".tracking-code").inner_text() == code
    return code


def test_the_deputy_qr_opens_the_deputy_page(phone, platform):
    code, url = demo_deputy_url(platform)
    assert url == f"{platform.base_url}/d/{code}"
    page = phone.new_page()
    visit(page, url, "deputy")
    assert "王建国" in page.get_by_role("heading", level=1).inner_text()
    assert "薛家湾镇人大代表联络站" in page.content()
    assert page.get_by_role("heading", name="履职动态").count() == 1
    assert page.get_by_role("button", name="提交", exact=True).count() == 1


def test_a_refused_matter_keeps_what_was_typed(phone, platform):
    _, url = demo_deputy_url(platform)
    page = phone.new_page()
    seen = watch(page)
    page.goto(url)
    fill_matter(page, "太短的", "太短", phone="不是电话")
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.locator(".field.invalid #f-text").count() == 1  # under 5 characters
    assert page.locator(".field.invalid #f-resident_phone").count() == 1
    assert page.locator("#f-text").input_value() == "太短"
    assert page.locator("#f-resident_phone").input_value() == "不是电话"
    check(page, "deputy-refused", seen)


def resident_journey(context, platform) -> tuple[str, str]:
    _, url = demo_deputy_url(platform)
    page = context.new_page()
    page.goto(url)
    title = f"路灯 {uuid.uuid4().hex[:6]} {HOSTILE}"
    fill_matter(page, title, "小区门口路灯坏了很久 " + HOSTILE)
    code = submit(page)
    assert page.evaluate("window.__xss") is None
    assert HOSTILE in page.locator("h1").inner_text()  # shown as text
    assert NAME not in page.content()  # the name is not public
    assert "13800002222" not in page.content()
    return code, title


def test_a_matter_with_javascript_off_is_tracked(phone_without_js, platform):
    code, _ = resident_journey(phone_without_js, platform)
    page = phone_without_js.new_page()
    visit(page, f"/m/{code}?new=1", "matter")
    assert "已登记，待受理" in page.content()
    assert page.get_by_text("办结后可在这里评价").count() == 1


def log_in(context, username="daibiao", password="demo-daibiao-2026"):
    page = context.new_page()
    page.goto("/login?next=/w")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/w")
    return page


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").click()
    assert f"done={action}" in page.url, page.locator("main").inner_text()


def test_the_deputy_resolves_it_and_the_resident_rates_it(phone, browser, platform):
    code, title = resident_journey(phone, platform)
    deputy = phone_context(browser, platform)  # a second phone: the deputy's
    try:
        page = log_in(deputy)
        visit(page, "/w", "workbench")
        assert "王建国" in page.locator("h1").inner_text()
        page.get_by_role("link", name=title).click()
        assert code in page.content()
        assert HOSTILE_NAME in page.locator("main").inner_text()  # the deputy sees the contact
        act(page, "accept")
        assert "已受理" in page.content()
        tier = page.locator("form:has([value=tier])")
        tier.locator("#f-tier").select_option("diversion")  # 分流 names a department: refused
        tier.locator("#f-method").select_option("supervise")
        tier.get_by_label("备注").fill("先分流 " + HOSTILE)
        tier.locator("button[type=submit]").click()
        assert page.locator("form:has([value=tier]) .invalid #f-department").count() == 1
        assert page.locator("#f-tier").input_value() == "diversion"  # what was chosen is kept
        assert page.locator("form:has([value=tier]) #f-note").input_value() == "先分流 " + HOSTILE
        check(page, "workbench-matter-refused")
        page.locator("#f-tier").select_option("direct")
        page.locator("form:has([value=tier]) #f-method").select_option("investigate")
        act(page, "tier")
        page.get_by_label("办理结果").fill("已协调物业换灯 " + HOSTILE)
        act(page, "resolve")
        visit(page, page.url.split("#")[0], "workbench-matter")
        assert "已办结，待评价" in page.content()
        visit(page, "/w/poster", "poster")
        page.emulate_media(media="print")  # the poster alone on the sheet
        assert page.locator(".poster img").is_visible()
        assert page.locator("header.bar").is_hidden() and page.locator(".poster h1").is_hidden()
        page.emulate_media(media="screen")
        svg = page.request.get(f"{platform.base_url}/w/poster.svg")
        assert svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    finally:
        deputy.close()
    (resident,) = phone.pages  # the resident's phone, still on the tracking page
    resident.goto(f"/m/{code}")
    assert "已协调物业换灯 " + HOSTILE in resident.locator("main").inner_text()
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_label("意见").fill("谢谢代表 " + HOSTILE)
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_url("**rated=1*")
    visit(resident, resident.url.split("#")[0], "matter-rated")
    assert resident.locator(".rating").inner_text() == "满意"


def test_the_workbench_asks_for_a_deputys_login(phone, platform):
    page = phone.new_page()
    page.goto("/w")
    assert "/login?next=/w" in page.url


def test_an_unknown_deputy_code_is_a_404_page(phone, platform):
    visit(phone.new_page(), "/d/T0000000", status=404)


def own_deputy(platform) -> tuple[dict, dict]:
    """A deputy of 乌兰镇 (鄂托克旗, this test's own area) with a station on duty every day and
    a hostile duty post: (the deputy's profile, the deputy's login headers)."""
    tag = uuid.uuid4().hex[:6]
    username = f"pet-{tag}"
    headers = platform.create_account(username, "deputy", OWN_TOWN, "petition-pass-123")
    admin = Api(platform.base_url, platform.login("admin", "demo-admin-2026"))
    station = {
        "area_code": OWN_TOWN,
        "name": f"乌兰镇联络站 {tag}",
        "address": "乌兰镇 " + HOSTILE,
        "lat": 39.1,
        "lng": 107.98,
        "opening_hours": "每天 8:30-18:00 " + HOSTILE,
    }
    made_station = admin.call("POST", "/api/v1/stations", 201, json=station)
    csv = (
        "姓名,层级,地区代码,代表团,联络站,专长,公开联系方式,公开电话,账号\n"
        f"巴特尔{tag},苏木乡镇,{OWN_TOWN},乌兰镇代表团,{station['name']},环保,,,{username}\n"
    )
    admin.call("POST", "/api/v1/deputies/import", 201, json={"area_code": "150624", "csv": csv})
    deputy = Api(platform.base_url, headers)
    found = deputy.call("GET", "/api/v1/deputies", 200, params={"area_code": OWN_TOWN})
    (me,) = [d for d in found["items"] if d["username"] == username]
    duty = [{"weekday": day, "deputy_id": me["id"]} for day in range(1, 8)]
    admin.call("PUT", f"/api/v1/stations/{made_station['id']}", 200, json={**station, "duty": duty})
    post = {
        "kind": "visit",
        "text": "走访牧户，了解饮水困难 " + HOSTILE,
        "place": "乌兰镇 " + HOSTILE,
        "held_on": date.today().isoformat(),
    }
    deputy.call("POST", "/api/v1/duty-posts", 201, json=post)
    return me, headers


def test_a_deputy_page_shows_the_station_on_duty_and_the_duty_posts(phone, platform):
    me, _ = own_deputy(platform)
    page = phone.new_page()
    visit(page, f"/d/{me['public_code']}", "deputy-station")
    text = page.locator("main").inner_text()
    assert me["name"] in text and "走访牧户，了解饮水困难 " + HOSTILE in text
    assert "今日值班" in text and f"{me['name']}" in page.locator(".duty").inner_text()


def test_a_matter_form_without_its_csrf_token_is_refused(platform):
    code, _ = demo_deputy_url(platform)
    body = {"category": "基础设施", "text": "伪造的表单提交内容", "place": "某地"}
    response = requests.post(
        f"{platform.base_url}/d/{code}", data=body, timeout=10, allow_redirects=False
    )
    assert response.status_code == 403 and "表单已过期" in response.text
