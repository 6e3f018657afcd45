"""The pure ballot engine: rules, quorum, threshold, validity, tally, ties and runoff, void rounds,
the mark form and the satisfaction vote."""

import json
import math
from fractions import Fraction

import pytest
from voting.domain import ballots as b
from voting.domain import satisfaction as s
from voting.domain.ballots import ABSTAIN, APPROVE, OPPOSE, Rules

CANDS = ("p1", "p2", "p3", "p4", "p5")


def aoa(approve=(), oppose=(), cands=CANDS) -> dict:
    """A full approve/oppose/abstain ballot over `cands`."""
    return {c: APPROVE if c in approve else OPPOSE if c in oppose else ABSTAIN for c in cands}


def votes(**approvals: int) -> list[dict]:
    """Ballots giving each named candidate exactly that many approvals (one approval a ballot)."""
    out = []
    for cand, n in approvals.items():
        out += [{cand: APPROVE} for _ in range(n)]
    return out


def by_id(t: b.Tally) -> dict[str, b.CandidateResult]:
    return {r.candidate_id: r for r in t.results}


class TestRules:
    def test_defaults(self):
        r = Rules(seats=3, deputies_total=100)
        assert (r.form, r.threshold_base) == ("approve_oppose_abstain", "all")
        assert (r.differential_ratio_permille, r.quorum_permille) == (200, 667)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"seats": 0},
            {"seats": -1},
            {"seats": True},
            {"seats": 1.5},
            {"deputies_total": 0},
            {"form": "ranked"},
            {"threshold_base": "half"},
            {"differential_ratio_permille": -1},
            {"quorum_permille": 1000},
            {"quorum_permille": -5},
        ],
    )
    def test_bad_rules_are_refused_with_a_message(self, kwargs):
        with pytest.raises(ValueError, match=r"\(.+\)"):
            Rules(**{"seats": 3, "deputies_total": 100, **kwargs})

    def test_as_dict_is_json(self):
        r = Rules(seats=3, deputies_total=100, form="mark")
        assert json.loads(json.dumps(r.as_dict())) == r.as_dict()


class TestQuorum:
    @pytest.mark.parametrize("total", range(1, 301))
    def test_default_is_more_than_two_thirds_exactly(self, total):
        r = Rules(seats=1, deputies_total=total)
        for present in range(total + 1):
            assert b.quorum_met(r, present) == (present * 3 > total * 2)
        needed = b.quorum_needed(r)
        assert b.quorum_met(r, needed) and not b.quorum_met(r, needed - 1)

    def test_edges(self):
        r = Rules(seats=1, deputies_total=300)
        assert not b.quorum_met(r, 200)  # exactly two thirds is not enough
        assert b.quorum_met(r, 201)
        r = Rules(seats=1, deputies_total=1000)
        assert b.quorum_met(r, 667)  # 667/1000 > 2/3 even though not > 66.7%
        assert not b.quorum_met(r, 666)

    @pytest.mark.parametrize(
        ("permille", "fraction"),
        [(667, (2, 3)), (500, (1, 2)), (750, (3, 4)), (333, (1, 3)), (0, (0, 1)), (600, (3, 5))],
    )
    def test_permille_reads_as_the_simplest_fraction(self, permille, fraction):
        assert b.quorum_fraction(permille) == fraction

    @pytest.mark.parametrize("permille", range(1000))
    def test_fraction_rounds_back_to_the_permille(self, permille):
        p, q = b.quorum_fraction(permille)
        assert math.floor(Fraction(p * 1000, q) + Fraction(1, 2)) == permille

    def test_half(self):
        r = Rules(seats=1, deputies_total=10, quorum_permille=500)
        assert not b.quorum_met(r, 5) and b.quorum_met(r, 6)

    def test_tally_reports_it(self):
        r = Rules(seats=1, deputies_total=3)
        assert b.tally(r, ["a", "b"], [], present=2).as_dict()["quorum_met"] is False
        assert b.tally(r, ["a", "b"], [], present=3).as_dict()["quorum_met"] is True


