"""The working-day calendar as the rules see it. The calendar itself is shared by every service
(servicekit.workcalendar: the Chinese schedules with 调休 and each service's override table);
the domain imports the standard library only, so it names what it uses of one here."""

from datetime import date
from typing import Protocol


class WorkCalendar(Protocol):
    """Working days for the years whose schedule is known; any other year raises
    servicekit.workcalendar.UnknownYear (a LookupError), never a guess from weekends."""

    def is_workday(self, d: date) -> bool: ...

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after `start` (n ≥ 1)."""
        ...

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: after `a`, up to and including `b`; 0 when b ≤ a."""
        ...
