"""Working days on the Chinese calendar, with 调休: public holidays move working days, so some
weekdays are off and some Saturdays and Sundays are working days. Pure: the standard library
only, so every service's rules compute with the same calendar (implementation's reminders,
petition's time limits).

Each year's schedule is published by the State Council in late autumn, so a year we hold no
schedule for is refused (`UnknownYear`) rather than guessed from weekends: a due date computed
from plain weekends could fall in the middle of the Spring Festival.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

SATURDAY = 5  # date.weekday(): Monday is 0
ONE_DAY = timedelta(days=1)


class UnknownYear(LookupError):
    def __init__(self, year: int) -> None:
        self.year = year
        self.message = (
            f"尚无 {year} 年节假日安排，无法计算工作日；请在节假日调整表中录入该年安排 "
            f"(no holiday schedule for {year}: add it to the override table)"
        )
        super().__init__(self.message)


def is_weekend(d: date) -> bool:
    return d.weekday() >= SATURDAY


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off (`holidays`, weekdays or not) and make-up working days on a weekend
    (`workdays`, 调休上班)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"{stray[0]} 不在 {self.year} 年 ({stray[0]} is not in {self.year})")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(
                f"{both[0]} 不能既是假日又是调休工作日 ({both[0]} is both a holiday and a workday)"
            )
        weekdays = sorted(d for d in self.workdays if not is_weekend(d))
        if weekdays:
            raise ValueError(
                f"调休工作日 {weekdays[0]} 不是周末 "
                f"(make-up workday {weekdays[0]} is not on a weekend)"
            )


class WorkCalendar:
    """Working days for the years whose schedule we hold."""

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise ValueError(
                    f"{year} 年对应的安排属于 {schedule.year} 年 "
                    f"(the schedule filed under {year} is for {schedule.year})"
                )
        self._schedules = dict(schedules)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self._schedules))

    def is_workday(self, d: date) -> bool:
        schedule = self._schedules.get(d.year)
        if schedule is None:
            raise UnknownYear(d.year)
        if is_weekend(d):
            return d in schedule.workdays
        return d not in schedule.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after `start` (n ≥ 1)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"工作日数须为正整数，收到 {n!r} (n must be an int ≥ 1)")
        day, left = start, n
        while left:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: after `a`, up to and including `b`; 0 when b ≤ a."""
        count, day = 0, a
        while day < b:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count


def merge(
    base: Mapping[int, YearSchedule],
    overrides: Iterable[tuple[date, bool]],
    complete_years: Collection[int] = (),
) -> dict[int, YearSchedule]:
    """The base schedules (e.g. the chinese-calendar package) with our own overrides applied.

    An override (day, is_workday) wins over the base; of two for the same day, the later wins.
    The known years are exactly those in `base` or in `complete_years`: a year declared complete
    but missing from the base starts from plain weekends. Overrides for any other year are left
    out, so that one entered 调休 day cannot make a whole unpublished year look known.
    """
    known = set(base) | set(complete_years)
    holidays = {y: set(base[y].holidays) if y in base else set() for y in known}
    workdays = {y: set(base[y].workdays) if y in base else set() for y in known}
    for day, working in overrides:
        if day.year not in known:
            continue
        if working:
            holidays[day.year].discard(day)
            if is_weekend(day):  # a weekday that is not a holiday is a working day already
                workdays[day.year].add(day)
        else:
            workdays[day.year].discard(day)
            holidays[day.year].add(day)
    return {
        y: YearSchedule(y, frozenset(holidays[y]), frozenset(workdays[y])) for y in sorted(known)
    }