class TestDifferentialRatio:
    @pytest.mark.parametrize("seats", range(1, 31))
    @pytest.mark.parametrize("permille", [0, 200, 250, 333, 500, 1000])
    def test_minimum_candidates(self, seats, permille):
        assert b.minimum_candidates(seats, permille) == math.ceil(
            Fraction(seats) * (1 + Fraction(permille, 1000))
        )

    def test_known_values_at_20_percent(self):
        assert [b.minimum_candidates(k, 200) for k in (1, 2, 5, 10, 12, 30)] == [
            2,
            3,
            6,
            12,
            15,
            36,
        ]

    def test_candidates_problem(self):
        r = Rules(seats=10, deputies_total=100)
        assert b.candidates_problem(r, [f"c{i}" for i in range(12)]) is None
        assert "12" in b.candidates_problem(r, [f"c{i}" for i in range(11)])
        assert "重复" in b.candidates_problem(r, ["a", "a"] + [f"c{i}" for i in range(12)])
        assert b.candidates_problem(r, []) is not None
        assert b.candidates_problem(r, ["", *[f"c{i}" for i in range(12)]]) is not None


class TestBallotProblem:
    r = Rules(seats=2, deputies_total=10)

    def test_valid(self):
        assert b.ballot_problem(self.r, CANDS, aoa(approve={"p1", "p2"})) is None
        assert b.ballot_problem(self.r, CANDS, {}) is None  # abstains on everyone
        assert b.ballot_problem(self.r, CANDS, {"p3": OPPOSE}) is None  # the rest abstain

    def test_unreadable(self):
        assert "unreadable" in b.ballot_problem(self.r, CANDS, None)
        assert "unreadable" in b.ballot_problem(self.r, CANDS, ["p1"])

    def test_unknown_candidate(self):
        msg = b.ballot_problem(self.r, CANDS, {"p1": APPROVE, "zz": OPPOSE})
        assert msg.startswith("选票含不在名单上的候选项目") and "unknown candidate 'zz'" in msg

    def test_unknown_choice(self):
        msg = b.ballot_problem(self.r, CANDS, {"p1": "yes"})
        assert "unknown choice 'yes' for p1" in msg
        assert "unknown choice" in b.ballot_problem(self.r, CANDS, {"p1": ["approve"]})

    def test_too_many_approvals(self):
        msg = b.ballot_problem(self.r, CANDS, aoa(approve={"p1", "p2", "p3"}))
        assert msg == "赞成票超过应选名额 2 (more than 2 approvals)"

    def test_precedence_is_fixed(self):
        ballot = {"zz": "yes", "p1": APPROVE, "p2": APPROVE, "p3": APPROVE}
        assert "unknown candidate" in b.ballot_problem(self.r, CANDS, ballot)

    def test_mark_form(self):
        r = Rules(seats=2, deputies_total=10, form="mark")
        assert b.ballot_problem(r, CANDS, {"p1": APPROVE}) is None
        assert b.ballot_problem(r, CANDS, {}) is None
        assert "unknown choice" in b.ballot_problem(r, CANDS, {"p1": OPPOSE})
        assert "unknown choice" in b.ballot_problem(r, CANDS, {"p1": ABSTAIN})
        assert "more than 2" in b.ballot_problem(r, CANDS, dict.fromkeys(CANDS[:3], APPROVE))


