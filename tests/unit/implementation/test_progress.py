"""Progress against plan: the weighted roll-up, 序时进度 in whole days, the standing, the flag."""

from datetime import date
from fractions import Fraction

import pytest
from implementation.domain.plan import Milestone, PlanError
from implementation.domain.progress import (
    AHEAD,
    LAGGING,
    ON_TRACK,
    STANDING_NAMES,
    actual_progress,
    classify,
    percent,
    planned_progress,
    should_flag,
)

# 设计 1/5 (10 days in April), 施工 3/5 (May–September), 验收 1/5 (10 days in October)
DESIGN = Milestone("design", "设计", Fraction(1, 5), date(2026, 4, 1), date(2026, 4, 10))
BUILD = Milestone("build", "施工", Fraction(3, 5), date(2026, 5, 1), date(2026, 9, 30))
ACCEPT = Milestone("accept", "验收", Fraction(1, 5), date(2026, 10, 11), date(2026, 10, 20))
PLAN = [DESIGN, BUILD, ACCEPT]


class TestActualProgress:
    def test_each_milestone_counts_by_its_weight(self):
        done = {"design": Fraction(1), "build": Fraction(1, 2), "accept": Fraction(0)}
        assert actual_progress(PLAN, done) == Fraction(1, 5) + Fraction(3, 10)

    def test_a_finished_small_milestone_is_not_half_the_project(self):
        # a plain average over 2 milestones would say 1/2
        plan = [DESIGN, Milestone("rest", "其余", Fraction(4, 5), BUILD.start, BUILD.due)]
        assert actual_progress(plan, {"design": Fraction(1)}) == Fraction(1, 5)

    def test_a_milestone_not_reported_yet_counts_as_nothing_done(self):
        assert actual_progress(PLAN, {"build": Fraction(1)}) == Fraction(3, 5)
        assert actual_progress(PLAN, {}) == 0

    def test_a_single_milestone_is_the_whole_project(self):
        only = Milestone("all", "全部", Fraction(1), date(2026, 4, 1), date(2026, 10, 31))
        assert actual_progress([only], {"all": Fraction(7, 10)}) == Fraction(7, 10)

    def test_equal_weights_give_the_average(self):
        plan = [Milestone(k, k, Fraction(1, 4), DESIGN.start, DESIGN.due) for k in "abcd"]
        done = {"a": Fraction(1), "b": Fraction(1, 2), "c": Fraction(1, 4)}
        assert actual_progress(plan, done) == Fraction(7, 16)

    def test_everything_done_is_exactly_one(self):
        assert actual_progress(PLAN, dict.fromkeys(("design", "build", "accept"), Fraction(1))) == 1

    @pytest.mark.parametrize("done", [Fraction(-1, 100), Fraction(101, 100), 0.5, True])
    def test_a_share_outside_zero_to_one_or_inexact_is_refused(self, done):
        with pytest.raises(PlanError) as caught:
            actual_progress(PLAN, {"build": done})
        assert caught.value.details["key"] == "build"

    def test_a_report_for_a_milestone_not_in_the_plan_is_refused(self):
        with pytest.raises(PlanError) as caught:
            actual_progress(PLAN, {"design": Fraction(1), "paint": Fraction(1)})
        assert caught.value.details == {"key": "paint"}


