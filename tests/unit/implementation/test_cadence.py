"""Reporting periods across a year boundary and ISO week 53, and their due dates in working days."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from implementation.domain.cadence import (
    CADENCE_NAMES,
    DEFAULT_DUE_WORKING_DAYS,
    DEFAULT_OWNERS,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    Period,
    due_date,
    parse_period,
    period_of,
    periods,
)
from implementation.domain.plan import PlanError
from servicekit.workcalendar import UnknownYear

from tests.support.schedule_2026 import calendar_2026

CALENDAR = calendar_2026()


class TestPeriodOf:
    def test_iso_weeks_run_monday_to_sunday(self):
        assert period_of(WEEKLY, date(2026, 4, 1)) == Period(
            WEEKLY, "2026-W14", date(2026, 3, 30), date(2026, 4, 5)
        )

    def test_2026_has_a_week_53_reaching_into_2027(self):
        expected = Period(WEEKLY, "2026-W53", date(2026, 12, 28), date(2027, 1, 3))
        assert period_of(WEEKLY, date(2026, 12, 31)) == expected
        assert period_of(WEEKLY, date(2027, 1, 3)) == expected
        assert period_of(WEEKLY, date(2027, 1, 4)).key == "2027-W01"

    def test_the_first_days_of_2026_belong_to_2026_w01(self):
        # 1 Jan 2026 is a Thursday, so its week is week 1 of 2026
        assert period_of(WEEKLY, date(2026, 1, 1)).start == date(2025, 12, 29)
        assert period_of(WEEKLY, date(2026, 1, 1)).key == "2026-W01"

    def test_months_and_quarters(self):
        assert period_of(MONTHLY, date(2026, 2, 14)) == Period(
            MONTHLY, "2026-02", date(2026, 2, 1), date(2026, 2, 28)
        )
        assert period_of(MONTHLY, date(2026, 12, 31)).end == date(2026, 12, 31)
        assert period_of(QUARTERLY, date(2026, 5, 20)) == Period(
            QUARTERLY, "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)
        )
        assert period_of(QUARTERLY, date(2026, 10, 1)).end == date(2026, 12, 31)

    def test_an_unknown_cadence_is_refused(self):
        with pytest.raises(PlanError, match="cadence must be one of"):
            period_of("daily", date(2026, 1, 1))


class TestPeriods:
    def test_weeks_across_the_year_boundary(self):
        keys = [p.key for p in periods(WEEKLY, date(2026, 12, 20), date(2027, 1, 5))]
        assert keys == ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]

    def test_partial_periods_at_both_ends_are_included(self):
        found = periods(QUARTERLY, date(2026, 3, 31), date(2027, 1, 1))
        assert [p.key for p in found] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]

    def test_months_follow_each_other_without_gaps(self):
        found = periods(MONTHLY, date(2026, 1, 15), date(2026, 12, 1))
        assert len(found) == 12
        assert all(a.end + timedelta(days=1) == b.start for a, b in pairwise(found))

    def test_a_one_day_plan_has_one_period_of_each_cadence(self):
        day = date(2026, 7, 1)
        assert [len(periods(c, day, day)) for c in (WEEKLY, MONTHLY, QUARTERLY)] == [1, 1, 1]

    def test_no_period_when_the_range_is_empty(self):
        assert periods(MONTHLY, date(2026, 2, 1), date(2026, 1, 31)) == []


class TestParsePeriod:
    @pytest.mark.parametrize(
        ("cadence", "key", "start"),
        [
            (WEEKLY, "2026-W53", date(2026, 12, 28)),
            (WEEKLY, "2026-W14", date(2026, 3, 30)),
            (MONTHLY, "2026-04", date(2026, 4, 1)),
            (QUARTERLY, "2026-Q2", date(2026, 4, 1)),
        ],
    )
    def test_a_key_names_its_period(self, cadence, key, start):
        period = parse_period(cadence, key)
        assert (period.key, period.start) == (key, start)

    @pytest.mark.parametrize(
        ("cadence", "key"),
        [
            (WEEKLY, "2027-W53"),  # 2027 has 52 weeks
            (WEEKLY, "2026-W00"),
            (WEEKLY, "2026-W1"),
            (MONTHLY, "2026-13"),
            (MONTHLY, "2026-4"),
            (MONTHLY, "２０２６-04"),
            (QUARTERLY, "2026-Q5"),
            (QUARTERLY, "2026-04"),
        ],
    )
    def test_keys_naming_no_period_are_refused(self, cadence, key):
        with pytest.raises(PlanError) as caught:
            parse_period(cadence, key)
        assert caught.value.details == {"cadence": cadence, "key": key}


class TestDueDates:
    def test_the_defaults(self):
        assert DEFAULT_DUE_WORKING_DAYS == {WEEKLY: 1, MONTHLY: 3, QUARTERLY: 5}
        assert CADENCE_NAMES == {WEEKLY: "周调度", MONTHLY: "月调度", QUARTERLY: "季调度"}
        assert DEFAULT_OWNERS == {
            WEEKLY: "lead_department",
            MONTHLY: "lead_leader",
            QUARTERLY: "leading_group",
        }

    def test_an_ordinary_week_is_due_the_next_monday(self):
        assert due_date(parse_period(WEEKLY, "2026-W24"), 1, CALENDAR) == date(2026, 6, 15)

    def test_the_week_ending_in_national_day_is_due_the_day_after_the_holiday(self):
        week = period_of(WEEKLY, date(2026, 10, 1))
        assert due_date(week, DEFAULT_DUE_WORKING_DAYS[WEEKLY], CALENDAR) == date(2026, 10, 8)

    def test_september_is_due_on_the_make_up_saturday(self):
        month = parse_period(MONTHLY, "2026-09")
        assert due_date(month, DEFAULT_DUE_WORKING_DAYS[MONTHLY], CALENDAR) == date(2026, 10, 10)

    def test_the_third_quarter_is_due_after_the_holiday_and_the_make_up_saturday(self):
        quarter = parse_period(QUARTERLY, "2026-Q3")
        # 8, 9, 10 (Saturday, working), 12, 13 October
        five = DEFAULT_DUE_WORKING_DAYS[QUARTERLY]
        assert due_date(quarter, five, CALENDAR) == date(2026, 10, 13)

    def test_a_due_date_in_a_year_without_schedule_is_refused(self):
        with pytest.raises(UnknownYear) as caught:
            due_date(parse_period(WEEKLY, "2026-W53"), 1, CALENDAR)
        assert caught.value.year == 2027
