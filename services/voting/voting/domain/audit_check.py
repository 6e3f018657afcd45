"""Checking the audit chain, pure: what `voting.domain.audit.verify_chain` runs.

How the mutations are told apart is described in `voting.domain.audit`.
"""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from voting.domain.canonical import ENTRY_FIELDS, GENESIS, check_json_value, entry_hash, is_hex64


@dataclass(frozen=True)
class _Row:
    pos: int  # 1-based place in the published list
    seq: int
    prev: str
    hash: str
    intact: bool  # the hash matches the content
    malformed: bool = False  # already reported as such


def diagnose(entries: Sequence[Any], head: str | None = None) -> list[str]:
    """What differs from an honest chain, one line each (empty = intact).

    `head`, when given, is the announced head: entries after it, or a chain that ends elsewhere,
    are reported too. Without it a removed or re-hashed *last* entry cannot be seen."""
    problems: list[str] = []
    rows = []
    try:  # all data at once; on failure, entry by entry to name the one
        check_json_value([raw.get("data") for raw in entries if isinstance(raw, Mapping)])
        checked = True
    except (TypeError, ValueError):
        checked = False
    for pos, raw in enumerate(entries, 1):
        row, why = _read(pos, raw, checked)
        if why:
            problems.append(
                f"第 {pos} 个位置的记录格式错误 (entry at position {pos} malformed: {why})"
            )
        if row is not None:
            rows.append(row)
    rows, top = _cut_at_head(rows, head, problems)
    rows = _drop_extras(rows, head, problems)
    problems.extend(_missing(rows, top))
    in_order = _order(rows, problems)
    for row in rows:
        if not row.intact and not row.malformed:
            problems.append(
                f"第 {row.seq} 条记录内容被修改 (entry {row.seq} changed: "
                "its hash does not match its content)"
            )
    problems.extend(_broken_links([row for i, row in enumerate(rows) if i in in_order]))
    return problems


def _read(pos: int, raw: Any, checked: bool) -> tuple[_Row | None, str | None]:
    if not isinstance(raw, Mapping):
        return None, "not an object"
    seq = raw.get("seq")
    if type(seq) is not int or seq < 1:
        return None, f"seq {seq!r} is not a whole number from 1"
    prev, claimed = raw.get("prev"), raw.get("hash")
    why = None
    if set(raw) != ENTRY_FIELDS:
        why = f"fields {sorted(raw)} are not {sorted(ENTRY_FIELDS)}"
    elif not is_hex64(prev) or not is_hex64(claimed):
        why = "prev and hash must be 64 lowercase hex characters"
    elif not isinstance(raw["kind"], str):
        why = "kind is not a string"
    else:
        try:
            return _Row(
                pos,
                seq,
                prev,
                claimed,
                entry_hash(seq, raw["kind"], raw["data"], prev, checked) == claimed,
            ), None
        except (TypeError, ValueError) as exc:
            why = f"data is not canonical JSON ({exc})"
    prev, claimed = (v if isinstance(v, str) else "" for v in (prev, claimed))
    return _Row(pos, seq, prev, claimed, False, malformed=True), why


def _cut_at_head(
    rows: list[_Row], head: str | None, problems: list[str]
) -> tuple[list[_Row], int | None]:
    """The rows up to the entry the announced head names, and that entry's seq (None: unknown)."""
    if head is None:
        return rows, None
    named = [row.seq for row in rows if row.hash == head] or ([0] if head == GENESIS else [])
    if not named:
        last = rows[-1] if rows else None
        ends = f"entry {last.seq}, hash {last.hash[:12]}…" if last else "no entry"
        problems.append(
            f"链头不符 (audit head mismatch: the log ends at {ends}, the announced head is "
            f"{str(head)[:12]}…: entries after it were removed, it was changed and re-hashed, "
            "or the head was changed)"
        )
        return rows, None
    top = max(named)
    for row in rows:
        if row.seq > top:
            problems.append(
                f"第 {row.seq} 条是在公布的链头之后追加的 "
                f"(entry {row.seq} appended after the announced head, entry {top})"
            )
    return [row for row in rows if row.seq <= top], top


