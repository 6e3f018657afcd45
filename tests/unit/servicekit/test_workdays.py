"""Working days across the 2026 National Day holiday with its make-up Saturday, refusal of a year
with no schedule, and our overrides winning over the published schedule."""

from datetime import date

import pytest
from servicekit.workcalendar import UnknownYear, WorkCalendar, YearSchedule, merge

from tests.support.schedule_2026 import SCHEDULE_2026, calendar_2026

CALENDAR = calendar_2026()


class TestIsWorkday:
    @pytest.mark.parametrize("day", range(1, 8))
    def test_national_day_week_is_off_weekdays_included(self, day):
        assert not CALENDAR.is_workday(date(2026, 10, day))

    def test_the_make_up_saturday_after_national_day_is_a_working_day(self):
        assert date(2026, 10, 10).weekday() == 5
        assert CALENDAR.is_workday(date(2026, 10, 10))
        assert not CALENDAR.is_workday(date(2026, 10, 11))  # the Sunday after is an ordinary one

    def test_the_make_up_sunday_before_mid_autumn_is_a_working_day(self):
        assert CALENDAR.is_workday(date(2026, 9, 20))

    def test_the_thursday_after_the_holiday_is_an_ordinary_working_day(self):
        assert CALENDAR.is_workday(date(2026, 10, 8))

    def test_an_ordinary_week_is_monday_to_friday(self):
        week = [CALENDAR.is_workday(date(2026, 6, d)) for d in range(8, 15)]
        assert week == [True] * 5 + [False] * 2

    def test_a_year_with_no_schedule_is_refused_in_chinese_first(self):
        with pytest.raises(UnknownYear) as caught:
            CALENDAR.is_workday(date(2027, 1, 4))
        assert caught.value.year == 2027
        assert str(caught.value) == (
            "尚无 2027 年节假日安排，无法计算工作日；请在节假日调整表中录入该年安排 "
            "(no holiday schedule for 2027: add it to the override table)"
        )
        assert isinstance(caught.value, LookupError)

    def test_years_lists_what_is_known(self):
        assert CALENDAR.years == (2026,)


class TestCounting:
    def test_one_working_day_after_the_last_september_working_day_skips_the_holiday(self):
        assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)

    def test_the_make_up_saturday_is_counted(self):
        assert CALENDAR.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
        assert CALENDAR.add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)

    def test_counting_starts_strictly_after_the_start_day(self):
        assert CALENDAR.add_working_days(date(2026, 6, 8), 1) == date(2026, 6, 9)

    def test_zero_or_negative_days_are_refused(self):
        with pytest.raises(ValueError, match="n must be an int"):
            CALENDAR.add_working_days(date(2026, 6, 8), 0)

    def test_counting_into_an_unknown_year_is_refused(self):
        with pytest.raises(UnknownYear):
            CALENDAR.add_working_days(date(2026, 12, 30), 5)

    def test_working_days_between_counts_the_end_day_not_the_start_day(self):
        assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
        assert CALENDAR.working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0
        assert CALENDAR.working_days_between(date(2026, 10, 9), date(2026, 10, 8)) == 0
        assert CALENDAR.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0

    def test_both_counts_agree(self):
        end = CALENDAR.add_working_days(date(2026, 1, 1), 200)
        assert CALENDAR.working_days_between(date(2026, 1, 1), end) == 200


class TestSchedule:
    def test_a_make_up_workday_must_be_on_a_weekend(self):
        with pytest.raises(ValueError, match="not on a weekend"):
            YearSchedule(2026, frozenset(), frozenset({date(2026, 10, 8)}))

    def test_a_day_cannot_be_both_off_and_working(self):
        day = date(2026, 10, 10)
        with pytest.raises(ValueError, match="both"):
            YearSchedule(2026, frozenset({day}), frozenset({day}))

    def test_days_must_belong_to_the_year(self):
        with pytest.raises(ValueError, match="not in 2026"):
            YearSchedule(2026, frozenset({date(2027, 1, 1)}), frozenset())

    def test_a_schedule_must_be_filed_under_its_own_year(self):
        with pytest.raises(ValueError, match="filed under 2027"):
            WorkCalendar({2027: SCHEDULE_2026})


class TestMerge:
    def test_an_override_wins_over_the_published_schedule(self):
        merged = WorkCalendar(
            merge(
                {2026: SCHEDULE_2026},
                [
                    (date(2026, 10, 7), True),
                    (date(2026, 10, 10), False),
                    (date(2026, 10, 9), False),
                ],
            )
        )
        assert merged.is_workday(date(2026, 10, 7))
        assert not merged.is_workday(date(2026, 10, 10))
        assert not merged.is_workday(date(2026, 10, 9))
        assert not merged.is_workday(date(2026, 10, 6))  # untouched days keep the base

    def test_an_override_making_a_sunday_a_working_day_is_recorded_as_make_up(self):
        merged = merge({2026: SCHEDULE_2026}, [(date(2026, 10, 11), True)])
        assert date(2026, 10, 11) in merged[2026].workdays

    def test_the_later_of_two_overrides_for_a_day_wins(self):
        day = date(2026, 6, 10)
        merged = WorkCalendar(merge({2026: SCHEDULE_2026}, [(day, False), (day, True)]))
        assert merged.is_workday(day)

    def test_a_year_declared_complete_starts_from_weekends_plus_its_overrides(self):
        overrides = [(date(2027, 1, 1), False), (date(2027, 2, 20), True)]
        merged = WorkCalendar(merge({2026: SCHEDULE_2026}, overrides, complete_years={2027}))
        assert merged.years == (2026, 2027)
        assert not merged.is_workday(date(2027, 1, 1))  # a Friday, off by override
        assert merged.is_workday(date(2027, 2, 20))  # a Saturday, working by override
        assert merged.is_workday(date(2027, 1, 4))

    def test_overrides_alone_do_not_make_a_year_known(self):
        merged = merge({2026: SCHEDULE_2026}, [(date(2027, 1, 1), False)])
        assert set(merged) == {2026}
        with pytest.raises(UnknownYear):
            WorkCalendar(merged).is_workday(date(2027, 1, 1))

    def test_the_base_is_left_as_it_was(self):
        merge({2026: SCHEDULE_2026}, [(date(2026, 10, 7), True)])
        assert date(2026, 10, 7) in SCHEDULE_2026.holidays
