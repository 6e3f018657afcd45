"""Session ids, and the ballot token helpers of `contracts.ballot_tokens`: the service never
makes a token (the deputy's device or the desk's printer does), it checks hashes and derives
receipts."""

import hashlib
import hmac
import uuid

from contracts.ballot_tokens import new_token, receipt_for, token_hash
from contracts.reference import LEVEL_LETTERS
from servicekit import config

__all__ = ["hash_of_ref", "new_session_id", "new_token", "receipt_for", "token_hash", "token_ref"]

PAD_CONTEXT = b"minsheng roll token pad v1"


def new_session_id(level: str) -> str:
    return f"{LEVEL_LETTERS[level]}-{uuid.uuid4().hex}"


def _pad(session_id: str, number: int, deputy: str, generation: int) -> bytes:
    """A one-time pad per deputy, round and reissue, keyed by the services' secret: the roll's
    `token_ref` is the token hash XOR this pad, so only a worker holding the secret can find a
    deputy's token in the box (to void it on reissue); a DBA holding both databases cannot."""
    key = hmac.new(config.identity_key(), PAD_CONTEXT, hashlib.sha256).digest()
    message = f"{session_id}|{number}|{deputy}|{generation}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def token_ref(hash_hex: str, session_id: str, number: int, deputy: str, generation: int) -> str:
    pad = _pad(session_id, number, deputy, generation)
    return bytes(a ^ b for a, b in zip(bytes.fromhex(hash_hex), pad, strict=True)).hex()


def hash_of_ref(ref: str, session_id: str, number: int, deputy: str, generation: int) -> str:
    return token_ref(ref, session_id, number, deputy, generation)  # XOR undoes itself
