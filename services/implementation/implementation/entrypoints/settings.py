"""The working-day calendar's override table and an area's parameters of judgement."""

from typing import Any

from contracts import implementation as contract
from servicekit.clock import utcnow
from servicekit.errors import NotFound
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import calendar, settings

YEARS = range(2004, 2101)


def _year(year: Any) -> int:
    if not isinstance(year, int) or year not in YEARS:
        raise NotFound("年份超出范围 (year out of range)")
    return year


class SettingsEntrypoints:
    """Mixed into ImplementationService, which provides `db` and `auth`."""

    db: Any
    auth: Any

    @rpc
    def put_calendar_year(self, year: int, payload: dict[str, Any]) -> dict[str, Any]:
        """2027, {"holidays": [...], "workdays": [...], "document_ref"} -> that year, known"""
        data = load(contract.CalendarYearIn, payload)
        return calendar.put_year(self.db, self.auth, _year(year), data, utcnow())

    @rpc
    def get_calendar_year(self, year: int) -> dict[str, Any]:
        return calendar.get_year(self.db, self.auth, _year(year))

    @rpc
    def put_area_settings(self, area_code: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.AreaSettingsIn, payload)
        return settings.put_area_settings(self.db, self.auth, area_code, data, utcnow())

    @rpc
    def get_area_settings(self, area_code: str) -> dict[str, Any]:
        return settings.get_area_settings(self.db, self.auth, area_code)
