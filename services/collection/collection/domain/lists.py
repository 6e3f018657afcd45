"""Draft lists, rounds (三上三下) and the candidate list, pure: standard library only, no I/O.

What is decided here: the area defaults, who may do what, the order a list is built in, what a
revised version contains, the diff between two versions and which changes lack a reason, whether
a round may open, and whether a list has enough candidates for its seats (差额比例).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_ROUNDS = 3  # 三上三下
DEFAULT_RATIO_PERMILLE = 200  # 不低于 20% 的差额比例
PERMILLE = 1000

READ_ROLES = frozenset(
    {"admin", "congress_staff", "government_staff", "department_staff", "deputy"}
)
SETTINGS_ROLES = frozenset({"admin", "government_staff", "congress_staff"})
BUILD_ROLES = frozenset({"admin", "government_staff"})  # build, open/close rounds, freeze
COMMENT_ROLES = READ_ROLES  # and only the account a comment request names (may_answer)

# A version item is a snapshot: later edits to the library never change a version.
ITEM_FIELDS = (
    "proposal_id",
    "title",
    "summary",
    "category",
    "estimated_cost_fen",
    "lead_department",
    "rationale",
)
REVISABLE = ("title", "summary", "estimated_cost_fen", "lead_department", "rationale")

Item = dict[str, Any]
NOT_IN_LIBRARY = "不是本地区本年度项目库中的项目 (not in this area's library for the year)"


@dataclass(frozen=True)
class Refusal:
    kind: str  # "conflict" (409) or "rule" (422)
    message: str


def snapshot(values: Mapping[str, Any]) -> Item:
    return {name: values.get(name) for name in ITEM_FIELDS}


def library_order(items: Iterable[Item], categories: Sequence[str]) -> list[Item]:
    """Version 0's order: by category (in the reference order), then the costliest first, then
    title — so items of one theme sit together and the big projects lead each theme."""
    rank = {name: index for index, name in enumerate(categories)}
    return sorted(
        items,
        key=lambda item: (
            rank.get(item["category"], len(rank)),
            -(item["estimated_cost_fen"] or 0),
            item["title"],
            item["proposal_id"],
        ),
    )


def content_hash(items: Sequence[Item]) -> str:
    """sha256 of the canonical JSON: sorted keys, no spaces, UTF-8 — the same on every machine."""
    canonical = json.dumps(list(items), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def revise(
    previous: Sequence[Item], revisions: Sequence[Mapping[str, Any]], library: Mapping[str, Item]
) -> tuple[list[Item], dict[str, str]]:
    """The next version from the revised list: each revision keeps the previous item (or takes
    the library snapshot when new) and overrides what it names. Returns (items, problems)."""
    before = {item["proposal_id"]: item for item in previous}
    items: list[Item] = []
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for revision in revisions:
        pid = str(revision["proposal_id"])
        if pid in seen:
            problems[pid] = "同一项目在清单中出现了两次 (listed twice)"
            continue
        seen.add(pid)
        base = before.get(pid) or library.get(pid)
        if base is None:
            problems[pid] = NOT_IN_LIBRARY
            continue
        overrides = {name: revision[name] for name in REVISABLE if name in revision}
        items.append({**base, **overrides})
    return items, problems


def diff(old: Sequence[Item], new: Sequence[Item], reasons: Mapping[str, str]) -> dict[str, Any]:
    """Added, removed and changed items (field: [old, new]) with their reasons. A pure move in
    the order is not a change: the order is shown by the version itself."""
    before = {item["proposal_id"]: item for item in old}
    after = {item["proposal_id"]: item for item in new}
    added = [
        {"item": item, "reason": reasons.get(pid)}
        for pid, item in after.items()
        if pid not in before
    ]
    removed = [
        {"item": item, "reason": reasons.get(pid)}
        for pid, item in before.items()
        if pid not in after
    ]
    changed = []
    for pid, item in after.items():
        if pid not in before:
            continue
        changes = {
            name: [before[pid][name], item[name]]
            for name in ITEM_FIELDS
            if before[pid][name] != item[name]
        }
        if changes:
            entry = {"proposal_id": pid, "title": item["title"], "changes": changes}
            changed.append({**entry, "reason": reasons.get(pid)})
    return {"added": added, "removed": removed, "changed": changed}


def touched(difference: Mapping[str, Any]) -> list[str]:
    """Proposal ids of every added, removed or changed item."""
    ids = [entry["item"]["proposal_id"] for entry in difference["added"]]
    ids += [entry["item"]["proposal_id"] for entry in difference["removed"]]
    return ids + [entry["proposal_id"] for entry in difference["changed"]]


def missing_reasons(difference: Mapping[str, Any], reasons: Mapping[str, str]) -> list[str]:
    return [pid for pid in touched(difference) if not (reasons.get(pid) or "").strip()]


def merged_reasons(versions: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """The reasons of the versions after `from` up to `to`, in order: the latest wins."""
    merged: dict[str, str] = {}
    for reasons in versions:
        merged.update(reasons)
    return merged


def open_refusal(
    frozen: bool, open_round: int | None, rounds_done: int, rounds_planned: int
) -> Refusal | None:
    if frozen:
        return FROZEN
    if open_round is not None:
        return Refusal(
            "conflict", f"第 {open_round} 轮尚未结束，不能开启新一轮 (round {open_round} is open)"
        )
    if rounds_done >= rounds_planned:
        return Refusal(
            "rule",
            f"本清单计划 {rounds_planned} 轮征求意见，已全部完成，不能再开启新一轮 "
            f"(all {rounds_planned} planned rounds are done)",
        )
    return None


FROZEN = Refusal("conflict", "候选清单已冻结，不能再修改 (the list is frozen and cannot change)")


def may_answer(account: str | None, username: str | None) -> bool:
    """A comment request is answered by the account it names, and by nobody else: not the
    builder of the list, not another deputy of the area. A request made before accounts were
    named (None) has nobody to answer it."""
    return account is not None and username is not None and account == username


def minimum_candidates(seats: int, ratio_permille: int) -> int:
    """ceil(seats × (1 + ratio)) in integers: no float can round 10 × 1.2 to 12.000000001."""
    return -(-seats * (PERMILLE + ratio_permille) // PERMILLE)


def ratio_text(ratio_permille: int) -> str:
    whole, rest = divmod(ratio_permille, 10)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest}%"


def freeze_refusal(
    rounds_done: int,
    rounds_planned: int,
    open_round: int | None,
    seats: int,
    candidates: int,
    ratio_permille: int,
) -> Refusal | None:
    if open_round is not None:
        return Refusal(
            "conflict", f"第 {open_round} 轮尚未结束，不能冻结 (round {open_round} is still open)"
        )
    if rounds_done < rounds_planned:
        remaining = rounds_planned - rounds_done
        return Refusal(
            "rule",
            f"还需完成 {remaining} 轮征求意见才能冻结 ({remaining} of {rounds_planned} "
            "planned rounds remain)",
        )
    needed = minimum_candidates(seats, ratio_permille)
    if candidates < needed:
        short = needed - candidates
        ratio = ratio_text(ratio_permille)
        return Refusal(
            "rule",
            f"候选项目不足：{seats} 个名额按 {ratio} 差额至少需要 {needed} 个，还差 {short} 个 "
            f"({seats} seats at a {ratio} differential need {needed} candidates; "
            f"{short} more needed)",
        )
    return None