class TestThreshold:
    @pytest.mark.parametrize("total", [10, 11, 150])
    def test_all_deputies_exactly_half_is_not_enough(self, total):
        r = Rules(seats=1, deputies_total=total)
        half = total // 2
        t = b.tally(r, ["a", "b"], votes(a=half + 1, b=half), present=total)
        assert t.threshold == half + 1
        assert by_id(t)["a"].elected and not by_id(t)["b"].elected
        if total % 2 == 0:  # exactly half
            t = b.tally(r, ["a", "b"], votes(a=half), present=total)
            assert not by_id(t)["a"].elected and t.elected == ()

    def test_all_counts_absent_deputies(self):
        r = Rules(seats=1, deputies_total=100)
        t = b.tally(r, ["a", "b"], votes(a=50), present=70)
        assert t.threshold == 51 and t.elected == () and t.unfilled_seats == 1
        t = b.tally(r, ["a", "b"], votes(a=51), present=70)
        assert t.elected == ("a",)

    def test_present(self):
        r = Rules(seats=1, deputies_total=100, threshold_base="present")
        assert b.tally(r, ["a", "b"], votes(a=35), present=70).elected == ()
        t = b.tally(r, ["a", "b"], votes(a=36), present=70)
        assert t.threshold == 36 and t.elected == ("a",)
        assert b.tally(r, ["a", "b"], votes(a=36), present=71).threshold == 36
        assert b.tally(r, ["a", "b"], votes(a=36), present=72).elected == ()

    def test_oppose_and_abstain_do_not_count_against(self):
        r = Rules(seats=1, deputies_total=10)
        ballots = [aoa({"p1"})] * 6 + [aoa(oppose={"p1"})] * 4
        t = b.tally(r, CANDS, ballots, present=10)
        res = by_id(t)["p1"]
        assert (res.approve, res.oppose, res.abstain, res.elected) == (6, 4, 0, True)


class TestTopK:
    def test_top_k_elected_by_approvals(self):
        r = Rules(seats=2, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=6, p2=9, p3=8, p4=7, p5=2), present=10)
        assert t.elected == ("p2", "p3")
        assert [x.rank for x in t.results] == [4, 1, 2, 3, 5]
        assert [x.elected for x in t.results] == [False, True, True, False, False]
        assert t.outcome == "decided" and t.runoff == () and t.runoff_seats == 0

    def test_fewer_above_threshold_than_seats(self):
        r = Rules(seats=3, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=6, p2=5, p3=9), present=10)
        assert t.elected == ("p3", "p1") and t.unfilled_seats == 1

    def test_ties_above_the_cut_off_are_all_elected(self):
        r = Rules(seats=3, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=8, p2=8, p3=7, p4=6), present=10)
        assert t.elected == ("p1", "p2", "p3") and t.runoff == ()
        assert [x.rank for x in t.results] == [1, 1, 3, 4, 5]

    def test_tie_exactly_filling_the_seats_is_elected(self):
        r = Rules(seats=3, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=9, p2=7, p3=7, p4=6), present=10)
        assert t.elected == ("p1", "p2", "p3") and t.runoff == ()

    def test_tie_across_the_cut_off_goes_to_a_runoff(self):
        r = Rules(seats=3, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=9, p5=7, p2=7, p4=7, p3=6), present=10)
        assert t.elected == ("p1",)
        assert t.runoff == ("p2", "p4", "p5") and t.runoff_seats == 2
        assert t.outcome == "runoff" and t.unfilled_seats == 0
        assert not any(by_id(t)[c].elected for c in t.runoff)
        assert "runoff for 2 seat(s)" in t.note
        rules, cands = b.runoff_rules(r, t)
        assert cands == ["p2", "p4", "p5"]
        assert rules == Rules(seats=2, deputies_total=10, differential_ratio_permille=0)

    def test_tie_below_threshold_is_no_runoff(self):
        r = Rules(seats=1, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=5, p2=5), present=10)
        assert t.elected == () and t.runoff == () and t.unfilled_seats == 1

    def test_tie_among_qualified_with_fewer_qualified_than_needed(self):
        # 2 seats, 3 reach the threshold, two tied at the cut-off → 1 elected, runoff for 1
        r = Rules(seats=2, deputies_total=10, threshold_base="present", form="mark")
        t = b.tally(r, CANDS, votes(p3=10, p1=8, p2=8, p4=4), present=10)
        assert t.elected == ("p3",) and t.runoff == ("p1", "p2") and t.runoff_seats == 1
        rules, cands = b.runoff_rules(r, t)
        assert (rules.seats, rules.form, rules.threshold_base) == (1, "mark", "present")
        assert cands == ["p1", "p2"]

    def test_runoff_rules_without_runoff(self):
        r = Rules(seats=1, deputies_total=10)
        with pytest.raises(ValueError, match="no runoff"):
            b.runoff_rules(r, b.tally(r, CANDS, votes(p1=9), present=10))


