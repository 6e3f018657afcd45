"""What a page's handler gets: the request, the path's values, the API of this request, the
login, and the means to answer — a rendered template or a redirect."""

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from servicekit.auth import Principal
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from . import render, security
from .api import Api
from .page import Page

STATIC = Path(__file__).parent / "static"
HTML = "text/html; charset=utf-8"


@cache
def static_url(name: str) -> str:
    """/static/<name>?v=<content hash>: cached for a week, and a new file is a new URL."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


@dataclass
class View:
    gateway: Any  # the GatewayService worker: rpc, identity, limits
    request: Request
    values: dict[str, Any]
    page: Page
    api: Api
    browser_key: str  # the CSRF cookie's value (new when the browser had none)
    new_browser_key: bool = False
    cookies: list[tuple[str, str | None, int | None]] = field(default_factory=list)

    @property
    def principal(self) -> Principal:
        return self.gateway.identity.principal  # type: ignore[no-any-return]

    @property
    def form(self) -> MultiDict[str, str]:
        return self.request.form

    @property
    def csrf_token(self) -> str:
        return security.form_token(self.gateway.identity.secret, self.browser_key)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        page = render.render(template, {**self.context(), **context})
        return self.finish(Response(page, status=status, content_type=HTML))

    def redirect(self, location: str) -> Response:
        """303 See Other: after a form, the browser GETs the result (a reload never posts
        twice)."""
        response = Response(status=303, headers={"Location": location})
        return self.finish(response)

    def set_cookie(self, name: str, value: str | None, max_age: int | None = None) -> None:
        """Set (or, with None, clear) a cookie on whatever this view answers."""
        self.cookies.append((name, value, max_age))

    def login_url(self) -> str:
        target = self.request.full_path.rstrip("?")
        return f"/login?next={quote(target, safe='/')}"

    def context(self) -> dict[str, Any]:
        principal = self.principal
        return {
            "csrf_field": security.CSRF_FIELD,
            "csrf_token": self.csrf_token,
            "principal": principal if principal.authenticated else None,
            "static": static_url,
            "path": self.request.path,
            # A fresh Idempotency-Key in every form rendered: a double tap, or a retry after a
            # lost answer, sends the same key, and the API makes it one record.
            "form_key": security.new_browser_key(),
        }

    def finish(self, response: Response) -> Response:
        for name, value, max_age in self.cookies:
            if value is None:
                security.clear_cookie(response, name)
            else:
                security.set_cookie(response, name, value, max_age)
        if self.new_browser_key:
            security.set_cookie(response, security.CSRF_COOKIE, self.browser_key)
        return response
