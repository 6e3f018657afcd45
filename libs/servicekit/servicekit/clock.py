"""UTC everywhere inside (people see Asia/Shanghai; the domain formats that itself)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from . import config

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def business_date() -> date:
    """Today in Beijing, the date people put on a report, a payment or an acceptance; in
    development the made-up MINSHENG_TODAY instead (config.dev_today: only with
    MINSHENG_DEV=1, else ConfigError)."""
    return config.dev_today() or datetime.now(BEIJING).date()


def business_date_of(now: datetime) -> date:
    """`business_date` for a use case handed its `now`: that moment's date in Beijing, or the
    development clock's MINSHENG_TODAY when one is set."""
    return config.dev_today() or now.astimezone(BEIJING).date()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
