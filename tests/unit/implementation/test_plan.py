"""The task plan: weights parsed exactly, and every way a plan is refused, in order."""

import json
from datetime import date
from fractions import Fraction

import pytest
from implementation.domain.plan import Milestone, PlanError, Target, parse_weight, validate_plan

START, DEADLINE = date(2026, 3, 1), date(2026, 11, 30)


def milestone(key="m1", weight=Fraction(1), start=START, due=DEADLINE):
    return Milestone(key, f"里程碑 {key}", weight, start, due)


def refusal(milestones, start=START, deadline=DEADLINE, year=2026, carried_over=False):
    with pytest.raises(PlanError) as caught:
        validate_plan(milestones, start, deadline, year, carried_over)
    json.dumps(caught.value.details)  # details travel in API responses
    return caught.value


class TestParseWeight:
    @pytest.mark.parametrize(
        ("text", "weight"),
        [("0.25", Fraction(1, 4)), ("1/3", Fraction(1, 3)), ("1", Fraction(1)), ("2/2", 1)],
    )
    def test_decimals_fractions_and_one_are_read_exactly(self, text, weight):
        assert parse_weight(text) == weight

    def test_a_decimal_is_not_read_through_a_float(self):
        assert parse_weight("0.1") == Fraction(1, 10)

    @pytest.mark.parametrize(
        "text",
        [
            *("-0.25", "0", "0.0", "0/5", "1.01", "4/3"),  # not in (0, 1]
            *("1e-3", "0.1e1", ".5", "1.", "1/2/3", "1_0", "+1", "0x1", "nan", ""),  # not our forms
            *("1/0", "1/00"),  # no denominator
            *("１", "٣/٤", " 0.5", "0.5 ", "0.5\n"),  # digits that are not ASCII, spaces
            "1" * 33,  # too long to be a weight anyone typed
        ],
    )
    def test_anything_else_is_refused_with_the_text_named(self, text):
        with pytest.raises(PlanError) as caught:
            parse_weight(text)
        assert caught.value.message.startswith(("权重", "无法识别"))
        assert "weight" in caught.value.details


class TestValidatePlan:
    def test_a_sound_plan_passes(self):
        thirds = [milestone(k, Fraction(1, 3)) for k in ("a", "b", "c")]
        assert validate_plan(thirds, START, DEADLINE, 2026) is None

    def test_no_milestone_is_refused(self):
        assert "至少" in refusal([]).message

    def test_duplicate_keys_are_named(self):
        error = refusal([milestone("a", Fraction(1, 2)), milestone("a", Fraction(1, 2))])
        assert error.details == {"key": "a"}

    def test_a_plan_ending_before_it_starts_is_refused(self):
        error = refusal([milestone()], start=date(2026, 12, 1))
        assert error.details == {"start": "2026-12-01", "deadline": "2026-11-30"}

    def test_the_deadline_must_fall_in_the_year(self):
        late = date(2027, 1, 1)
        error = refusal([milestone(due=late)], deadline=late)
        assert "2026" in error.message and error.details["latest"] == "2026-12-31"
        new_year_eve = date(2026, 12, 31)
        assert validate_plan([milestone(due=new_year_eve)], START, new_year_eve, 2026) is None

    def test_a_carried_over_project_may_run_to_the_end_of_next_year_and_no_further(self):
        end_of_next = date(2027, 12, 31)
        ok = [milestone(due=end_of_next)]
        assert validate_plan(ok, START, end_of_next, 2026, carried_over=True) is None
        too_late = date(2028, 1, 1)
        error = refusal([milestone(due=too_late)], deadline=too_late, carried_over=True)
        assert error.details["latest"] == "2027-12-31"

    def test_a_milestone_due_before_it_starts_is_refused(self):
        error = refusal([milestone(start=date(2026, 5, 2), due=date(2026, 5, 1))])
        assert error.details["key"] == "m1" and "晚于截止日期" in error.message

    @pytest.mark.parametrize(
        ("start", "due"), [(date(2026, 2, 28), DEADLINE), (START, date(2026, 12, 1))]
    )
    def test_a_milestone_outside_the_plan_period_is_refused(self, start, due):
        assert "超出计划期" in refusal([milestone(start=start, due=due)]).message

    def test_a_milestone_may_be_a_single_day_on_the_plan_edges(self):
        days = [
            milestone("s", Fraction(1, 2), START, START),
            milestone("e", Fraction(1, 2), DEADLINE, DEADLINE),
        ]
        assert validate_plan(days, START, DEADLINE, 2026) is None

    def test_weights_short_of_one_name_the_sum_and_what_is_missing(self):
        error = refusal([milestone("a", Fraction(1, 2)), milestone("b", Fraction(1, 4))])
        assert error.message == "里程碑权重合计 3/4，还缺 1/4 (weights sum to 3/4: 1/4 missing)"
        assert error.details == {"sum": "3/4", "missing": "1/4"}

    def test_weights_over_one_name_the_sum_and_the_excess(self):
        error = refusal([milestone("a", Fraction(2, 3)), milestone("b", Fraction(1, 2))])
        assert error.message == "里程碑权重合计 7/6，超出 1/6 (weights sum to 7/6: 1/6 in excess)"
        assert error.details == {"sum": "7/6", "excess": "1/6"}

    def test_thirds_written_as_decimals_do_not_sum_to_one(self):
        weights = [milestone(k, parse_weight("0.333")) for k in "abc"]
        assert refusal(weights).details == {"sum": "999/1000", "missing": "1/1000"}

    @pytest.mark.parametrize("weight", [Fraction(0), Fraction(-1, 2), 0.5, True])
    def test_a_weight_that_is_not_an_exact_share_is_refused(self, weight):
        others = [milestone("b", Fraction(1, 2))]
        assert refusal([milestone("a", weight), *others]).details["key"] == "a"

    def test_the_first_problem_is_reported(self):
        # duplicate keys come before the weights
        error = refusal([milestone("a", Fraction(1, 3)), milestone("a", Fraction(1, 3))])
        assert "重复" in error.message


def test_a_target_is_a_task_with_a_quantity():
    target = Target("改造老旧小区", 12, "个")
    assert (target.task, target.quantity, target.unit) == ("改造老旧小区", 12, "个")