class TestInvalidBallots:
    def test_invalid_count_for_no_one(self):
        r = Rules(seats=2, deputies_total=20)
        ballots = [
            aoa({"p1", "p2"}, oppose={"p3"}),
            aoa({"p1", "p2", "p3"}),  # too many approvals
            {"p1": APPROVE, "ghost": APPROVE},  # unknown candidate
            {"p1": "maybe"},  # unknown choice
            None,  # unreadable paper
            {"p1": APPROVE},  # valid, the rest abstain
        ]
        t = b.tally(r, CANDS, ballots, present=20)
        assert (t.ballots, t.valid, t.invalid) == (6, 2, 4)
        res = by_id(t)
        assert (res["p1"].approve, res["p1"].oppose, res["p1"].abstain) == (2, 0, 0)
        assert (res["p2"].approve, res["p2"].abstain) == (1, 1)
        assert (res["p3"].oppose, res["p3"].abstain) == (1, 1)

    def test_unhashable_choice_is_invalid_not_an_error(self):
        r = Rules(seats=2, deputies_total=20)
        t = b.tally(r, CANDS, [{"p1": ["approve"]}, {"p1": APPROVE}], present=20)
        assert (t.valid, t.invalid, by_id(t)["p1"].approve) == (1, 1, 1)

    def test_bad_inputs_raise(self):
        r = Rules(seats=2, deputies_total=20)
        for cands in ([], ["a", "a"], ["a", ""]):
            with pytest.raises(ValueError):
                b.tally(r, cands, [], present=1)
        with pytest.raises(ValueError, match="exceeds"):
            b.tally(r, CANDS, [], present=21)
        with pytest.raises(ValueError):
            b.tally(r, CANDS, [], present=10, issued=-1)


class TestVoid:
    def test_more_returned_than_issued_voids_the_round(self):
        r = Rules(seats=1, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=9), present=10, issued=8, returned=9)
        assert t.void and t.outcome == "void" and t.elected == () and t.runoff == ()
        assert all(not x.elected and x.rank is None for x in t.results)
        assert by_id(t)["p1"].approve == 9  # the counts stay on record
        assert t.unfilled_seats == 1
        assert "nobody is elected" in t.note
        assert t.as_dict()["void"] is True

    def test_returned_equal_to_issued_is_fine(self):
        r = Rules(seats=1, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=9), present=10, issued=9, returned=9)
        assert not t.void and t.elected == ("p1",) and t.note is None

    def test_needs_both(self):
        r = Rules(seats=1, deputies_total=10)
        assert not b.tally(r, CANDS, votes(p1=9), present=10, returned=12).void


class TestMarkForm:
    def test_unmarked_are_reported_under_abstain(self):
        r = Rules(seats=2, deputies_total=10, form="mark")
        ballots = [{"p1": APPROVE, "p2": APPROVE}] * 6 + [{"p3": APPROVE}] * 3 + [{}]
        t = b.tally(r, CANDS, ballots, present=10)
        res = by_id(t)
        assert (res["p1"].approve, res["p1"].oppose, res["p1"].abstain) == (6, 0, 4)
        assert (res["p5"].approve, res["p5"].abstain) == (0, 10)
        assert t.elected == ("p1", "p2") and t.valid == 10

    def test_mark_form_invalid(self):
        r = Rules(seats=2, deputies_total=10, form="mark")
        ballots = [dict.fromkeys(("p1", "p2", "p3"), APPROVE), {"p1": OPPOSE}, {"x": APPROVE}]
        t = b.tally(r, CANDS, ballots, present=10)
        assert (t.valid, t.invalid) == (0, 3)


