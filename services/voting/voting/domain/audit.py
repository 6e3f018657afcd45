"""The hash-chained audit log (审计日志), pure: standard library only, no I/O.

Every step of a session appends one entry ``{seq, kind, data, prev, hash}``:

- ``seq`` counts from 1; ``prev`` is the previous entry's ``hash`` (GENESIS, 64 zeros, for entry 1);
- ``hash = sha256(prev || canonical_json({"seq": seq, "kind": kind, "data": data}))`` in lowercase
  hex, where ``prev`` enters as its 64 ASCII hex characters and ``||`` is byte concatenation;
- the announced head is the last entry's hash (GENESIS for an empty log).

Canonical JSON: `voting.domain.canonical`.

What the ballot box writes here are counts, never identities: no deputy, token, receipt, client
address or time finer than the session ever enters ``data`` of a ballot-box entry, and there is
no entry per ballot content, so the log cannot link a cast to a choice.

How `verify_chain` tells the mutations apart (the seq numbers say where an entry *claims* to be,
the prev links say what it *really* followed, the hash says whether it is intact):

- changed: the entry's hash no longer matches its content; or, if the hash was recomputed too,
  the next entry's ``prev`` no longer matches it (a re-hashed last entry shows at the head);
- missing: a seq number between 1 and the head's seq that no entry carries;
- added: a seq carried twice (the copy that is not intact or not linked both ways is the extra
  one), or entries whose seq comes after the entry the announced head names (appended after it);
- reordered: entries outside the longest run of increasing seqs, named with the entry they
  were placed before or after; gaps and moves are reported once, not as a cascade of broken links;
- head: the announced head must be the hash of the last entry.
"""

from collections.abc import Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Any

from voting.domain.audit_check import diagnose
from voting.domain.canonical import ENTRY_FIELDS, GENESIS, canonical_json, entry_hash, is_hex64

__all__ = [
    "ENTRY_FIELDS",
    "GENESIS",
    "Entry",
    "append",
    "canonical_json",
    "entry_hash",
    "head",
    "is_hex64",
    "next_entry",
    "verify_chain",
]


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str
    data: Any
    prev: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }


def _field(entry: Entry | Mapping[str, Any], name: str) -> Any:
    return getattr(entry, name) if isinstance(entry, Entry) else entry[name]


def head(entries: Sequence[Entry | Mapping[str, Any]]) -> str:
    """The hash of the last entry: what the announcement names (GENESIS when empty)."""
    return _field(entries[-1], "hash") if entries else GENESIS


def next_entry(entries: Sequence[Entry | Mapping[str, Any]], kind: str, data: Any) -> Entry:
    """The entry that would follow `entries`, without changing them."""
    seq = len(entries) + 1
    prev = head(entries)
    return Entry(seq, kind, data, prev, entry_hash(seq, kind, data, prev))


def append(entries: MutableSequence[Any], kind: str, data: Any) -> Entry:
    """Append the next entry to `entries` (a list in memory) and return it."""
    entry = next_entry(entries, kind, data)
    entries.append(entry)
    return entry


def verify_chain(
    entries: Sequence[Entry | Mapping[str, Any]], head: str | None = None
) -> list[str]:
    """What differs from an honest chain, one line each (empty = intact).

    `head`, when given, is the announced head: entries after it, or a chain that ends elsewhere,
    are reported too. Without it a removed or re-hashed *last* entry cannot be seen."""
    return diagnose([e.as_dict() if isinstance(e, Entry) else e for e in entries], head)
