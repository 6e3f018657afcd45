"""Evaluation rules: the indicator tree's weights, exact weighted totals, grade bands at their
edges, one-decimal display, and the satisfaction grading rule at exactly half."""

from fractions import Fraction

import pytest
from supervision.domain import default_framework, satisfaction
from supervision.domain import evaluation as rules

BANDS = rules.check_bands(default_framework.GRADE_BANDS)


def leaf(key, weight):
    return {"key": key, "name": key, "weight": weight, "children": []}


def node(key, weight, *children):
    return {"key": key, "name": key, "weight": weight, "children": list(children)}


class TestFrameworkWeights:
    def test_the_default_template_is_a_valid_hundred_point_tree(self):
        leaves = rules.check_framework(default_framework.INDICATORS, "points")
        assert len(leaves) == 20
        assert sum(leaf.weight for leaf in leaves) == 100
        assert [n["name"] for n in default_framework.INDICATORS] == ["决策", "过程", "产出", "效益"]

    def test_the_template_says_it_is_an_editable_default_not_official(self):
        template = default_framework.template()
        assert template["editable_default"] is True
        assert "并非财政部正式发布" in template["notice"]

    def test_children_that_do_not_sum_to_their_parent_name_the_parent(self):
        tree = [node("A", "60", leaf("A1", "30"), leaf("A2", "20")), leaf("B", "40")]
        with pytest.raises(rules.FrameworkRefused) as refused:
            rules.check_framework(tree, "points")
        assert refused.value.path == "A"
        assert "50" in refused.value.message and "60" in refused.value.message

    def test_a_wrong_node_at_level_two_is_named(self):
        tree = [node("A", "100", node("A1", "100", leaf("A11", "60"), leaf("A12", "30")))]
        with pytest.raises(rules.FrameworkRefused) as refused:
            rules.check_framework(tree, "points")
        assert refused.value.path == "A1"

    def test_level_one_must_sum_to_the_unit_total(self):
        with pytest.raises(rules.FrameworkRefused) as refused:
            rules.check_framework([leaf("A", "60"), leaf("B", "30")], "points")
        assert refused.value.path == "indicators"

    def test_fractions_sum_exactly_to_one(self):
        tree = [leaf("A", "0.1"), leaf("B", "0.2"), leaf("C", "0.7")]
        assert len(rules.check_framework(tree, "fraction")) == 3  # no float drift: 0.1 + 0.2

    def test_a_fourth_level_is_refused(self):
        deep = node("A", "100", node("A1", "100", node("A11", "100", leaf("A111", "100"))))
        with pytest.raises(rules.FrameworkRefused) as refused:
            rules.check_framework([deep], "points")
        assert refused.value.path == "A11"

    def test_repeated_keys_and_zero_weights_are_refused(self):
        with pytest.raises(rules.FrameworkRefused, match="重复"):
            rules.check_framework([leaf("A", "50"), leaf("A", "50")], "points")
        with pytest.raises(rules.FrameworkRefused) as refused:
            rules.check_framework([leaf("A", "100"), leaf("B", "0")], "points")
        assert refused.value.path == "B"


class TestBands:
    def test_bands_must_start_at_zero_and_stay_within_100(self):
        with pytest.raises(rules.FrameworkRefused):
            rules.check_bands([{"grade": "优", "min": "90"}, {"grade": "良", "min": "80"}])
        with pytest.raises(rules.FrameworkRefused):
            rules.check_bands([{"grade": "优", "min": "101"}, {"grade": "差", "min": "0"}])
        with pytest.raises(rules.FrameworkRefused):
            rules.check_bands([{"grade": "优", "min": "50"}, {"grade": "优", "min": "0"}])

    @pytest.mark.parametrize(
        ("total", "grade"),
        [
            (Fraction(100), "优"),
            (Fraction(90), "优"),  # exactly on the edge: the higher band
            (Fraction(8999, 100), "良"),
            (Fraction(80), "良"),
            (Fraction(7999, 100), "中"),
            (Fraction(60), "中"),
            (Fraction(5999, 100), "差"),
            (Fraction(0), "差"),
        ],
    )
    def test_a_total_on_a_band_edge_takes_the_higher_band(self, total, grade):
        assert rules.grade_of(total, BANDS) == grade


