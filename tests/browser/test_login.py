"""Logging in on a page: a wrong password is said on the form, the login cookie is HttpOnly,
Secure and SameSite=Lax, the API never accepts it in place of a bearer token, the browser
goes back only to a path of this site, and logging out ends it."""

from tests.browser.demo import demo_project_url
from tests.browser.pages import check, visit

USER, PASSWORD = "renda", "demo-renda-2026"


def log_in(page, password: str = PASSWORD) -> None:
    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_wrong_password_is_said_on_the_form(phone, platform):
    page = phone.new_page()
    visit(page, "/login", "login")
    log_in(page, "not-the-password")
    assert "用户名或密码错误" in page.content()
    assert page.get_by_label("用户名").input_value() == USER  # kept; the password is not
    assert page.get_by_label("密码").input_value() == ""
    check(page, "login-refused")


def test_the_login_cookie_is_private_and_the_api_ignores_it(phone, platform):
    code, _ = demo_project_url(platform)
    page = phone.new_page()
    page.goto(f"/login?next=/p/{code}")
    log_in(page)
    page.wait_for_url(f"**/p/{code}")
    assert page.locator(".who").inner_text() == USER
    (session,) = [c for c in phone.cookies() if c["name"] == "ms_session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # no script can read either cookie
    # The browser sends the cookie with this request, but the API wants a bearer token.
    answer = page.request.get("/api/v1/feedback?area_code=150622")
    assert answer.status == 401


def test_after_login_the_browser_stays_on_this_site(phone, platform):
    page = phone.new_page()
    page.goto("/login?next=//evil.example/")
    log_in(page)
    page.wait_for_load_state()
    assert page.url.startswith(platform.base_url + "/")


def test_logging_out_ends_the_login(phone, platform):
    code, _ = demo_project_url(platform)
    page = phone.new_page()
    page.goto(f"/login?next=/p/{code}")
    log_in(page)
    page.wait_for_url(f"**/p/{code}")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    assert not [c for c in phone.cookies() if c["name"] == "ms_session"]
    assert page.get_by_role("link", name="工作人员登录").count() == 1
