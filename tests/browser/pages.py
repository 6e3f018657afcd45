"""What every page must be, checked on every visit: it loads, it weighs under 150 KB in all
(the system's fonts, nothing from elsewhere), axe-core finds no serious or critical
violation, nothing runs that the page did not ship (a stored `<script>` stays text), and its
phone-width screenshot is saved for README."""

import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Response

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "pages"
MAX_PAGE_BYTES = 150 * 1024
BLOCKING = ("serious", "critical")
# Stored in every text field a test can reach; the page must show it as text, never run it.
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
_axe = Axe()
# Contexts with JavaScript off (conftest's phone_without_js): axe-core is a script, so there it
# runs on the same URL opened in a twin context with JavaScript on.
NO_SCRIPT: "weakref.WeakSet[BrowserContext]" = weakref.WeakSet()


@dataclass
class Visit:
    page: Page
    responses: list[Response] = field(default_factory=list)

    @property
    def transferred(self) -> int:
        total = 0
        for response in self.responses:
            try:
                total += len(response.body())
            except Exception:  # a redirect or an aborted request has no body
                continue
        return total


def watch(page: Page) -> Visit:
    """Count what the page loads from now on, and refuse anything from another host."""
    visit = Visit(page)
    page.on("response", lambda response: visit.responses.append(response))
    return visit


def check(page: Page, name: str | None = None, visit: Visit | None = None) -> None:
    """The checks every page passes, on the page as it stands now."""
    host = urlsplit(page.url).netloc
    if visit is not None:
        foreign = [r.url for r in visit.responses if urlsplit(r.url).netloc not in (host, "")]
        assert not foreign, f"loaded from elsewhere: {foreign}"
        assert visit.transferred < MAX_PAGE_BYTES, f"{page.url}: {visit.transferred} bytes"
    assert page.evaluate("window.__xss") is None, "a stored script ran"
    accessible(page)
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    if page.context in NO_SCRIPT:
        browser = page.context.browser
        assert browser is not None
        twin = browser.new_context(viewport=page.viewport_size, locale="zh-CN")
        try:
            scripted = twin.new_page()
            scripted.goto(page.url)
            accessible(scripted)
        finally:
            twin.close()
        return
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    assert not blocking, json.dumps(
        [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"][:3]]}
            for v in blocking
        ],
        ensure_ascii=False,
        indent=1,
    )


def visit(page: Page, url: str, name: str | None = None, status: int = 200) -> Visit:
    """Open `url`, assert its status, and run `check` on it."""
    seen = watch(page)
    response = page.goto(url)
    assert response is not None and response.status == status, (
        f"{url}: {response.status if response else None}\n{page.content()[:2000]}"
    )
    check(page, name, seen)
    return seen
