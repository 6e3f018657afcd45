"""The caller's identity as it travels over the broker: claims sealed with an HMAC.

Anyone on the broker can publish an RPC with any context data, so a service believes the
identity in it only if it carries a valid seal: HMAC-SHA256 over the claims with a key that
only the gateway and the services hold (`config.identity_key`), and an expiry a little longer
than an RPC may take, so a context copied off the wire is worth seconds, not a login's hours.

    v1.<base64url(claims JSON)>.<base64url(HMAC-SHA256)>
"""

import base64
import hashlib
import hmac
import json
from typing import Any

VERSION = "v1"
TTL_SECONDS = 60  # the gateway waits RPC_TIMEOUT (10 s) for an answer; clocks may differ a little
MAX_SKEW_SECONDS = 5


class BadSeal(Exception):
    """Unsealed, tampered with, expired or from the future: not an identity to believe."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, f"{VERSION}.{body}".encode("ascii"), hashlib.sha256).digest())


def seal(claims: dict[str, Any], key: bytes, now: float) -> str:
    body = _b64(json.dumps({**claims, "exp": int(now) + TTL_SECONDS}).encode())
    return f"{VERSION}.{body}.{_mac(key, body)}"


def unseal(sealed: str, key: bytes, now: float) -> dict[str, Any]:
    """The claims, or BadSeal saying why (never which byte was wrong)."""
    version, _, rest = sealed.partition(".") if isinstance(sealed, str) else ("", "", "")
    body, _, mac = rest.partition(".")
    if version != VERSION or not body or not mac:
        raise BadSeal("unsealed")
    if not hmac.compare_digest(mac, _mac(key, body)):
        raise BadSeal("bad seal")
    try:
        claims = json.loads(_unb64(body))
        expiry = int(claims["exp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadSeal("malformed claims") from exc
    if expiry < now:
        raise BadSeal("expired")
    if expiry > now + TTL_SECONDS + MAX_SKEW_SECONDS:
        raise BadSeal("expires too late")
    return dict(claims)
