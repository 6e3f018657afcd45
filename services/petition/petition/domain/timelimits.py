"""Time limits (办理时限) as data: rules per area, versioned by the service, pure here.

A rule is (stage, applies_to, limit, unit, starts):
- stage: `accept` (受理或转送), `first_contact` (a deputy's acceptance of a matter addressed to
  them — the faster local default), `handle` (from acceptance to resolution);
- applies_to: `*`, a tier (direct / diversion / joint) or a category; the most specific wins:
  category, then tier, then `*`;
- unit: `workday` (on the Chinese calendar with 调休) or `calendar_day`;
- starts: `received` (the day itself is day 1) or `next_day` (counting starts the day after, as
  periods in law are counted).

The defaults follow the 信访工作条例: accept or forward within 15 days, handle within 60,
extendable once by up to 30 with a reason; a deputy's first contact within 3 working days.
Every number is a configurable default, not law.

Reminders: 催办 (urge) before a time limit runs out, 通报 (circulate) after, 通报上级 once it is
well past: each step at a signed distance from the due day in the rule's unit (−2: two units
before; 1: the first unit after), sent once, in order, a missed run catching up.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Protocol

ACCEPT, FIRST_CONTACT, HANDLE = "accept", "first_contact", "handle"
STAGES = (ACCEPT, FIRST_CONTACT, HANDLE)
STAGE_NAMES = {ACCEPT: "受理时限", FIRST_CONTACT: "代表首次联系时限", HANDLE: "办理时限"}
WORKDAY, CALENDAR_DAY = "workday", "calendar_day"
UNITS = (WORKDAY, CALENDAR_DAY)
RECEIVED_DAY, NEXT_DAY = "received", "next_day"
STARTS = (RECEIVED_DAY, NEXT_DAY)
ANY = "*"
MAX_LIMIT = 366

URGE, CIRCULATE, CIRCULATE_UP = "urge", "circulate", "circulate_upper"
STEP_NAMES = {URGE: "催办", CIRCULATE: "通报", CIRCULATE_UP: "通报上级"}


class WorkCalendar(Protocol):
    """The shared calendar (servicekit.workcalendar) as these rules use it; a year it does not
    know raises its UnknownYear (a LookupError)."""

    def is_workday(self, d: date) -> bool: ...

    def add_working_days(self, start: date, n: int) -> date: ...

    def working_days_between(self, a: date, b: date) -> int: ...


class RuleError(ValueError):
    def __init__(self, message: str, field: str = "rules") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Rule:
    stage: str
    applies_to: str
    limit: int
    unit: str
    starts: str

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "applies_to": self.applies_to,
            "limit": self.limit,
            "unit": self.unit,
            "starts": self.starts,
        }


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    max_extension: int = 30  # 延期: once, at most this many units of the handle rule
    steps: tuple[tuple[str, int], ...] = ((URGE, -2), (CIRCULATE, 1), (CIRCULATE_UP, 5))


DEFAULT_RULES = RuleSet(
    (
        Rule(ACCEPT, ANY, 15, CALENDAR_DAY, NEXT_DAY),
        Rule(FIRST_CONTACT, ANY, 3, WORKDAY, NEXT_DAY),
        Rule(HANDLE, ANY, 60, CALENDAR_DAY, NEXT_DAY),
    )
)


def check(rule_set: RuleSet, subjects: Collection[str]) -> None:
    """Refuse a rule set that could not answer every matter, or answers one two ways."""
    seen: set[tuple[str, str]] = set()
    for rule in rule_set.rules:
        _check_rule(rule, subjects)
        key = (rule.stage, rule.applies_to)
        if key in seen:
            raise RuleError(f"规则重复：{rule.stage} / {rule.applies_to} (a rule given twice)")
        seen.add(key)
    missing = [stage for stage in STAGES if (stage, ANY) not in seen]
    if missing:
        raise RuleError(
            f"每个阶段须有适用于全部（*）的规则，缺：{'、'.join(missing)} "
            f"(every stage needs a rule for '*'; missing: {', '.join(missing)})"
        )
    if not 0 <= rule_set.max_extension <= MAX_LIMIT:
        raise RuleError(f"延期上限应在 0 到 {MAX_LIMIT} 之间", "max_extension")
    check_steps(rule_set.steps)


def _check_rule(rule: Rule, subjects: Collection[str]) -> None:
    if rule.stage not in STAGES or rule.unit not in UNITS or rule.starts not in STARTS:
        raise RuleError(f"未知的阶段、单位或起算方式 (unknown stage, unit or start): {rule}")
    if rule.applies_to != ANY and rule.applies_to not in subjects:
        raise RuleError(f"未知的适用对象 (neither a tier nor a category): {rule.applies_to}")
    if isinstance(rule.limit, bool) or not 1 <= rule.limit <= MAX_LIMIT:
        raise RuleError(f"时限应在 1 到 {MAX_LIMIT} 之间 (limit 1-{MAX_LIMIT}): {rule.limit}")


def check_steps(steps: Sequence[tuple[str, int]]) -> None:
    names = [name for name, _ in steps]
    thresholds = [threshold for _, threshold in steps]
    if (
        not steps
        or len(set(names)) != len(names)
        or any(name not in STEP_NAMES for name in names)
        or any(isinstance(t, bool) or not isinstance(t, int) for t in thresholds)
        or not all(a < b for a, b in pairwise(thresholds))
    ):
        raise RuleError(
            "提醒步骤须为 催办/通报/通报上级，不重复，阈值为整数且逐级递增 "
            "(steps: known, distinct, int thresholds strictly increasing)",
            "steps",
        )


def pick(rule_set: RuleSet, stage: str, tier: str | None, category: str | None) -> Rule:
    """The rule of `stage` for a matter: its category's, else its tier's, else the `*` one."""
    by_subject = {rule.applies_to: rule for rule in rule_set.rules if rule.stage == stage}
    for subject in (category, tier, ANY):
        if subject is not None and subject in by_subject:
            return by_subject[subject]
    raise RuleError(f"没有适用于 {stage} 的规则 (no rule for {stage})")


def due_date(start: date, rule: Rule, calendar: WorkCalendar) -> date:
    """The last day of the time limit counted from `start` (the day received or accepted)."""
    if rule.unit == CALENDAR_DAY:
        first = start if rule.starts == RECEIVED_DAY else start + timedelta(days=1)
        return first + timedelta(days=rule.limit - 1)
    if rule.starts == RECEIVED_DAY and calendar.is_workday(start):
        return start if rule.limit == 1 else calendar.add_working_days(start, rule.limit - 1)
    return calendar.add_working_days(start, rule.limit)


def extended_due(due: date, days: int, rule: Rule, calendar: WorkCalendar) -> date:
    """The due day `days` units of `rule` later (延期)."""
    if days == 0:
        return due
    if rule.unit == CALENDAR_DAY:
        return due + timedelta(days=days)
    return calendar.add_working_days(due, days)


def check_extension(days: int, rule_set: RuleSet) -> None:
    if not 1 <= days <= rule_set.max_extension:
        raise RuleError(
            f"延期应为 1 到 {rule_set.max_extension} 天 "
            f"(an extension of 1-{rule_set.max_extension} days)",
            "days",
        )


def distance(due: date, today: date, unit: str, calendar: WorkCalendar) -> int:
    """Where `today` stands from the due day, in units: 0 on it, −n n units before, +n after."""
    if unit == CALENDAR_DAY:
        return (today - due).days
    if today <= due:
        return -calendar.working_days_between(today, due)
    return calendar.working_days_between(due, today)


def steps_reached(
    due: date, today: date, unit: str, calendar: WorkCalendar, steps: Iterable[tuple[str, int]]
) -> list[str]:
    """Every step whose threshold `today` has reached, in order."""
    where = distance(due, today, unit, calendar)
    return [name for name, threshold in steps if where >= threshold]


def steps_to_send(already: Collection[str], reached: Iterable[str]) -> list[str]:
    return [step for step in reached if step not in already]


def overdue(due: date | None, today: date) -> bool:
    return due is not None and today > due
