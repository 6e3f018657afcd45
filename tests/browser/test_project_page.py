"""/p/<code>, what a project's site sign opens: scanned from the demo project's QR code, it
shows progress, milestones, funds and the published feedback; a resident sends feedback with
JavaScript on and off, a hostile text stays text, a forged form is refused, and nothing a
resident typed as contact appears on the public page."""

import requests

from tests.browser.demo import demo_project_url
from tests.browser.pages import HOSTILE, check, visit, watch
from tests.support.api import Api


def test_the_site_sign_qr_opens_the_project_page(phone, platform):
    code, url = demo_project_url(platform)
    assert url == f"{platform.base_url}/p/{code}"
    page = phone.new_page()
    visit(page, url, "project")
    named = Api(platform.base_url).call("GET", f"/api/v1/public/project-codes/{code}", 200)
    assert page.get_by_role("heading", level=1).inner_text() == named["title"]
    assert page.locator("progress").count() >= 1
    assert "资金" in page.content() and "群众监督" in page.content()


def send_feedback(page, text: str, anonymous: bool = True) -> None:
    page.get_by_label("质量").check()
    page.get_by_label("您看到的情况").fill(text)
    if not anonymous:
        page.get_by_label("实名反馈").check()
        page.get_by_role("textbox", name="姓名").fill("张三丰")
        page.get_by_role("textbox", name="联系电话").fill("13800001111")
    page.get_by_role("button", name="提交反馈").click()


def staff_feedback(platform, code: str) -> list[dict]:
    staff = Api(platform.base_url, platform.login("renda", "demo-renda-2026"))
    named = Api(platform.base_url).call("GET", f"/api/v1/public/project-codes/{code}", 200)
    query = {"area_code": named["area_code"], "page_size": 200}
    return staff.call("GET", "/api/v1/feedback", 200, params=query)["items"]


def test_feedback_with_javascript_off_keeps_contact_private(phone_without_js, platform):
    code, url = demo_project_url(platform)
    page = phone_without_js.new_page()
    page.goto(url)
    text = "工地围挡倒了一段，晚上路过有危险 " + HOSTILE
    send_feedback(page, text, anonymous=False)
    assert "已收到您的反馈" in page.content()
    check(page, "project-feedback-sent")
    stored = [f for f in staff_feedback(platform, code) if f["text"] == text]
    assert len(stored) == 1 and stored[0]["phone"] == "13800001111"  # one, with the contact
    assert "13800001111" not in page.content() and "张三丰" not in page.content()


def test_a_refused_feedback_shows_the_apis_message_beside_the_field(phone, platform):
    _, url = demo_project_url(platform)
    page = phone.new_page()
    seen = watch(page)
    page.goto(url)
    page.get_by_label("实名反馈").check()
    page.get_by_label("您看到的情况").fill("太短")
    page.get_by_role("button", name="提交反馈").click()
    assert page.locator(".field.invalid #f-text").count() == 1  # text under 5 characters
    assert page.locator("#f-text").input_value() == "太短"  # what was typed is kept
    check(page, "project-feedback-refused", seen)


def test_a_hostile_feedback_published_is_shown_as_text(phone, platform):
    code, url = demo_project_url(platform)
    page = phone.new_page()
    page.goto(url)
    send_feedback(page, "钢筋裸露 " + HOSTILE)
    staff = Api(platform.base_url, platform.login("renda", "demo-renda-2026"))
    (mine,) = [f for f in staff_feedback(platform, code) if f["text"] == "钢筋裸露 " + HOSTILE]
    staff.call("POST", f"/api/v1/feedback/{mine['id']}/moderation", 200, json={"action": "publish"})
    visit(page, url)
    assert page.get_by_text(HOSTILE, exact=False).count() >= 1  # the markup, shown as text
    assert page.evaluate("window.__xss") is None


def test_a_form_without_its_csrf_token_is_refused(platform):
    code, _ = demo_project_url(platform)
    response = requests.post(
        f"{platform.base_url}/p/{code}",
        data={"category": "quality", "text": "伪造的表单提交内容", "anonymous": "1"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 403
    assert "text/html" in response.headers["Content-Type"]
    assert "表单已过期" in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_an_unknown_code_is_a_404_page(phone, platform):
    page = phone.new_page()
    visit(page, "/p/XZZZZZZZZZZ", "project-unknown", status=404)
    assert "没有找到" in page.content()
