"""The working-day calendar every service computes deadlines with (调休 included): the pure
rules (`days`), the `chinese-calendar` package's published schedules (`bundled`), and the
override table each service keeps in its own database (`overrides`), which admins extend each
year from the State Council's notice. A year neither knows is refused (`UnknownYear`), never
guessed from weekends."""

from .bundled import bundled, from_chinese_calendar
from .days import UnknownYear, WorkCalendar, YearSchedule, is_weekend, merge
from .overrides import (
    CalendarTables,
    calendar_tables,
    put_year,
    schedules,
    work_calendar,
    year_view,
)

__all__ = [
    "CalendarTables",
    "UnknownYear",
    "WorkCalendar",
    "YearSchedule",
    "bundled",
    "calendar_tables",
    "from_chinese_calendar",
    "is_weekend",
    "merge",
    "put_year",
    "schedules",
    "work_calendar",
    "year_view",
]
