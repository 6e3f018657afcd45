"""Reconciliation (对账) of treasury centralized payments (国库集中支付) against our
disbursements, pure: standard library only.

Both sides are `Record`s keyed by (mof_div_code, fiscal_year, pro_code, voucher_no), the way
finance systems key project money. Per key, one of ours pairs with one of theirs: `matched`
when the amounts agree, `amount_mismatches` when not (a record with the same amount is
preferred as the partner, so a duplicate row does not turn a match into a mismatch). The rest:
a key only we have is `missing_in_treasury`, one only they have `missing_in_ours`, and every
further record under a key already used is a duplicate on its side (the treasury exporting a
voucher twice; our own keys are unique in the database, but the rule is the same). So every
record lands in exactly one list. Dates are carried, not compared: a payment day differing
from the disbursement day is normal. Amounts may be negative (a treasury reversal, 冲销).
Each list is ordered by key, then record id, so the result does not depend on input order.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Key = tuple[str, int, str, str]


@dataclass(frozen=True)
class Record:
    record_id: str
    mof_div_code: str  # 财政区划代码
    fiscal_year: int
    pro_code: str  # 项目代码
    voucher_no: str  # 支付凭证号
    amount_fen: int
    paid_on: date

    @property
    def key(self) -> Key:
        return self.mof_div_code, self.fiscal_year, self.pro_code, self.voucher_no


Pair = tuple[Record, Record]  # (ours, theirs)


def difference_fen(pair: Pair) -> int:
    """Theirs − ours: positive when the treasury paid more than we disbursed."""
    ours, theirs = pair
    return theirs.amount_fen - ours.amount_fen


@dataclass(frozen=True)
class Reconciliation:
    matched: list[Pair] = field(default_factory=list)
    missing_in_treasury: list[Record] = field(default_factory=list)
    missing_in_ours: list[Record] = field(default_factory=list)
    amount_mismatches: list[Pair] = field(default_factory=list)
    duplicates_in_treasury: list[Record] = field(default_factory=list)
    duplicates_in_ours: list[Record] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Every record matched, nothing else to look at."""
        return not (
            self.missing_in_treasury
            or self.missing_in_ours
            or self.amount_mismatches
            or self.duplicates_in_treasury
            or self.duplicates_in_ours
        )

    def mismatches(self) -> list[dict[str, Any]]:
        """The amount mismatches, JSON-able, with the difference (theirs − ours)."""
        return [
            {
                "key": list(ours.key),
                "ours_record_id": ours.record_id,
                "treasury_record_id": theirs.record_id,
                "ours_fen": ours.amount_fen,
                "treasury_fen": theirs.amount_fen,
                "difference_fen": difference_fen((ours, theirs)),
            }
            for ours, theirs in self.amount_mismatches
        ]

    def summary(self) -> dict[str, int | bool]:
        """Counts and fen totals per list; matched fen is the same on both sides."""
        singles = {
            "missing_in_treasury": self.missing_in_treasury,
            "missing_in_ours": self.missing_in_ours,
            "duplicates_in_treasury": self.duplicates_in_treasury,
            "duplicates_in_ours": self.duplicates_in_ours,
        }
        result: dict[str, int | bool] = {
            "matched": len(self.matched),
            "matched_fen": sum(ours.amount_fen for ours, _ in self.matched),
            "amount_mismatches": len(self.amount_mismatches),
            "mismatch_ours_fen": sum(ours.amount_fen for ours, _ in self.amount_mismatches),
            "mismatch_treasury_fen": sum(t.amount_fen for _, t in self.amount_mismatches),
            "mismatch_difference_fen": sum(map(difference_fen, self.amount_mismatches)),
        }
        for name, records in singles.items():
            result[name] = len(records)
            result[f"{name}_fen"] = sum(r.amount_fen for r in records)
        result["clean"] = self.clean
        return result


def _by_key(records: Iterable[Record]) -> dict[Key, list[Record]]:
    groups: dict[Key, list[Record]] = defaultdict(list)
    for record in records:
        groups[record.key].append(record)
    for group in groups.values():
        group.sort(key=lambda r: (r.record_id, r.amount_fen, r.paid_on))
    return groups


def _partners(ours: list[Record], theirs: list[Record]) -> tuple[int, int]:
    """Positions of the pair for one key: the first with equal amounts, else the first two."""
    for i, mine in enumerate(ours):
        for j, other in enumerate(theirs):
            if mine.amount_fen == other.amount_fen:
                return i, j
    return 0, 0


def reconcile(ours: Iterable[Record], theirs: Iterable[Record]) -> Reconciliation:
    """Match our disbursements against the treasury's payments; see the module docstring."""
    lists: dict[str, list[Any]] = defaultdict(list)
    mine, other = _by_key(ours), _by_key(theirs)
    for key in sorted(mine.keys() | other.keys()):
        ours_here, theirs_here = mine.get(key, []), other.get(key, [])
        if ours_here and theirs_here:
            i, j = _partners(ours_here, theirs_here)
            pair = ours_here.pop(i), theirs_here.pop(j)
            same = pair[0].amount_fen == pair[1].amount_fen
            lists["matched" if same else "amount_mismatches"].append(pair)
        elif ours_here:
            lists["missing_in_treasury"].append(ours_here.pop(0))
        else:
            lists["missing_in_ours"].append(theirs_here.pop(0))
        lists["duplicates_in_ours"].extend(ours_here)
        lists["duplicates_in_treasury"].extend(theirs_here)
    return Reconciliation(**lists)
