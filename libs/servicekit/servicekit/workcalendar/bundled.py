"""The Chinese holiday schedules (调休 included) from the `chinese-calendar` package, as
`YearSchedule`s. Apart from `days` because that module imports the standard library only.

The package lists every day off of a holiday span, weekend days included, in `holidays`, and the
make-up working days on a weekend in `workdays`: exactly what `YearSchedule` holds. Its data ends
with the last year the State Council has published (2026 in 1.11.0); later years come from the
override table (`days.merge`).
"""

from functools import cache

import chinese_calendar

from .days import YearSchedule


@cache
def bundled() -> dict[int, YearSchedule]:
    """The package's schedules, read once per process."""
    return from_chinese_calendar()


def from_chinese_calendar() -> dict[int, YearSchedule]:
    """A schedule for every year the installed package knows."""
    known_days = chinese_calendar.holidays.keys() | chinese_calendar.workdays.keys()
    years = {d.year for d in known_days}
    return {
        year: YearSchedule(
            year,
            frozenset(d for d in chinese_calendar.holidays if d.year == year),
            frozenset(d for d in chinese_calendar.workdays if d.year == year),
        )
        for year in sorted(years)
    }
