"""What a DBA with the ballot box's own role (or its files) would try, to link a token, a ballot
and a receipt, or to recover the order the roll issued ballots in. Every attack returns its
guesses; `correct_links` and `order_correlation` score them against the truth a test recorded
while casting.

SQLite files are read raw, as bytes, with a b-tree page and record parser written here (the
format: https://www.sqlite.org/fileformat2.html), so nothing of SQLite's own hides a deleted cell
or a stale frame: every cell a page's pointer array names, in the main file and in every frame of
the `-wal` (valid or left over from an earlier generation of the log).
"""

import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HEX64 = re.compile(r"[0-9a-f]{64}\Z")
DEPUTY = re.compile(r"D\d{3,}\Z")
MEDIA = ("electronic", "paper")


@dataclass(frozen=True)
class Cell:
    position: int  # byte offset in the file the page was read from
    rowid: int | None  # a rowid table's; None in an index b-tree (WITHOUT ROWID tables)
    values: tuple[Any, ...]


# ---- the SQLite file format -------------------------------------------------------------------
def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise ValueError("varint")


def _value(kind: int, data: bytes, at: int) -> tuple[Any, int]:
    sizes = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}
    if kind == 0:
        return None, at
    if kind in sizes:
        n = sizes[kind]
        return int.from_bytes(data[at : at + n], "big", signed=True), at + n
    if kind == 7:
        return struct.unpack(">d", data[at : at + 8])[0], at + 8
    if kind in (8, 9):
        return kind - 8, at
    if kind < 12:
        raise ValueError("reserved serial type")
    n = (kind - 12) // 2
    raw = data[at : at + n]
    if len(raw) < n:
        raise ValueError("truncated")
    return (raw.decode("utf-8") if kind % 2 else raw), at + n


def _record(data: bytes, at: int, size: int) -> tuple[Any, ...]:
    end = at + size
    header, body = _varint(data, at)
    kinds, cursor = [], body
    header_end = at + header
    while cursor < header_end:
        kind, cursor = _varint(data, cursor)
        kinds.append(kind)
    values, cursor = [], header_end
    for kind in kinds:
        value, cursor = _value(kind, data, cursor)
        values.append(value)
    if cursor > end:
        raise ValueError("record overruns its cell")
    return tuple(values)


def page_cells(page: bytes, base: int, first: bool = False) -> Iterator[Cell]:
    """Every cell of a b-tree leaf page (and an index interior page's keys)."""
    head = 100 if first else 0
    kind = page[head]
    if kind not in (0x02, 0x0A, 0x0D):
        return
    count = int.from_bytes(page[head + 3 : head + 5], "big")
    pointers = head + (12 if kind == 0x02 else 8)
    for n in range(count):
        offset = int.from_bytes(page[pointers + 2 * n : pointers + 2 * n + 2], "big")
        try:
            yield _cell(page, kind, offset, base)
        except (ValueError, IndexError, UnicodeDecodeError):
            continue


def _cell(page: bytes, kind: int, offset: int, base: int) -> Cell:
    at = offset + (4 if kind == 0x02 else 0)
    size, at = _varint(page, at)
    rowid = None
    if kind == 0x0D:
        rowid, at = _varint(page, at)
    if at + size > len(page):
        raise ValueError("overflow cell")  # our rows are far smaller than a page
    return Cell(base + offset, rowid, _record(page, at, size))


def file_cells(path: Path) -> list[Cell]:
    """Every cell of every page of a SQLite database file, as its bytes lie on disk."""
    data = path.read_bytes()
    if len(data) < 100:
        return []
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    cells: list[Cell] = []
    for number, start in enumerate(range(0, len(data), size)):
        cells += page_cells(data[start : start + size], start, first=number == 0)
    return cells


def wal_transactions(path: Path) -> list[list[Cell]]:
    """The cells of each transaction in a `-wal` file, oldest first: frames (a 24-byte header,
    then a page image) up to and including each commit frame. Checksums are not checked: a
    stale frame of an earlier generation of the log is read like a live one, and ordered by its
    generation (salt-1 grows by one at each restart of the log), then by place in the file."""
    data = path.read_bytes() if path.exists() else b""
    if len(data) < 32:
        return []
    size = int.from_bytes(data[8:12], "big")
    by_generation: dict[int, list[list[Cell]]] = {}
    for start in range(32, len(data) - 24 - size + 1, 24 + size):
        page_number, commit, salt = struct.unpack(">III", data[start : start + 12])
        page = data[start + 24 : start + 24 + size]
        transactions = by_generation.setdefault(salt, [[]])
        transactions[-1] += page_cells(page, start + 24, first=page_number == 1)
        if commit:
            transactions.append([])
    ordered = [t for salt in sorted(by_generation) for t in by_generation[salt]]
    return [t for t in ordered if t]


# ---- what the cells are -----------------------------------------------------------------------
def spent_token(cell: Cell, session_id: str) -> str | None:
    v = cell.values
    if len(v) == 4 and isinstance(v[0], str) and HEX64.match(v[0]) and v[1] == session_id:
        return v[0] if v[3] == 1 else None
    return None


