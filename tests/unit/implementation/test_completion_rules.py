"""The completion KPI and the problem list's moves, at their edges."""

from datetime import date
from fractions import Fraction

import pytest
from implementation.domain.completion import (
    TARGET,
    ProjectOutcome,
    completion_rate,
    forecast,
    meets_target,
)
from implementation.domain.problems import ProblemError, can_close, is_overdue, transition


def outcome(n: int, done: date | None = None, carried=False, standing=None, year=2026):
    return ProjectOutcome(f"p{n}", year, done, carried, standing)


class TestCompletion:
    def test_nine_of_ten_with_one_carried_over_is_ninety_percent(self):
        outcomes = [outcome(n, date(2026, 11, 30)) for n in range(9)]
        outcomes.append(outcome(9, date(2027, 5, 1), carried=True))
        assert completion_rate(outcomes, 2026) == Fraction(9, 10)
        assert not meets_target(Fraction(9, 10)) and meets_target(TARGET)

    def test_completed_on_new_years_day_counts_as_not_completed(self):
        outcomes = [outcome(1, date(2026, 12, 31)), outcome(2, date(2027, 1, 1))]
        assert completion_rate(outcomes, 2026) == Fraction(1, 2)

    def test_a_carried_over_project_completed_in_its_year_still_counts_not_completed(self):
        assert completion_rate([outcome(1, date(2026, 12, 1), carried=True)], 2026) == 0

    def test_no_projects_is_no_rate_and_other_years_do_not_count(self):
        assert completion_rate([], 2026) is None
        assert completion_rate([outcome(1, date(2025, 6, 1), year=2025)], 2026) is None

    def test_the_forecast_falls_short_by_the_lagging_list(self):
        outcomes = [
            outcome(1, date(2026, 6, 1)),
            outcome(2, standing="on_track"),
            outcome(3, standing="ahead"),
            outcome(4, standing=None),  # not reported yet: expected to finish
            outcome(5, standing="lagging"),
            outcome(6, carried=True, standing="on_track"),
        ]
        assert forecast(outcomes, 2026) == Fraction(4, 6)
        assert completion_rate(outcomes, 2026) == Fraction(1, 6)


class TestProblems:
    def test_the_legal_moves(self):
        assert transition("open", "start") == "in_progress"
        assert transition("in_progress", "resolve") == "resolved"
        assert transition("resolved", "close") == "closed"
        assert transition("resolved", "reopen") == "in_progress"

    @pytest.mark.parametrize(
        ("state", "action"),
        [("open", "close"), ("open", "resolve"), ("closed", "reopen"), ("closed", "start"),
         ("in_progress", "close"), ("open", "explode")],
    )  # fmt: skip
    def test_illegal_moves_name_the_state_and_the_action(self, state, action):
        with pytest.raises(ProblemError) as refused:
            transition(state, action)
        assert state in refused.value.message and action in refused.value.message

    def test_closing_needs_the_threshold_only_when_there_is_one(self):
        assert can_close(None, None) and can_close(Fraction(1, 2), None)
        assert not can_close(None, Fraction(9, 10))
        assert not can_close(Fraction(89, 100), Fraction(9, 10))
        assert can_close(Fraction(9, 10), Fraction(9, 10))

    def test_overdue_only_while_still_to_fix_and_only_after_the_due_day(self):
        due = date(2026, 5, 15)
        assert not is_overdue("open", due, due)
        assert is_overdue("open", due, date(2026, 5, 16))
        assert is_overdue("in_progress", due, date(2026, 5, 16))
        assert not is_overdue("resolved", due, date(2026, 6, 1))
