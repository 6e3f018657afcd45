"""Treasury reconciliation: matched, missing on each side, amount mismatches and duplicates;
every record lands in exactly one list, whatever the input order."""

import json
from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from implementation.domain.reconciliation import Record, difference_fen, reconcile

DAY = date(2025, 6, 30)


def rec(record_id, voucher, amount, *, pro_code="150621-2025-001", year=2025):
    return Record(record_id, "150621", year, pro_code, voucher, amount, DAY)


class TestReconcile:
    ours = [
        rec("d1", "V1", 100_00),
        rec("d2", "V2", 250_00),
        rec("d3", "V3", 300_00),  # the treasury has not paid it yet
        rec("d4", "V4", 80_00),
    ]
    theirs = [
        rec("t4", "V4", 80_00),
        rec("t1", "V1", 100_00),
        rec("t2", "V2", 205_00),  # a digit swapped
        rec("t9", "V9", 50_00),  # paid by the treasury, unknown to us
        rec("t4b", "V4", 80_00),  # the same voucher exported twice
    ]

    def test_each_case_lands_in_its_list(self):
        result = reconcile(self.ours, self.theirs)
        assert [(o.record_id, t.record_id) for o, t in result.matched] == [
            ("d1", "t1"),
            ("d4", "t4"),
        ]
        assert [(o.record_id, t.record_id) for o, t in result.amount_mismatches] == [("d2", "t2")]
        assert [r.record_id for r in result.missing_in_treasury] == ["d3"]
        assert [r.record_id for r in result.missing_in_ours] == ["t9"]
        assert [r.record_id for r in result.duplicates_in_treasury] == ["t4b"]
        assert result.duplicates_in_ours == []
        assert not result.clean

    def test_the_mismatch_reports_the_difference(self):
        result = reconcile(self.ours, self.theirs)
        assert difference_fen(result.amount_mismatches[0]) == -45_00
        [mismatch] = result.mismatches()
        assert mismatch["difference_fen"] == -45_00 and mismatch["treasury_record_id"] == "t2"
        json.dumps(mismatch)

    def test_the_summary_counts_and_totals(self):
        summary = reconcile(self.ours, self.theirs).summary()
        assert summary == {
            "matched": 2,
            "matched_fen": 180_00,
            "amount_mismatches": 1,
            "mismatch_ours_fen": 250_00,
            "mismatch_treasury_fen": 205_00,
            "mismatch_difference_fen": -45_00,
            "missing_in_treasury": 1,
            "missing_in_treasury_fen": 300_00,
            "missing_in_ours": 1,
            "missing_in_ours_fen": 50_00,
            "duplicates_in_treasury": 1,
            "duplicates_in_treasury_fen": 80_00,
            "duplicates_in_ours": 0,
            "duplicates_in_ours_fen": 0,
            "clean": False,
        }

    def test_a_duplicate_with_the_right_amount_is_the_partner(self):
        # the first treasury row by id has the wrong amount; the second matches
        result = reconcile([rec("d1", "V1", 100)], [rec("t1", "V1", 90), rec("t2", "V1", 100)])
        assert [(o.record_id, t.record_id) for o, t in result.matched] == [("d1", "t2")]
        assert [r.record_id for r in result.duplicates_in_treasury] == ["t1"]
        assert result.amount_mismatches == []

    def test_every_part_of_the_key_counts(self):
        result = reconcile([rec("d1", "V1", 100)], [rec("t1", "V1", 100, year=2024)])
        assert len(result.missing_in_treasury) == len(result.missing_in_ours) == 1

    def test_all_matched_is_clean_and_nothing_is_clean(self):
        assert reconcile([rec("d1", "V1", 5)], [rec("t1", "V1", 5)]).clean
        assert reconcile([], []).clean


records = st.builds(
    Record,
    record_id=st.text("abc", min_size=1, max_size=3),
    mof_div_code=st.sampled_from(["150621", "150627"]),
    fiscal_year=st.sampled_from([2024, 2025]),
    pro_code=st.sampled_from(["P1", "P2"]),
    voucher_no=st.sampled_from(["V1", "V2", "V3"]),
    amount_fen=st.integers(-5, 5),
    paid_on=st.just(DAY),
)


def sides(result):
    ours = [o for o, _ in result.matched + result.amount_mismatches]
    ours += result.missing_in_treasury + result.duplicates_in_ours
    theirs = [t for _, t in result.matched + result.amount_mismatches]
    theirs += result.missing_in_ours + result.duplicates_in_treasury
    return ours, theirs


@given(st.lists(records, max_size=12), st.lists(records, max_size=12), st.randoms())
def test_every_record_lands_exactly_once_whatever_the_order(ours, theirs, rnd):
    result = reconcile(ours, theirs)
    out_ours, out_theirs = sides(result)
    assert Counter(out_ours) == Counter(ours)
    assert Counter(out_theirs) == Counter(theirs)
    assert all(o.key == t.key for o, t in result.matched + result.amount_mismatches)
    assert all(o.amount_fen == t.amount_fen for o, t in result.matched)
    assert all(o.amount_fen != t.amount_fen for o, t in result.amount_mismatches)
    # each key is paired at most once; missing keys have no record on the other side
    paired = [o.key for o, _ in result.matched + result.amount_mismatches]
    assert len(paired) == len(set(paired))
    assert not {r.key for r in result.missing_in_treasury} & {r.key for r in theirs}
    assert not {r.key for r in result.missing_in_ours} & {r.key for r in ours}
    shuffled_ours, shuffled_theirs = ours[:], theirs[:]
    rnd.shuffle(shuffled_ours)
    rnd.shuffle(shuffled_theirs)
    assert reconcile(shuffled_ours, shuffled_theirs) == result
    summary = result.summary()
    assert summary["clean"] == (summary["matched"] == len(ours) == len(theirs))
