"""From page declarations to nameko entrypoints on the gateway, and the answer every page
shares: security headers, the CSRF check, the login, errors rendered as pages.

Every module of pages.views exports `PAGES`; a new page is a declaration there and nothing
else changes (as the API's route packages)."""

import importlib
import logging
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any

from contracts import errors as codes
from servicekit.errors import Forbidden, ServiceError
from servicekit.http import http
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from . import security
from .api import Api
from .page import Page
from .view import View

PACKAGE = "gateway.pages.views"
FORGED = "表单已过期或来源不明，请返回刷新后重新提交 (the form's security token is wrong)"
log = logging.getLogger(__name__)


@cache
def declared() -> tuple[Page, ...]:
    package = importlib.import_module(PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    pages = tuple(
        page for name in names for page in importlib.import_module(f"{PACKAGE}.{name}").PAGES
    )
    twice = {p.name for p in pages if sum(q.name == p.name for q in pages) > 1}
    if twice:
        raise ValueError(f"页面重复声明 (pages declared twice): {sorted(twice)}")
    return pages


def respond(page: Page, gateway: Any, request: Request, values: dict[str, Any]) -> Response:
    key = request.cookies.get(security.CSRF_COOKIE)
    view = View(
        gateway,
        request,
        values,
        page,
        Api(gateway, request),
        key or security.new_browser_key(),
        new_browser_key=not key,
    )
    try:
        response = guarded(page, view)
    except ServiceError as exc:
        response = error_page(view, exc.status, exc.code, exc.message)
    except HTTPException as exc:  # a form past the size limit (413), an unreadable one (400)
        response = error_page(view, exc.code or 400, codes.BAD_JSON, str(exc.description))
    for header, value in security.HEADERS.items():
        response.headers[header] = value
    if page.no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def guarded(page: Page, view: View) -> Response:
    if view.request.method == "POST" and not security.form_is_genuine(
        view.request, view.gateway.identity.secret
    ):
        raise Forbidden(FORGED)
    if page.roles is not None:
        if not view.principal.authenticated:
            if view.request.cookies.get(security.SESSION_COOKIE):
                view.set_cookie(security.SESSION_COOKIE, None)  # expired or revoked
            return view.redirect(view.login_url())
        view.gateway.identity.require(tuple(sorted(page.roles)))
    return page.handler(view)


def error_page(view: View, status: int, code: str, message: str) -> Response:
    if status >= 500:
        log.warning("page %s answered %s %s", view.page.name, status, code)
    return view.render("error.html", status=status, status_code=status, code=code, message=message)


def entrypoint(page: Page) -> Callable[..., Response]:
    def serve(self: Any, request: Request, **values: Any) -> Response:
        return respond(page, self, request, values)

    serve.__name__ = serve.__qualname__ = page.name
    serve.__doc__ = page.rule
    return http(page.methods, page.rule)(serve)  # type: ignore[no-any-return]


def pages_class() -> type:
    """A base class with one entrypoint per declared page."""
    members = {page.name: entrypoint(page) for page in declared()}
    return type("DeclaredPages", (), {"__doc__": __doc__, **members})
