"""Ballot tokens are made where they are used — on the deputy's device, or by the desk's printer
for a printed slip — never by the voting service: the issue request carries only the token's
SHA-256 (`token_hash`), so the clerk who relays it, the broker and the roll never hold a token
that can vote. This module is that client's helper (the e2e tests and bench_cast use it too).

The receipt is derived from the token (HMAC-SHA256 keyed with the token), so a cast retried with
the same token answers the same receipt while the box stores only sha256(token) and the code:
nobody without the token can tell which receipt is whose.
"""

import hashlib
import hmac
import json
import secrets
import sys

from .reference import CROCKFORD_ALPHABET, LEVEL_LETTERS

TOKEN_BITS = 160
RECEIPT_BITS = 80
RECEIPT_CONTEXT = b"minsheng-receipt"


def _base32(value: int, bits: int) -> str:
    return "".join(CROCKFORD_ALPHABET[(value >> shift) & 31] for shift in range(bits - 5, -1, -5))


def new_token(level: str) -> str:
    """Level letter (the gateway routes a cast on it) + 160 random bits, base32."""
    return LEVEL_LETTERS[level] + _base32(secrets.randbits(TOKEN_BITS), TOKEN_BITS)


def token_hash(token: str) -> str:
    # 160 random bits need no salt or slow hash: nobody can enumerate them.
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_ballot_token(level: str) -> tuple[str, str]:
    """(token, its hash): the device keeps the token and sends the hash to be registered."""
    token = new_token(level)
    return token, token_hash(token)


def receipt_for(token: str) -> str:
    """The receipt a cast with `token` answers: 80 bits of HMAC-SHA256(key=token), grouped in
    fours for reading aloud (XXXX-XXXX-XXXX-XXXX), the format of the random receipts before."""
    digest = hmac.new(token.encode("ascii"), RECEIPT_CONTEXT, hashlib.sha256).digest()
    body = _base32(int.from_bytes(digest[: RECEIPT_BITS // 8], "big"), RECEIPT_BITS)
    return "-".join(body[i : i + 4] for i in range(0, len(body), 4))


def main(argv: list[str]) -> int:
    """`python -m contracts.ballot_tokens township`: the desk printer's (or a demo's) token,
    one JSON line {token, token_hash, receipt}; print the token (voting.qr draws its QR code)
    and send only token_hash to `POST /api/v1/sessions/{id}/tokens`."""
    if len(argv) != 1 or argv[0] not in LEVEL_LETTERS:
        sys.stderr.write(
            f"用法 (usage): python -m contracts.ballot_tokens {{{'|'.join(LEVEL_LETTERS)}}}\n"
        )
        return 2
    token, hashed = new_ballot_token(argv[0])
    sys.stdout.write(
        json.dumps({"token": token, "token_hash": hashed, "receipt": receipt_for(token)}) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
