"""Canonical JSON, pure: the bytes anyone can recompute, in any language, from the same value.

Object keys sorted, no whitespace (``,`` and ``:``), UTF-8 with non-ASCII characters written as
they are (ensure_ascii=False), object keys strings only, and no floats at all: every figure of a
ballot, a count or a rule is an integer, and a float's bytes would depend on the printer.

Also the audit chain's entry hash (`entry_hash`, described in `voting.domain.audit`), so that
building the chain (`audit`) and checking it (`audit_check`) share one definition.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeGuard

_SCALARS = frozenset({str, int, bool, type(None)})
_CONTAINERS = (dict, list, tuple)
MAX_DEPTH = 200  # also what stops a value that contains itself
# Built once: json.dumps would build an encoder per call, which shows over 100,000 audit entries.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def check_json_value(value: Any) -> None:
    """Raise ValueError for floats, TypeError for non-JSON values or non-string keys.

    Level by level with set(map(type, ...)), so a level of 3 million strings costs one C loop."""
    level = [value]
    for _ in range(MAX_DEPTH):
        if not level:
            return
        types = set(map(type, level))
        if types <= _SCALARS:
            return
        for kind in types - _SCALARS:
            if issubclass(kind, float):
                raise ValueError("canonical JSON refuses floats: figures are integers")
            if not issubclass(kind, (*_CONTAINERS, str, int)):
                raise TypeError(f"not a JSON value: {kind.__name__}")
        nested: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                if not set(map(type, item)) <= {str}:
                    raise TypeError("canonical JSON object keys must be strings")
                nested.extend(item.values())
            elif isinstance(item, list | tuple):
                nested.extend(item)
        level = nested
    if level:
        raise ValueError(f"canonical JSON nests at most {MAX_DEPTH} levels (or contains itself)")


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (ensure_ascii=False), no floats, no NaN."""
    return canonical_text(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """`canonical_json` before the UTF-8 encoding."""
    check_json_value(value)
    return _ENCODER.encode(value)


def canonical_text_checked(value: Any) -> str:
    """`canonical_text` of a value that already passed `check_json_value` (in a batch)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def _refuse(value: Any) -> Any:
    raise TypeError(f"not a JSON value: {type(value).__name__}")


# CPython's C encoder, built once with the same settings as _ENCODER (JSONEncoder.encode builds
# one per call); no circular-reference markers: check_json_value already bounds the depth.
# (typeshed leaves the private c_make_encoder out, hence getattr; None without the _json module.)
_C_MAKE_ENCODER: Callable[..., Callable[[Any, int], Iterable[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)
_C_ENCODE = (
    _C_MAKE_ENCODER(
        None, _refuse, json.encoder.encode_basestring, None, ":", ",", True, False, False
    )
    if _C_MAKE_ENCODER is not None
    else None
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


GENESIS = "0" * 64
ENTRY_FIELDS = frozenset({"seq", "kind", "data", "prev", "hash"})
_HEX64 = re.compile(r"[0-9a-f]{64}")


def entry_hash(seq: int, kind: str, data: Any, prev: str, checked: bool = False) -> str:
    """`checked`: the data already passed `check_json_value` (verification checks them all at
    once: per entry, the check would cost more than the hash)."""
    body = {"seq": seq, "kind": kind, "data": data}
    text = canonical_text_checked(body) if checked else canonical_json(body).decode()
    return sha256_hex((prev + text).encode("utf-8"))


def is_hex64(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None