class TestPlannedProgress:
    def test_nothing_is_planned_before_the_first_start(self):
        assert planned_progress(PLAN, date(2026, 3, 31)) == 0

    def test_the_start_day_counts_as_one_whole_day(self):
        assert planned_progress(PLAN, DESIGN.start) == Fraction(1, 5) * Fraction(1, 10)

    def test_inside_a_window_the_elapsed_days_count(self):
        # design done by 10 Apr; build 1 May..30 Sep is 153 days, 31 of them by 31 May
        expected = Fraction(1, 5) + Fraction(3, 5) * Fraction(31, 153)
        assert planned_progress(PLAN, date(2026, 5, 31)) == expected

    def test_on_the_due_day_the_milestone_is_planned_in_full(self):
        assert planned_progress(PLAN, DESIGN.due) == Fraction(1, 5)
        assert planned_progress(PLAN, BUILD.due) == Fraction(4, 5)

    def test_between_milestones_the_plan_holds_still(self):
        assert planned_progress(PLAN, date(2026, 10, 5)) == Fraction(4, 5)

    def test_from_the_last_due_day_on_everything_is_planned(self):
        assert planned_progress(PLAN, ACCEPT.due) == 1
        assert planned_progress(PLAN, date(2027, 3, 1)) == 1

    def test_a_one_day_milestone_is_all_or_nothing(self):
        day = Milestone("day", "验收日", Fraction(1), date(2026, 6, 1), date(2026, 6, 1))
        assert planned_progress([day], date(2026, 5, 31)) == 0
        assert planned_progress([day], date(2026, 6, 1)) == 1


class TestClassify:
    PLANNED = Fraction(1, 2)
    HAIR = Fraction(1, 1000)

    def test_exactly_ten_points_behind_or_ahead_is_still_on_track(self):
        assert classify(Fraction(2, 5), self.PLANNED) == ON_TRACK
        assert classify(Fraction(3, 5), self.PLANNED) == ON_TRACK

    def test_a_hair_beyond_the_tolerance_is_lagging_or_ahead(self):
        assert classify(Fraction(2, 5) - self.HAIR, self.PLANNED) == LAGGING
        assert classify(Fraction(3, 5) + self.HAIR, self.PLANNED) == AHEAD

    def test_the_tolerance_is_in_points(self):
        assert classify(Fraction(44, 100), self.PLANNED, tolerance_points=5) == LAGGING
        assert classify(Fraction(45, 100), self.PLANNED, tolerance_points=5) == ON_TRACK

    def test_zero_tolerance_means_exactly_on_plan(self):
        assert classify(self.PLANNED, self.PLANNED, tolerance_points=0) == ON_TRACK
        assert classify(self.PLANNED - self.HAIR, self.PLANNED, tolerance_points=0) == LAGGING

    def test_a_negative_tolerance_is_refused(self):
        with pytest.raises(PlanError):
            classify(self.PLANNED, self.PLANNED, tolerance_points=-1)

    def test_every_standing_has_its_chinese_name(self):
        assert STANDING_NAMES == {"ahead": "超序时", "on_track": "正常", "lagging": "慢序时"}


class TestShouldFlag:
    def test_three_lagging_reports_in_a_row_are_flagged(self):
        assert should_flag([ON_TRACK, LAGGING, LAGGING, LAGGING])

    def test_a_recovery_in_the_last_three_is_not_flagged(self):
        assert not should_flag([LAGGING, LAGGING, LAGGING, ON_TRACK])
        assert not should_flag([LAGGING, AHEAD, LAGGING, LAGGING])

    def test_fewer_reports_than_needed_are_not_flagged(self):
        assert not should_flag([LAGGING, LAGGING])
        assert not should_flag([])

    def test_the_run_length_is_a_setting(self):
        assert should_flag([LAGGING], consecutive=1)
        assert not should_flag([LAGGING] * 4, consecutive=5)

    def test_a_run_of_zero_is_refused_rather_than_flagging_everything(self):
        with pytest.raises(PlanError):
            should_flag([], consecutive=0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 3), "33.3"),
        (Fraction(2, 3), "66.7"),
        (Fraction(0), "0.0"),
        (Fraction(1), "100.0"),
        (Fraction(7, 20), "35.0"),
        (Fraction(1, 2000), "0.1"),  # 0.05%: half up
        (Fraction(1, 2001), "0.0"),
        (Fraction(1225, 10000), "12.3"),  # 12.25%: half up, not to even
        (Fraction(12249, 100000), "12.2"),
    ],
)
def test_percent_has_one_decimal_rounded_half_up(value, text):
    assert percent(value) == text
