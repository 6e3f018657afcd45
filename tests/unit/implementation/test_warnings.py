"""Fund warnings: rules as versioned data, each kind at its edges, and the city's nightly run."""

import json
import random
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from implementation.domain.warnings import (
    DEFAULT_RULES,
    ProjectFacts,
    Rule,
    RuleError,
    evaluate,
    evaluate_city,
    parse_rule,
)

OVER, LAG, GAP = DEFAULT_RULES
JULY_31 = date(2025, 7, 31)


def facts(budget=1000, disbursed=0, paid=0, progress=Fraction(0), **more):
    return ProjectFacts(
        project_id=more.pop("project_id", "P1"),
        year=2025,
        budget_fen=budget,
        disbursed_fen=disbursed,
        paid_fen=paid,
        physical_progress=progress,
        **more,
    )


class TestRulesAsData:
    def test_the_defaults_are_version_1_with_chinese_titles(self):
        assert [(r.kind, r.version) for r in DEFAULT_RULES] == [
            ("over_budget", 1),
            ("disbursement_lag", 1),
            ("progress_spend_gap", 1),
        ]
        assert LAG.params == {"month": 7, "day": 31, "min_ratio": "2/5"}
        assert GAP.params == {"tolerance_points": 20}
        assert OVER.title == "超预算拨付" and "40%" in LAG.title and "偏离" in GAP.title

    def test_a_rule_reads_back_from_its_json(self):
        for rule in DEFAULT_RULES:
            assert parse_rule(json.loads(json.dumps(rule.as_dict()))) == rule

    def test_severity_defaults_by_kind_and_can_be_set(self):
        assert (OVER.severity, LAG.severity, GAP.severity) == ("red", "yellow", "yellow")
        raw = {**GAP.as_dict(), "version": 2, "params": {"tolerance_points": 10, "severity": "red"}}
        assert parse_rule(raw).severity == "red"

    @pytest.mark.parametrize(
        ("params", "named"),
        [
            ({"month": 7, "day": 31}, "min_ratio"),
            ({"month": 7, "day": 31, "min_ratio": "0"}, "min_ratio"),
            ({"month": 7, "day": 31, "min_ratio": "3/2"}, "min_ratio"),
            ({"month": 7, "day": 31, "min_ratio": 0.4}, "min_ratio"),
            ({"month": 7, "day": 31, "min_ratio": "forty"}, "min_ratio"),
            ({"month": 13, "day": 1, "min_ratio": "2/5"}, "month"),
            ({"month": 2, "day": 29, "min_ratio": "2/5"}, "2月29日"),
            ({"month": 4, "day": 31, "min_ratio": "2/5"}, "4月31日"),
            ({"month": 7, "day": 31, "min_ratio": "2/5", "min_rato": "1/2"}, "min_rato"),
            ({"month": 7, "day": 31, "min_ratio": "2/5", "severity": ["red"]}, "severity"),
        ],
    )
    def test_lag_params_are_checked(self, params, named):
        with pytest.raises(RuleError, match=named):
            Rule("lag", 2, "disbursement_lag", params, "拨付滞后")

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"tolerance_points": 100},
            {"tolerance_points": "20"},
            {"tolerance_points": 20, "basis": "x"},
        ],
    )
    def test_gap_params_are_checked(self, params):
        with pytest.raises(RuleError):
            Rule("gap", 2, "progress_spend_gap", params, "偏离")

    @pytest.mark.parametrize(
        "raw",
        [
            {"code": "x", "version": 1, "kind": "weather", "title": "天气"},
            {"code": "x", "version": 0, "kind": "over_budget", "title": "超"},
            {"code": "", "version": 1, "kind": "over_budget", "title": "超"},
            {"code": "x", "version": 1, "kind": "over_budget", "title": ""},
            {"code": "x", "version": 1, "kind": "over_budget"},
            {"code": "x", "version": 1, "kind": "over_budget", "title": "超", "colour": "red"},
            {"code": "x", "version": 1, "kind": "over_budget", "title": "超", "params": []},
        ],
    )
    def test_bad_rules_are_refused_in_chinese_first(self, raw):
        with pytest.raises(RuleError) as refused:
            parse_rule(raw)
        assert "\u4e00" <= refused.value.message[0] <= "\u9fff"

    def test_a_rule_is_a_mapping(self):
        with pytest.raises(RuleError) as refused:
            parse_rule([("code", "x")])
        assert refused.value.code == "invalid_rule"

    def test_params_are_a_read_only_copy(self):
        params = {"tolerance_points": 20}
        rule = Rule("gap", 1, "progress_spend_gap", params, "偏离")
        params["tolerance_points"] = 50
        assert rule.params["tolerance_points"] == 20