class TestWeightedTotal:
    TREE = [node("A", "40", leaf("A1", "25"), leaf("A2", "15")), leaf("B", "60")]

    def leaves(self):
        return rules.check_framework(self.TREE, "points")

    def test_points_add_up_exactly(self):
        total = rules.weighted_total(self.leaves(), {"A1": "20.5", "A2": "14", "B": "55.05"})
        assert total == Fraction(8955, 100)
        assert rules.one_decimal(total) == "89.6"  # half up from 89.55
        assert rules.grade_of(total, BANDS) == "良"

    def test_a_fraction_framework_is_scaled_to_100(self):
        leaves = rules.check_framework([leaf("A", "0.3"), leaf("B", "0.7")], "fraction")
        total = rules.weighted_total(leaves, {"A": "0.3", "B": "0.6"})
        assert total == 90
        assert rules.grade_of(total, BANDS) == "优"

    def test_a_missing_leaf_is_named(self):
        with pytest.raises(rules.ScoresRefused) as refused:
            rules.weighted_total(self.leaves(), {"A1": "20", "B": "50"})
        assert refused.value.keys == ["A2"]

    def test_a_score_above_its_weight_or_below_zero_is_named(self):
        with pytest.raises(rules.ScoresRefused) as refused:
            rules.weighted_total(self.leaves(), {"A1": "25.01", "A2": "-1", "B": "60"})
        assert refused.value.keys == ["A1", "A2"]

    def test_the_weight_itself_is_a_full_score(self):
        assert rules.weighted_total(self.leaves(), {"A1": "25", "A2": "15", "B": "60"}) == 100

    def test_a_score_on_a_parent_or_an_unknown_key_is_refused(self):
        with pytest.raises(rules.ScoresRefused) as refused:
            rules.weighted_total(self.leaves(), {"A": "30", "A1": "1", "A2": "1", "B": "1"})
        assert refused.value.keys == ["A"]


class TestDisplay:
    @pytest.mark.parametrize(
        ("value", "shown", "exact"),
        [
            (Fraction(175, 2), "87.5", "87.5"),
            (Fraction(8745, 100), "87.5", "87.45"),
            (Fraction(8744, 100), "87.4", "87.44"),
            (Fraction(200, 3), "66.7", "200/3"),
            (Fraction(100), "100.0", "100"),
            (Fraction(0), "0.0", "0"),
        ],
    )
    def test_one_decimal_half_up_and_exact_text(self, value, shown, exact):
        assert rules.one_decimal(value) == shown
        assert rules.exact_text(value) == exact


class TestSatisfactionGrade:
    @pytest.mark.parametrize(
        ("satisfied", "basically", "voting", "grade"),
        [
            (21, 0, 40, "满意"),  # more than half
            (20, 19, 40, "基本满意"),  # exactly half is not more than half
            (20, 1, 40, "基本满意"),
            (10, 10, 40, "不满意"),  # 满意 + 基本满意 exactly half: not enough
            (10, 11, 40, "基本满意"),
            (0, 0, 41, "不满意"),
            (21, 0, 41, "满意"),
            (20, 0, 41, "不满意"),
        ],
    )
    def test_the_default_rule_at_exactly_half(self, satisfied, basically, voting, grade):
        assert satisfaction.grade(satisfied, basically, voting) == grade

    def test_no_valid_ballot_grades_nothing(self):
        assert satisfaction.grade(0, 0, 0) is None

    def test_a_stricter_rule_is_configurable(self):
        rule = satisfaction.Rule(Fraction(2, 3), Fraction(2, 3))
        assert satisfaction.grade(27, 0, 40, rule) == "满意"
        assert satisfaction.grade(26, 1, 40, rule) == "基本满意"
        assert satisfaction.grade(26, 0, 40, rule) == "不满意"
        assert satisfaction.Rule(Fraction(1), Fraction(1, 2)).problem() is not None
