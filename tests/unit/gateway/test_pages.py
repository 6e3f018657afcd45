"""The pages' own rules: where a login may come from, where a login may send the browser
next, the CSRF token, the money and time shown, and one page per name."""

import pytest
from contracts.supervision import public_code_for
from gateway.identity import authorization
from gateway.pages import filters, security
from gateway.pages.api import path_of, routes_by_name
from gateway.pages.mount import declared
from gateway.pages.views.core import safe_next
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

SECRET = "s" * 32


def request(path: str, headers: dict[str, str] | None = None, **kwargs) -> Request:
    return Request(EnvironBuilder(path=path, headers=headers, **kwargs).get_environ())


def with_cookie(path: str, cookie: str) -> Request:
    return request(path, {"Cookie": f"{security.SESSION_COOKIE}={cookie}"})


def test_a_page_reads_the_login_cookie_and_the_api_never_does():
    assert authorization(with_cookie("/p/XABC", "tok")) == "Bearer tok"
    assert authorization(with_cookie("/api/v1/matters", "tok")) == ""  # no CSRF on the API
    header = {"Authorization": "Bearer api", "Cookie": f"{security.SESSION_COOKIE}=tok"}
    assert authorization(request("/w", header)) == "Bearer api"  # a header wins
    assert authorization(request("/p/XABC")) == ""


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/w?x=1", "/w?x=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_login_the_browser_goes_only_to_a_path_of_this_site(target, expected):
    assert safe_next(target) == expected


def test_the_csrf_token_is_bound_to_the_browser_key():
    token = security.form_token(SECRET, "key-a")
    assert token == security.form_token(SECRET, "key-a")
    assert token != security.form_token(SECRET, "key-b")
    assert token != security.form_token("t" * 32, "key-a")


def form_post(cookie: str | None, token: str | None, origin: str | None = None) -> Request:
    headers = {"Host": "minsheng.example"}
    if cookie:
        headers["Cookie"] = f"{security.CSRF_COOKIE}={cookie}"
    if origin:
        headers["Origin"] = origin
    data = {security.CSRF_FIELD: token} if token else {}
    return request("/p/X", headers, method="POST", data=data)


def test_a_form_is_genuine_only_with_its_browsers_token_from_this_origin():
    token = security.form_token(SECRET, "key")
    assert security.form_is_genuine(form_post("key", token), SECRET)
    assert security.form_is_genuine(form_post("key", token, "https://minsheng.example"), SECRET)
    assert not security.form_is_genuine(form_post("key", token, "https://evil.example"), SECRET)
    assert not security.form_is_genuine(form_post("other", token), SECRET)
    assert not security.form_is_genuine(form_post(None, token), SECRET)
    assert not security.form_is_genuine(form_post("key", None), SECRET)


def test_the_policy_allows_no_inline_script_or_style():
    assert "'unsafe-inline'" not in security.CSP and "'unsafe-eval'" not in security.CSP
    assert "frame-ancestors 'none'" in security.CSP


def test_money_and_time_as_residents_read_them():
    assert filters.yuan(1234500) == "12,345.00 元"
    assert filters.wan_yuan(3_200_000_00) == "320.00 万元"
    assert filters.local_time("2026-12-04T18:30:00+00:00") == "2026-12-05 02:30"
    assert filters.percent(0.425, 1) == "42.5%"
    assert filters.yuan(None) == filters.percent(None) == "—"


def test_a_project_links_to_the_page_its_site_sign_opens():
    assert filters.project_page("T0123") == f"/p/{public_code_for('T0123')}"


def test_every_page_name_is_unique_and_every_api_name_a_page_calls_exists():
    names = [page.name for page in declared()]
    assert len(names) == len(set(names)) and all(n.startswith("page_") for n in names)
    route = routes_by_name()["get_project_by_code"]
    assert path_of(route, {"project_code": "XABC"}) == "/api/v1/public/project-codes/XABC"
