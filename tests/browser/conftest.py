"""The pages in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium; the
browser Playwright would download is not reachable here) against one platform as `make run`
starts it, shared by the whole tier (starting it takes ~40 s; every test makes its own data).

This tier runs under plain pytest, not `nameko test`: Playwright's sync API runs its own
event loop, which eventlet's monkey-patching breaks; nothing here runs nameko in-process.

Every test that opens a page goes through `visit` (tests.browser.pages): the page loaded at
phone width, its transferred size under 150 KB, axe-core with no serious or critical
violation, and a screenshot under docs/pages/ for README's "Pages".
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.browser.pages import NO_SCRIPT
from tests.support.platform import running

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The probe's flags: no sandbox as root, and no background traffic (the network is closed).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def platform(tmp_path_factory, amqp_uri, pg):
    data_dir = tmp_path_factory.mktemp("browser-run") / "data"
    with running(data_dir, amqp_uri, pg, "browser", {}) as started:
        yield started


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} 不存在：`make test` 会安装 Debian 的 chromium (missing Chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def phone_context(browser: Browser, platform, javascript: bool = True) -> BrowserContext:
    return browser.new_context(
        base_url=platform.base_url,
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        java_script_enabled=javascript,
    )


@pytest.fixture
def phone(browser, platform):
    """A phone at 390×844 with JavaScript on."""
    context = phone_context(browser, platform)
    yield context
    context.close()


@pytest.fixture
def phone_without_js(browser, platform):
    """The same phone with JavaScript off: every resident form still works."""
    context = phone_context(browser, platform, javascript=False)
    NO_SCRIPT.add(context)
    yield context
    context.close()
