"""Time limits, the working-day calendar's override table, reminders and figures."""

from typing import Any

from contracts import calendar as calendar_contract
from contracts import time_limits as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import calendar, reminders, reports, timelimits

REMINDER_INTERVAL_SECONDS = 3600  # hourly: each step is recorded once, so running often is safe
YEARS = range(2004, 2101)


def _year(year: Any) -> int:
    if not isinstance(year, int) or year not in YEARS:
        raise NotFound("年份超出范围 (year out of range)")
    return year


class SettingsEntrypoints:
    """Mixed into PetitionService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def get_time_limits(self, area_code: str) -> dict[str, Any]:
        """ "150622" -> the rules that apply there (its own, inherited, or the defaults)"""
        return timelimits.get_time_limits(self.db, self.auth, area_code)

    @rpc
    def put_time_limits(self, area_code: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "150622", {"rules": [{"stage", "applies_to", "limit", "unit", "starts"}], …}"""
        data = load(contract.TimeLimitsIn, payload)
        return timelimits.put_time_limits(self.db, self.auth, area_code, data, utcnow())

    @rpc
    def put_petition_calendar_year(self, year: int, payload: dict[str, Any]) -> dict[str, Any]:
        """2027, {"holidays": [...], "workdays": [...], "document_ref"} -> that year, known"""
        data = load(calendar_contract.CalendarYearIn, payload)
        return calendar.put_year(self.db, self.auth, _year(year), data, utcnow())

    @rpc
    def get_petition_calendar_year(self, year: int) -> dict[str, Any]:
        return calendar.get_year(self.db, self.auth, _year(year))

    @rpc
    def run_matter_reminders(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code"} -> the 催办/通报 steps sent now (the hourly job does the same)"""
        data = load(contract.MatterRemindersRun, payload)
        return reminders.run_matter_reminders(self.db, self.outbox, self.auth, data, utcnow())

    @timer(interval=REMINDER_INTERVAL_SECONDS)
    def send_matter_reminders(self) -> None:
        reminders.hourly(self.db, self.outbox, self.auth.level, utcnow())

    @rpc
    def get_petition_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"?} -> the figures of the area and of each area under it"""
        return reports.get_petition_report(
            self.db, self.auth, load(contract.PetitionReportQuery, query)
        )
