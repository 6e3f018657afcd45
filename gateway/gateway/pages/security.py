"""What every page answers with, and the two cookies a browser gets.

- Content-Security-Policy: nothing inline, nothing from elsewhere — scripts, styles and images
  come from this site only (`/static/…`), so a stored `<script>` that escaping somehow missed
  still would not run; no page may be framed.
- The login cookie holds the access token (gateway.tokens): HttpOnly (no script reads it),
  Secure, SameSite=Lax (another site's form post carries no login). API routes never read it,
  only pages do (gateway.identity): the API needs a bearer token, so it needs no CSRF check.
- CSRF: every browser gets a random `ms_csrf` cookie; a form carries HMAC(secret, cookie) and
  a POST without the matching value is refused (403) before its page runs. The token is
  per-browser, not per-form, so a resident's back button never breaks a form; a cross-site
  Origin is refused as well, for browsers that send it.
"""

import hashlib
import hmac
import secrets

from servicekit import config
from werkzeug.wrappers import Request, Response

SESSION_COOKIE = "ms_session"
CSRF_COOKIE = "ms_csrf"
CSRF_FIELD = "csrf_token"
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def secure_cookies() -> bool:
    """Secure on by default; PAGES_INSECURE_COOKIES=1 only for a plain-HTTP test rig whose
    browser is not on this machine (browsers accept Secure cookies from 127.0.0.1 anyway)."""
    return config.env("PAGES_INSECURE_COOKIES", "") != "1"


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=secure_cookies(),
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=secure_cookies(), httponly=True, samesite="Lax")


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret: str, browser_key: str) -> str:
    digest = hmac.new(secret.encode(), f"csrf|{browser_key}".encode(), hashlib.sha256)
    return digest.hexdigest()


def same_origin(request: Request) -> bool:
    """An Origin header, when the browser sends one, names this site."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("Host", "")
    return origin.split("://", 1)[-1] == host


def form_is_genuine(request: Request, secret: str) -> bool:
    key = request.cookies.get(CSRF_COOKIE, "")
    sent = request.form.get(CSRF_FIELD, "")
    if not key or not sent or not same_origin(request):
        return False
    return hmac.compare_digest(sent, form_token(secret, key))
