"""Public codes (码上找代表) and tracking codes, pure.

A public code names a deputy or a liaison station on a poster: the level's letter, then seven
random Crockford base32 characters (35 bits), so the gateway routes a scan to its level without
asking anyone, and a code read aloud or typed from the poster survives the usual slips (lower
case, I/L for 1, O for 0, spaces and hyphens). A tracking code follows a matter, in the same
form as collection's (contracts.reference.TRACKING_CODE_PATTERN).
"""

import secrets

LEVEL_LETTERS = {"city": "C", "banner": "B", "township": "T"}
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 8
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_public_code(level: str) -> str:
    return LEVEL_LETTERS[level] + "".join(secrets.choice(ALPHABET) for _ in range(7))


def new_tracking_code(level: str) -> str:
    """Level letter + 11 random base32 characters (55 bits), grouped for reading aloud."""
    body = LEVEL_LETTERS[level] + "".join(secrets.choice(ALPHABET) for _ in range(11))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def normalize(code: str) -> str | None:
    """The public code a resident meant, or None if it cannot be one."""
    cleaned = code.strip().replace("-", "").replace(" ", "").upper()
    if len(cleaned) != CODE_LENGTH or not cleaned.isascii():
        return None
    cleaned = cleaned[0] + cleaned[1:].translate(_READ_AS)
    if cleaned[0] not in LEVEL_LETTERS.values() or any(c not in ALPHABET for c in cleaned[1:]):
        return None
    return cleaned


def level_of(code: str) -> str | None:
    normal = normalize(code)
    if normal is None:
        return None
    return next(level for level, letter in LEVEL_LETTERS.items() if letter == normal[0])


def grouped(code: str) -> str:
    """The code as printed on a poster, in two groups of four: "T7K2 M9QX"."""
    return f"{code[:4]} {code[4:]}"