class TestFacts:
    @pytest.mark.parametrize("progress", [0.3, Fraction(11, 10), Fraction(-1, 10), True])
    def test_progress_is_an_exact_fraction_within_0_and_1(self, progress):
        with pytest.raises(ValueError, match="形象进度"):
            facts(progress=progress)

    def test_money_is_non_negative_fen(self):
        with pytest.raises(ValueError, match="disbursed_fen"):
            facts(disbursed=-1)


class TestOverBudget:
    def test_disbursed_exactly_the_budget_is_fine(self):
        assert evaluate([OVER], facts(disbursed=1000), JULY_31) == []

    def test_one_fen_over_the_total_is_a_red_warning_with_the_figures(self):
        [warning] = evaluate([OVER], facts(disbursed=1001), JULY_31)
        assert (warning.severity, warning.rule_code, warning.rule_version) == (
            "red",
            "over_budget",
            1,
        )
        assert warning.figures == {
            "scope": "total",
            "budget_fen": 1000,
            "disbursed_fen": 1001,
            "over_fen": 1,
        }
        assert warning.message.startswith("超预算拨付：合计")

    def test_a_source_over_its_budget_warns_even_when_the_total_is_not(self):
        project = facts(
            budget=1000,
            disbursed=700,
            budget_by_source={"own_fiscal": 500, "banner_special": 500},
            disbursed_by_source={"banner_special": 600, "own_fiscal": 100},
        )
        [warning] = evaluate([OVER], project, JULY_31)
        assert warning.figures["scope"] == "banner_special" and warning.figures["over_fen"] == 100
        assert "旗区专项" in warning.message

    def test_the_total_comes_first_then_sources_in_source_order(self):
        project = facts(
            budget=100,
            disbursed=300,
            budget_by_source={"own_fiscal": 100},
            disbursed_by_source={"social": 100, "own_fiscal": 200},
        )
        scopes = [w.figures["scope"] for w in evaluate([OVER], project, JULY_31)]
        assert scopes == ["total", "own_fiscal", "social"]


class TestDisbursementLag:
    lagging = facts(budget=1000, disbursed=399)

    def test_nothing_before_the_date(self):
        assert evaluate([LAG], self.lagging, date(2025, 7, 30)) == []

    @pytest.mark.parametrize("today", [JULY_31, date(2025, 12, 31), date(2026, 3, 1)])
    def test_from_the_date_on_below_the_ratio_warns(self, today):
        [warning] = evaluate([LAG], self.lagging, today)
        assert warning.figures["due_on"] == "2025-07-31"
        assert warning.figures["spend_ratio"] == "399/1000"
        assert warning.figures["min_ratio"] == "2/5"
        assert warning.figures["shortfall_fen"] == 1
        assert "应拨付不低于 40.00%，实际 39.90%" in warning.message

    def test_exactly_at_the_ratio_is_fine(self):
        assert evaluate([LAG], facts(budget=1000, disbursed=400), JULY_31) == []

    def test_the_shortfall_rounds_up_to_the_fen_that_reaches_the_ratio(self):
        # 2/5 of 1001 is 400.4 fen: 400 is below, 401 is the first amount that is not
        [warning] = evaluate([LAG], facts(budget=1001, disbursed=400), JULY_31)
        assert warning.figures["shortfall_fen"] == 1
        assert evaluate([LAG], facts(budget=1001, disbursed=401), JULY_31) == []

    def test_no_budget_no_ratio_no_warning(self):
        assert evaluate([LAG, GAP], facts(budget=0, progress=Fraction(1)), JULY_31) == []

    def test_the_date_is_in_the_projects_year(self):
        last_year = ProjectFacts("P0", 2024, 1000, 0, 0, Fraction(0))
        assert evaluate([LAG], last_year, date(2025, 1, 2))[0].figures["due_on"] == "2024-07-31"


