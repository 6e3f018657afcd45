"""The chinese-calendar package's data as our schedules: through 2026, and not beyond."""

from datetime import date

import pytest
from servicekit.workcalendar import UnknownYear, WorkCalendar, from_chinese_calendar

from tests.support.schedule_2026 import SCHEDULE_2026

SCHEDULES = from_chinese_calendar()


def test_the_package_knows_2026_and_not_2027():
    assert 2026 in SCHEDULES and 2027 not in SCHEDULES
    with pytest.raises(UnknownYear):
        WorkCalendar(SCHEDULES).is_workday(date(2027, 1, 4))


def test_national_day_is_off_and_the_make_up_saturday_is_working():
    calendar = WorkCalendar(SCHEDULES)
    assert not calendar.is_workday(date(2026, 10, 1))
    assert calendar.is_workday(date(2026, 10, 10))


def test_the_test_fixture_is_the_package_data():
    assert SCHEDULES[2026] == SCHEDULE_2026


def test_every_year_from_2004_is_covered():
    assert list(SCHEDULES) == list(range(2004, 2027))
