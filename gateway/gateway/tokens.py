"""Signed access tokens (JWT, HS256) carrying user id, roles, area scope and department."""

from datetime import datetime, timedelta
from typing import Any

import jwt
from servicekit.auth import Principal

ISSUER = "minsheng"
LIFETIME = timedelta(hours=12)


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


def verify(secret: str, token: str) -> Principal:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("登录已过期，请重新登录 (token expired)") from exc
    except jwt.PyJWTError as exc:
        raise TokenInvalid("登录凭证无效 (invalid token)") from exc
    return Principal(
        str(claims["sub"]),
        tuple(claims.get("roles", ())),
        claims.get("area"),
        claims.get("name"),
        claims.get("dept"),  # None in a token issued before accounts had a department
    )
