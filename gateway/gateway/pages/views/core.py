"""The pages every other page leans on: static files, logging in and out."""

import mimetypes
from datetime import datetime
from functools import cache

from servicekit.clock import utcnow
from servicekit.errors import NotFound, ServiceError
from werkzeug.wrappers import Response

from ..page import Page
from ..security import SESSION_COOKIE
from ..view import STATIC, View

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@cache
def static_files() -> frozenset[str]:
    """What /static/ serves: the files in the folder when the gateway started, nothing else
    (no path is ever joined from the request)."""
    return frozenset(str(p.relative_to(STATIC)) for p in STATIC.rglob("*") if p.is_file())


def static(view: View) -> Response:
    name = view.values["name"]
    if name not in static_files():
        raise NotFound("没有这个文件 (no such file)")
    path = STATIC / name
    guessed = mimetypes.guess_type(path.name)[0]
    kind = TYPES.get(path.suffix) or guessed or "application/octet-stream"
    response = Response(path.read_bytes(), content_type=kind)
    response.headers["Cache-Control"] = "public, max-age=604800, immutable"
    return response


def safe_next(target: str | None) -> str:
    """Only a path of this site: `//evil.example` or `https://…` would send a fresh login
    elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login(view: View) -> Response:
    target = safe_next(view.request.args.get("next") or view.form.get("next"))
    if view.request.method == "GET":
        return view.render("login.html", next=target, username="", error=None)
    username = view.form.get("username", "").strip()
    body = {"username": username, "password": view.form.get("password", "")}
    try:
        granted = view.api.call("issue_token", body=body)
    except ServiceError as exc:
        return view.render(
            "login.html", status=exc.status, next=target, username=username, error=exc.message
        )
    expires = datetime.fromisoformat(granted["expires_at"].replace("Z", "+00:00"))
    seconds = max(int((expires - utcnow()).total_seconds()), 0)
    view.set_cookie(SESSION_COOKIE, granted["access_token"], seconds)
    return view.redirect(target)


def logout(view: View) -> Response:
    if view.request.method == "POST":
        view.set_cookie(SESSION_COOKIE, None)
        return view.redirect("/login")
    return view.render("logout.html")


PAGES = (
    Page("/static/<path:name>", static, "page_static"),
    Page("/login", login, "page_login", form=True),
    Page("/logout", logout, "page_logout", form=True),
)