class TestProgressSpendGap:
    @pytest.mark.parametrize(
        ("progress", "disbursed"), [(Fraction(3, 10), 500), (Fraction(7, 10), 500)]
    )
    def test_a_gap_of_exactly_the_tolerance_is_fine(self, progress, disbursed):
        assert evaluate([GAP], facts(disbursed=disbursed, progress=progress), JULY_31) == []

    def test_money_ahead_of_the_work(self):
        [warning] = evaluate([GAP], facts(disbursed=501, progress=Fraction(3, 10)), JULY_31)
        assert warning.figures["direction"] == "money_ahead"
        assert warning.figures["gap_points"] == "201/10"
        assert "资金超前于进度" in warning.message and "相差 20.10 个百分点" in warning.message

    def test_work_ahead_of_the_money(self):
        [warning] = evaluate([GAP], facts(disbursed=499, progress=Fraction(7, 10)), JULY_31)
        assert warning.figures["direction"] == "work_ahead"
        assert "进度超前于资金" in warning.message

    def test_a_paid_basis_counts_payments(self):
        paid_rule = Rule(
            "gap_paid", 1, "progress_spend_gap", {"tolerance_points": 20, "basis": "paid"}, "偏离"
        )
        project = facts(disbursed=900, paid=100, progress=Fraction(1, 2))
        [warning] = evaluate([paid_rule], project, JULY_31)
        assert warning.figures["direction"] == "work_ahead" and warning.figures["spent_fen"] == 100
        assert evaluate([GAP], project, JULY_31)[0].figures["direction"] == "money_ahead"

    @given(
        budget=st.integers(1, 10**9),
        disbursed=st.integers(0, 10**9),
        progress=st.fractions(0, 1, max_denominator=1000),
    )
    def test_warns_exactly_when_more_than_20_points_apart(self, budget, disbursed, progress):
        # the same rule in integers: |100·d/b − 100·p| > 20
        p, q = progress.numerator, progress.denominator
        expected = abs(100 * disbursed * q - 100 * p * budget) > 20 * budget * q
        project = facts(budget=budget, disbursed=disbursed, progress=progress)
        assert bool(evaluate([GAP], project, JULY_31)) == expected


class TestEvaluate:
    def test_rule_order_and_json_able_figures(self):
        project = facts(budget=1000, disbursed=1200, progress=Fraction(1, 10))
        found = evaluate(DEFAULT_RULES, project, JULY_31)
        assert [w.kind for w in found] == ["over_budget", "progress_spend_gap"]
        json.dumps([dict(w.figures) for w in found])
        assert found[1].key == ("P1", "progress_spend_gap", "money_ahead")

    def test_the_city_400_projects_by_3_rules_in_project_order(self):
        rng = random.Random(12)
        city = [
            facts(
                project_id=f"P{i:03d}",
                budget=rng.randrange(1, 10**9),
                disbursed=rng.randrange(0, 10**9),
                progress=Fraction(rng.randrange(0, 101), 100),
            )
            for i in range(400)
        ]
        found = evaluate_city(DEFAULT_RULES, reversed(city), date(2025, 8, 1))
        assert found == [w for f in city for w in evaluate(DEFAULT_RULES, f, date(2025, 8, 1))]
        assert len({w.project_id for w in found}) > 200
        assert [w.project_id for w in found] == sorted(w.project_id for w in found)
