"""Events signed by their producer: an HMAC over the envelope, checked before any effect.

The broker is not a trust boundary: anyone who can publish there can publish an envelope that
passes its contract. The producer's outbox signs each envelope when it is written
(servicekit.outbox) with a key only the services hold (`config.event_key`); the consumer
checks the signature, and that the signed source is the contract's producer of that event,
before a worker starts (servicekit.consumer). Pure functions, like context_seal.

    signature = "v1." + base64url(HMAC-SHA256(key, contracts.envelope.canonical(envelope)))
"""

import base64
import hashlib
import hmac
from typing import Any

from contracts.envelope import SIGNATURE_FIELD, canonical

VERSION = "v1"


class BadEventSignature(Exception):
    """Unsigned, signed with another key, changed since it was signed, or signed as another
    event or producer: not an event to apply. The text says which, never a byte or a key."""


def _mac(key: bytes, envelope: dict[str, Any]) -> str:
    digest = hmac.new(key, canonical(envelope), hashlib.sha256).digest()
    return f"{VERSION}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')}"


def sign(envelope: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The envelope with its signature (a new dict; any old signature replaced)."""
    return {**envelope, SIGNATURE_FIELD: _mac(key, envelope)}


def verify(envelope: Any, key: bytes, source: str, event_type: str) -> None:
    """Return if `envelope` was signed with `key` as `event_type` from `source`, else raise
    BadEventSignature saying why (ops read it in the dead letter's x-minsheng-error)."""
    if not isinstance(envelope, dict):
        raise BadEventSignature("不是事件信封 (not an envelope)")
    signature = envelope.get(SIGNATURE_FIELD)
    if not isinstance(signature, str) or not signature.startswith(f"{VERSION}."):
        raise BadEventSignature("事件未签名 (unsigned event)")
    try:
        expected = _mac(key, envelope)
    except (TypeError, ValueError):  # not JSON-encodable as decoded: nobody signed this
        raise BadEventSignature("事件信封无法编码 (envelope cannot be encoded)") from None
    if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
        raise BadEventSignature("事件签名不符：密钥不同或内容已被改动 (bad signature)")
    if envelope.get("source") != source or envelope.get("event_type") != event_type:
        # Signed, but as another producer or event: one key signs every producer's events,
        # so this binds an event to the service the contract says publishes it.
        raise BadEventSignature(
            f"事件签名来源不符：{event_type} 只由 {source} 发布 (not signed by its producer)"
        )
