"""Session ids, ballot tokens and receipt codes: random, and led by the level's letter where the
gateway must route on them (contracts.voting)."""

import hashlib
import secrets
import uuid

from contracts.reference import CROCKFORD_ALPHABET, LEVEL_LETTERS

TOKEN_BITS = 160
RECEIPT_BITS = 80


def _base32(bits: int) -> str:
    value = secrets.randbits(bits)
    return "".join(CROCKFORD_ALPHABET[(value >> shift) & 31] for shift in range(bits - 5, -1, -5))


def new_session_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def new_token(level: str) -> str:
    """Level letter + 160 random bits: shown once to the deputy, stored only as its hash."""
    return LEVEL_LETTERS[level] + _base32(TOKEN_BITS)


def token_hash(token: str) -> str:
    # 160 random bits need no salt or slow hash: nobody can enumerate them.
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_receipt() -> str:
    """80 random bits, grouped in fours for reading aloud: XXXX-XXXX-XXXX-XXXX."""
    body = _base32(RECEIPT_BITS)
    return "-".join(body[i : i + 4] for i in range(0, len(body), 4))
