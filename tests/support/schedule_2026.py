"""The 2026 holiday schedule as the chinese-calendar package 1.11.0 holds it (copied from its
data, so the rule tests do not move with the installed package): days off, weekend days of a
holiday span included, and the make-up working days on a weekend (调休上班). Implementation's
and petition's rule tests compute with it.

National Day and Mid-Autumn are separate in 2026: 25–27 Sep (Fri–Sun) and 1–7 Oct (Thu–Wed)
off; Sunday 20 Sep and Saturday 10 Oct are working days.
"""

from datetime import date

from servicekit.workcalendar import WorkCalendar, YearSchedule


def _span(month: int, first: int, last: int) -> list[date]:
    return [date(2026, month, day) for day in range(first, last + 1)]


HOLIDAYS_2026 = frozenset(
    _span(1, 1, 3)  # New Year's Day
    + _span(2, 15, 23)  # Spring Festival
    + _span(4, 4, 6)  # Tomb-sweeping Day
    + _span(5, 1, 5)  # Labour Day
    + _span(6, 19, 21)  # Dragon Boat Festival
    + _span(9, 25, 27)  # Mid-autumn Festival
    + _span(10, 1, 7)  # National Day
)
WORKDAYS_2026 = frozenset(
    [
        date(2026, 1, 4),  # Sunday, for New Year's Day
        date(2026, 2, 14),  # Saturday, Spring Festival
        date(2026, 2, 28),  # Saturday, Spring Festival
        date(2026, 5, 9),  # Saturday, Labour Day
        date(2026, 9, 20),  # Sunday, National Day
        date(2026, 10, 10),  # Saturday, National Day
    ]
)
SCHEDULE_2026 = YearSchedule(2026, HOLIDAYS_2026, WORKDAYS_2026)


def calendar_2026() -> WorkCalendar:
    return WorkCalendar({2026: SCHEDULE_2026})
