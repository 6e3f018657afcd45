"""Password hashing with scrypt (a memory-hard KDF from the standard library).

A hash is stored as `scrypt$N$r$p$salt$digest`: it carries the parameters it was made with, so
verifying reads them from the hash, and `check` hands back a new hash at COST when they differ
(the login stores it: hashes made at the old N=2^14 move to COST on their next login).
The KDF costs ~0.45 s of CPU and 128 MiB here: it runs off the eventlet hub (gateway.kdf).
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Cost:
    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        # scrypt needs 128·r·N bytes (128 MiB at COST); OpenSSL refuses anything above its
        # default 32 MiB unless told, so allow the need with room to spare.
        return 2 * 128 * self.r * self.n * self.p


COST = Cost(2**17, 8, 1)  # OWASP's scrypt minimum (N=2^17, r=8, p=1)
# A stored hash is read, not trusted blindly: parameters beyond these are refused, not run.
MAX_N, MAX_R, MAX_P = 2**20, 32, 4


def _kdf(password: str, salt: bytes, cost: Cost) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=cost.maxmem, dklen=32
    )


def hash_password(password: str, cost: Cost | None = None) -> str:
    cost = cost or COST  # read when called, so a test can make every hash cheap
    salt = secrets.token_bytes(16)
    digest = _kdf(password, salt, cost)
    encoded = f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    return f"scrypt${cost.n}${cost.r}${cost.p}${encoded}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        cost = Cost(int(n), int(r), int(p))
        decoded = base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, binascii.Error):
        return None
    if scheme != "scrypt" or not (1 < cost.n <= MAX_N and 0 < cost.r <= MAX_R):
        return None
    return (cost, *decoded) if 0 < cost.p <= MAX_P else None


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, digest = parsed
    try:
        candidate = _kdf(password, salt, cost)
    except ValueError:  # N not a power of two, and the like
        return False
    return hmac.compare_digest(candidate, digest)


def outdated(stored: str, cost: Cost | None = None) -> bool:
    parsed = _parse(stored)
    return parsed is not None and parsed[0] != (cost or COST)


def check(password: str, stored: str, cost: Cost | None = None) -> tuple[bool, str | None]:
    """(verified, the hash to store instead or None): one job for the KDF's thread."""
    if not verify_password(password, stored):
        return False, None
    return True, hash_password(password, cost) if outdated(stored, cost) else None


@cache
def dummy_hash() -> str:
    """Spent on unknown usernames so a login's timing does not reveal whether the account
    exists; made on first use, not at import (it costs a whole KDF)."""
    return hash_password(secrets.token_hex(8))
