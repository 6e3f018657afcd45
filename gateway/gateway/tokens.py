"""Signed access tokens (JWT, HS256) carrying user id, roles, area scope and department."""

import time
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from servicekit.auth import Principal

ISSUER = "minsheng"
LIFETIME = timedelta(hours=12)
EXPIRED = "登录已过期，请重新登录 (token expired)"


class TokenInvalid(Exception):
    pass


def issue(secret: str, principal: Principal, now: datetime) -> tuple[str, datetime]:
    expires = now + LIFETIME
    claims = {
        "iss": ISSUER,
        "sub": principal.user_id,
        "roles": list(principal.roles),
        "area": principal.area_code,
        "name": principal.username,
        "dept": principal.department,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires


def verify(secret: str, token: str, now: float | None = None) -> Principal:
    """The token's principal, or TokenInvalid. A client sends the same token with every
    request, so its verification is remembered (by the exact token text: another text is
    verified afresh) and only the expiry is checked again."""
    principal, expires = _verified(secret, token)
    if expires <= (time.time() if now is None else now):
        raise TokenInvalid(EXPIRED)
    return principal


@lru_cache(maxsize=4096)  # ~4,000 logged-in clients at once; a token is ~400 bytes
def _verified(secret: str, token: str) -> tuple[Principal, int]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid(EXPIRED) from exc
    except jwt.PyJWTError as exc:
        raise TokenInvalid("登录凭证无效 (invalid token)") from exc
    principal = Principal(
        str(claims["sub"]),
        tuple(claims.get("roles", ())),
        claims.get("area"),
        claims.get("name"),
        claims.get("dept"),  # None in a token issued before accounts had a department
    )
    return principal, int(claims["exp"])