def _drop_extras(rows: list[_Row], head: str | None, problems: list[str]) -> list[_Row]:
    """Keep one entry per seq: the one intact and linked both ways; report the others."""
    if len({row.seq for row in rows}) == len(rows):
        return rows
    by_seq: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_seq[row.seq].append(row)

    def score(row: _Row) -> int:
        before = {r.hash for r in by_seq.get(row.seq - 1, ())} if row.seq > 1 else {GENESIS}
        after = by_seq.get(row.seq + 1)
        linked_out = row.hash in {r.prev for r in after} if after else head in (None, row.hash)
        return row.intact + (row.prev in before) + linked_out

    extra: set[int] = set()
    for seq, group in by_seq.items():
        if len(group) == 1:
            continue
        best = max(map(score, group))
        ties = [row for row in group if score(row) == best]
        if len(ties) > 1:
            places = ", ".join(str(row.pos) for row in group)
            problems.append(
                f"第 {seq} 条出现了 {len(group)} 次 (entry {seq} appears {len(group)} times, "
                f"at positions {places})"
            )
        for row in group:
            if row is not ties[0]:
                extra.add(row.pos)
                if len(ties) == 1:
                    problems.append(
                        f"第 {row.pos} 个位置多出一条第 {seq} 条记录 (entry added at position "
                        f"{row.pos}: a second entry {seq} that the chain does not link)"
                    )
    return [row for row in rows if row.pos not in extra]


def _missing(rows: list[_Row], top: int | None) -> list[str]:
    present = {row.seq for row in rows}
    last = top if top is not None else max(present, default=0)
    gone = sorted(set(range(1, last + 1)) - present)
    runs: list[list[int]] = []
    for seq in gone:
        if runs and runs[-1][-1] == seq - 1:
            runs[-1].append(seq)
        else:
            runs.append([seq])
    return [
        f"缺少第 {run[0]} 条 (entry {run[0]} missing)"
        if len(run) == 1
        else f"缺少第 {run[0]}–{run[-1]} 条 (entries {run[0]}–{run[-1]} missing)"
        for run in runs
    ]


def _order(rows: list[_Row], problems: list[str]) -> set[int] | range:
    """Indexes of the rows in order; each other row is reported once, with its neighbour."""
    if all(a.seq < b.seq for a, b in pairwise(rows)):
        return range(len(rows))
    in_order = longest_increasing([row.seq for row in rows])
    before = [-1] * len(rows)  # nearest in-order row before each index
    after = [-1] * len(rows)
    for i in range(1, len(rows)):
        before[i] = i - 1 if i - 1 in in_order else before[i - 1]
    for i in range(len(rows) - 2, -1, -1):
        after[i] = i + 1 if i + 1 in in_order else after[i + 1]
    for i, row in enumerate(rows):
        if i in in_order:
            continue
        if after[i] >= 0 and rows[after[i]].seq < row.seq:
            where = f"placed before entry {rows[after[i]].seq}"
        else:
            where = f"placed after entry {rows[before[i]].seq}"
        problems.append(f"第 {row.seq} 条顺序错误 (entry {row.seq} out of order: {where})")
    return in_order


def _broken_links(rows: list[_Row]) -> list[str]:
    """Links between neighbours in order: a break left over means a re-hashed entry."""
    problems = []
    for earlier, later in zip([None, *rows], rows, strict=False):
        if earlier is None:
            if later.seq == 1 and later.intact and later.prev != GENESIS:
                problems.append(
                    "第 1 条被修改并重算了哈希 (entry 1 changed and re-hashed: "
                    "it no longer starts from the genesis hash)"
                )
        elif (
            later.seq == earlier.seq + 1
            and earlier.intact
            and not later.malformed
            and later.prev != earlier.hash
        ):
            problems.append(
                f"第 {earlier.seq} 条被修改并重算了哈希 (entry {earlier.seq} changed and "
                f"re-hashed: entry {later.seq} no longer links to it)"
            )
    return problems


def longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of `values` (patience sort)."""
    tails: list[int] = []  # tails[k] = value ending the best run of length k+1
    tail_index: list[int] = []
    parent = [-1] * len(values)
    for index, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[k] = value
            tail_index[k] = index
        parent[index] = tail_index[k - 1] if k else -1
    chosen: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chosen.add(index)
        index = parent[index]
    return chosen
