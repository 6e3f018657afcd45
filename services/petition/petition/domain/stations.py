"""Liaison stations' duty schedules (值班安排: which deputy on which day), pure."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
KINDS = ("home", "station")  # 代表之家, 代表联络站
KIND_NAMES = {"home": "人大代表之家", "station": "人大代表联络站"}


@dataclass(frozen=True)
class DutySlot:
    weekday: int  # ISO: Monday 1 … Sunday 7
    deputy_id: str


class ScheduleError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_schedule(slots: Sequence[DutySlot], known_deputies: Iterable[str]) -> None:
    known = set(known_deputies)
    unknown = sorted({slot.deputy_id for slot in slots} - known)
    if unknown:
        raise ScheduleError(
            f"值班代表不在本站或不存在 (deputies unknown here): {', '.join(unknown)}"
        )
    pairs = [(slot.weekday, slot.deputy_id) for slot in slots]
    if len(set(pairs)) != len(pairs):
        raise ScheduleError("同一代表同一天重复排班 (a deputy twice on one day)")


def on_duty(slots: Iterable[DutySlot], day: date) -> list[str]:
    """The deputies on duty on `day`, in schedule order."""
    return [slot.deputy_id for slot in slots if slot.weekday == day.isoweekday()]
