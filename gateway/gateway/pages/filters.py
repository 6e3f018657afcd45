"""What templates show of raw API values: money in yuan, dates and times in China's time,
states in Chinese."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from contracts.supervision import public_code_for

CHINA = ZoneInfo("Asia/Shanghai")


def yuan(fen: Any) -> str:
    """Fen (the API's unit) as yuan with thousands separators: 1234500 -> 12,345.00 元."""
    if fen is None:
        return "—"
    return f"{int(fen) / 100:,.2f} 元"


def wan_yuan(fen: Any) -> str:
    """Fen as 万元, the unit project budgets are read in."""
    if fen is None:
        return "—"
    return f"{int(fen) / 1_000_000:,.2f} 万元"


def local_time(text: Any) -> str:
    """An ISO timestamp from the API as Beijing time, to the minute."""
    if not text:
        return "—"
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA)
    return moment.strftime("%Y-%m-%d %H:%M")


def percent(value: Any, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def project_page(project_id: str) -> str:
    """The project's public page (its site sign's QR code): `/p/<public code>`, the code
    derived from the id as supervision derives it."""
    return f"/p/{public_code_for(project_id)}"


def or_dash(value: Any) -> Any:
    return "—" if value in (None, "") else value


FILTERS = {
    "yuan": yuan,
    "wan_yuan": wan_yuan,
    "local_time": local_time,
    "percent": percent,
    "or_dash": or_dash,
    "project_page": project_page,
}