class TestAsDict:
    def test_json_round_trip_and_keys(self):
        r = Rules(seats=2, deputies_total=10)
        t = b.tally(r, CANDS, votes(p1=9, p2=7, p3=7), present=10, issued=10, returned=10)
        d = t.as_dict()
        assert json.loads(json.dumps(d)) == d
        assert set(d) == {
            "rules",
            "threshold",
            "present",
            "quorum_met",
            "issued",
            "returned",
            "ballots",
            "valid",
            "invalid",
            "void",
            "outcome",
            "elected",
            "runoff",
            "runoff_seats",
            "unfilled_seats",
            "results",
        }
        assert d["results"][0] == {
            "candidate_id": "p1",
            "approve": 9,
            "oppose": 0,
            "abstain": 14,
            "rank": 1,
            "elected": True,
        }
        assert d["runoff"] == ["p2", "p3"] and d["runoff_seats"] == 1

    def test_accepts_any_iterable(self):
        r = Rules(seats=1, deputies_total=10)
        assert b.tally(r, CANDS, iter(votes(p1=6)), present=10).elected == ("p1",)


class TestSatisfaction:
    P = ("x", "y")

    def test_counts_and_rate(self):
        ballots = (
            [{"x": s.SATISFIED, "y": s.DISSATISFIED}] * 5
            + [{"x": s.BASICALLY, "y": s.SATISFIED}] * 2
            + [{"x": s.DISSATISFIED}] * 1  # y abstained
            + [None, {"x": "还行"}, {"z": s.SATISFIED}]
        )
        t = s.satisfaction_tally(self.P, ballots)
        assert (t.ballots, t.valid, t.invalid, t.void) == (11, 8, 3, False)
        x, y = t.results
        assert (x.satisfied, x.basically, x.dissatisfied, x.abstain) == (5, 2, 1, 0)
        assert (x.rate, x.rate_permille) == ("7/8", 875)
        assert (y.satisfied, y.basically, y.dissatisfied, y.abstain) == (2, 0, 5, 1)
        assert (y.rate, y.rate_permille) == ("2/8", 250)
        d = t.as_dict()
        assert json.loads(json.dumps(d)) == d
        assert d["results"][0]["rate"] == "7/8"

    def test_rate_rounds_half_up(self):
        assert s.rate_permille(2, 3) == 667
        assert s.rate_permille(1, 3) == 333
        assert s.rate_permille(1, 2000) == 1  # 0.5‰ rounds up
        assert s.rate_permille(0, 7) == 0 and s.rate_permille(7, 7) == 1000

    def test_no_valid_ballots_no_rate(self):
        t = s.satisfaction_tally(self.P, [None])
        assert t.results[0].rate is None and t.results[0].rate_permille is None

    def test_void(self):
        t = s.satisfaction_tally(self.P, [{"x": s.SATISFIED}] * 3, issued=2, returned=3)
        assert t.void and t.results[0].satisfied == 3 and t.results[0].rate is None

    def test_problem(self):
        assert s.satisfaction_problem(self.P, {"x": s.SATISFIED}) is None
        assert "unreadable" in s.satisfaction_problem(self.P, None)
        assert "unknown project" in s.satisfaction_problem(self.P, {"q": s.SATISFIED})
        assert "unknown choice" in s.satisfaction_problem(self.P, {"x": "ok"})

    def test_bad_projects(self):
        with pytest.raises(ValueError):
            s.satisfaction_tally([], [])
        with pytest.raises(ValueError):
            s.satisfaction_tally(["a", "a"], [])