def ballot(cell: Cell, session_id: str) -> str | None:
    v = cell.values
    if len(v) == 5 and v[1] == session_id and v[3] in MEDIA and isinstance(v[4], str):
        return v[4]
    return None


def receipt(cell: Cell, session_id: str) -> str | None:
    v = cell.values
    if len(v) == 3 and v[1] == session_id and isinstance(v[0], str) and "-" in v[0]:
        return v[0]
    return None


def issuance(cell: Cell, session_id: str) -> str | None:
    """A roll row of the session naming a deputy and a medium (whatever else it carries)."""
    v = cell.values
    if cell.rowid is None or session_id not in v or not any(m in v for m in MEDIA):
        return None
    return next((x for x in v if isinstance(x, str) and DEPUTY.match(x)), None)


def first_seen(cells: Sequence[Cell], kind: Any, session_id: str) -> dict[str, int]:
    """Each value's first (lowest) position among `cells`."""
    seen: dict[str, int] = {}
    for cell in cells:
        value = kind(cell, session_id)
        if value is not None and (value not in seen or cell.position < seen[value]):
            seen[value] = cell.position
    return seen


# ---- attacks ----------------------------------------------------------------------------------
def by_rank(left: dict[str, Any], right: dict[str, Any]) -> dict[str, str]:
    """Pair the i-th of `left` with the i-th of `right`, each ordered by its key."""
    a = sorted(left, key=lambda k: left[k])
    b = sorted(right, key=lambda k: right[k])
    return dict(zip(a, b, strict=False))


def wal_links(path: Path, session_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """(token → ballot, token → receipt): what first appears in the same transaction."""
    tokens: dict[str, int] = {}
    ballots: dict[int, list[str]] = {}
    receipts: dict[int, list[str]] = {}
    seen_b: set[str] = set()
    seen_r: set[str] = set()
    for n, cells in enumerate(wal_transactions(path)):
        for cell in cells:
            if (t := spent_token(cell, session_id)) and t not in tokens:
                tokens[t] = n
            if (b := ballot(cell, session_id)) and b not in seen_b:
                seen_b.add(b)
                ballots.setdefault(n, []).append(b)
            if (r := receipt(cell, session_id)) and r not in seen_r:
                seen_r.add(r)
                receipts.setdefault(n, []).append(r)
    to_ballot = {t: ballots[n][0] for t, n in tokens.items() if ballots.get(n)}
    to_receipt = {t: receipts[n][0] for t, n in tokens.items() if receipts.get(n)}
    return to_ballot, to_receipt


def file_order_links(path: Path, session_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """(token → ballot, token → receipt) pairing the three by where their cells lie in the file."""
    cells = file_cells(path)
    tokens = first_seen(cells, spent_token, session_id)
    return (
        by_rank(tokens, first_seen(cells, ballot, session_id)),
        by_rank(tokens, first_seen(cells, receipt, session_id)),
    )


def roll_file_order(path: Path, session_id: str) -> dict[str, int]:
    """Each deputy's issuance by rowid, as the roll's file holds it."""
    found: dict[str, int] = {}
    for cell in file_cells(path):
        deputy = issuance(cell, session_id)
        if deputy is not None and cell.rowid is not None:
            found.setdefault(deputy, cell.rowid)
    return found


def wal_first_transaction(path: Path, session_id: str) -> dict[str, int]:
    """Each deputy's issuance by the first transaction of the roll's `-wal` that holds it."""
    found: dict[str, int] = {}
    for n, cells in enumerate(wal_transactions(path)):
        for cell in cells:
            deputy = issuance(cell, session_id)
            if deputy is not None:
                found.setdefault(deputy, n)
    return found


def occurrences(path: Path, values: Sequence[str]) -> dict[str, int]:
    """How often each value's bytes occur anywhere in the file: carving for stale copies."""
    data = path.read_bytes() if path.exists() else b""
    return {v: data.count(v.encode()) for v in values}


# ---- scoring ----------------------------------------------------------------------------------
def correct_links(guess: dict[str, str], truth: dict[str, str]) -> int:
    return sum(1 for key, value in guess.items() if truth.get(key) == value)


def expected_links(candidates: dict[str, set[str]], truth: dict[str, str]) -> float:
    """Correct links expected when guessing uniformly within each key's candidate set."""
    return sum(1 / len(c) for k, c in candidates.items() if c and truth.get(k) in c)


def order_correlation(found: dict[str, Any], truth: Sequence[str]) -> float:
    """Spearman's rho between the order `found` gives and the true order (1.0: the same)."""
    keys = [k for k in truth if k in found]
    n = len(keys)
    if n < 3:
        return 0.0
    true_rank = {k: i for i, k in enumerate(keys)}
    found_rank = {k: i for i, k in enumerate(sorted(keys, key=lambda k: found[k]))}
    d2 = sum((true_rank[k] - found_rank[k]) ** 2 for k in keys)
    return 1 - 6 * d2 / (n * (n * n - 1))


def chance_bound(n: int) -> float:
    """At chance a one-to-one guess gets ~1 of n right; allow 5% of n on top."""
    return 0.05 * n + 1
