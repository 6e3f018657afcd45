"""The task decomposition plan (任务分解方案): weighted milestones, targets, and what makes a plan
acceptable.

Weights are exact fractions of 1 (`fractions.Fraction`): a plan's weights must add up to exactly
1, so that progress rolled up from the milestones is a true share of the whole project and no
rounding can hide a missing milestone.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

# ASCII digits only: `\d` would also accept "１" or "٣", which no one means as a weight.
_WEIGHT_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]+/[0-9]+")
# Long enough for "0.333333333333" or "17/120"; short enough that no one can make us parse a
# megabyte of digits.
MAX_WEIGHT_TEXT = 32


class PlanError(ValueError):
    """A plan, report or setting the rules refuse; `message` is for people, `details` for APIs."""

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    weight: Fraction  # share of the whole project, 0 < weight ≤ 1
    start: date
    due: date


@dataclass(frozen=True)
class Target:
    """A target task (目标任务) with its quantity, e.g. 改造老旧小区 12 个."""

    task: str
    quantity: int
    unit: str


def parse_weight(text: str) -> Fraction:
    """A weight typed by a person: "0.25", "1/3" or "1"; exactly, never through a float."""
    if not isinstance(text, str) or len(text) > MAX_WEIGHT_TEXT:
        raise PlanError(
            f"权重须为不超过 {MAX_WEIGHT_TEXT} 个字符的文本 "
            f"(a weight is text of at most {MAX_WEIGHT_TEXT} characters)",
            {"weight": str(text)[:MAX_WEIGHT_TEXT]},
        )
    if not _WEIGHT_PATTERN.fullmatch(text):
        raise PlanError(
            f"无法识别的权重 {text!r}，请写成 0.25、1/3 或 1 "
            f"(weight {text!r}: write it as 0.25, 1/3 or 1)",
            {"weight": text},
        )
    _, slash, denominator = text.partition("/")
    if slash and int(denominator) == 0:
        raise PlanError(
            f"权重 {text} 的分母为零 (weight {text}: zero denominator)", {"weight": text}
        )
    weight = Fraction(text)
    if not 0 < weight <= 1:
        raise PlanError(
            f"权重须大于 0 且不超过 1，收到 {text} (weight must be in (0, 1], got {text})",
            {"weight": text},
        )
    return weight


def validate_plan(
    milestones: Sequence[Milestone],
    start: date,
    deadline: date,
    year: int,
    carried_over: bool = False,
) -> None:
    """Raise PlanError on the first problem, checked in the order a person would fix them.

    The deadline must fall in the plan's `year` (当年完成); a project carried over (跨年结转)
    may run until the end of the next year.
    """
    if not milestones:
        raise PlanError("计划至少须有一个里程碑 (a plan needs at least one milestone)")
    _check_keys(milestones)
    if start > deadline:
        raise PlanError(
            f"计划开始日期 {start} 晚于完成时限 {deadline} "
            f"(the plan starts on {start}, after its deadline {deadline})",
            {"start": start.isoformat(), "deadline": deadline.isoformat()},
        )
    _check_deadline(deadline, year, carried_over)
    for milestone in milestones:
        _check_window(milestone, start, deadline)
    for milestone in milestones:
        _check_weight(milestone)
    _check_weights_sum(milestones)


def _check_keys(milestones: Sequence[Milestone]) -> None:
    seen: set[str] = set()
    for milestone in milestones:
        if not isinstance(milestone.key, str) or not milestone.key:
            raise PlanError("里程碑编号不能为空 (a milestone key must be a non-empty string)")
        if milestone.key in seen:
            raise PlanError(
                f"里程碑编号重复：{milestone.key} (duplicate milestone key {milestone.key!r})",
                {"key": milestone.key},
            )
        seen.add(milestone.key)


def _check_deadline(deadline: date, year: int, carried_over: bool) -> None:
    latest = date(year + 1 if carried_over else year, 12, 31)
    if deadline <= latest:
        return
    details = {"deadline": deadline.isoformat(), "latest": latest.isoformat()}
    if carried_over:
        raise PlanError(
            f"跨年结转项目的完成时限 {deadline} 晚于 {latest} "
            f"(a carried-over project's deadline {deadline} is after {latest})",
            details,
        )
    raise PlanError(
        f"完成时限 {deadline} 超出 {year} 年底；跨年项目请标记为结转 "
        f"(deadline {deadline} is after 31 Dec {year}; mark the project as carried over)",
        details,
    )


def _check_window(milestone: Milestone, start: date, deadline: date) -> None:
    key, m_start, m_due = milestone.key, milestone.start, milestone.due
    details = {"key": key, "start": m_start.isoformat(), "due": m_due.isoformat()}
    if m_start > m_due:
        raise PlanError(
            f"里程碑 {key} 的开始日期 {m_start} 晚于截止日期 {m_due} "
            f"(milestone {key} starts on {m_start}, after its due date {m_due})",
            details,
        )
    if m_start < start or m_due > deadline:
        raise PlanError(
            f"里程碑 {key} 的时间 {m_start} 至 {m_due} 超出计划期 {start} 至 {deadline} "
            f"(milestone {key} runs {m_start}..{m_due}, outside the plan's {start}..{deadline})",
            {**details, "plan_start": start.isoformat(), "deadline": deadline.isoformat()},
        )


def _check_weight(milestone: Milestone) -> None:
    weight = milestone.weight
    # A float weight would make "sums to exactly 1" a matter of luck.
    exact = isinstance(weight, Fraction | int) and not isinstance(weight, bool)
    if not exact or not 0 < weight <= 1:
        raise PlanError(
            f"里程碑 {milestone.key} 的权重 {weight} 须为大于 0 且不超过 1 的分数 "
            f"(milestone {milestone.key}: weight {weight} must be a Fraction in (0, 1])",
            {"key": milestone.key, "weight": str(weight)},
        )


def _check_weights_sum(milestones: Sequence[Milestone]) -> None:
    total = sum((Fraction(m.weight) for m in milestones), Fraction(0))
    if total < 1:
        gap = 1 - total
        raise PlanError(
            f"里程碑权重合计 {total}，还缺 {gap} (weights sum to {total}: {gap} missing)",
            {"sum": str(total), "missing": str(gap)},
        )
    if total > 1:
        excess = total - 1
        raise PlanError(
            f"里程碑权重合计 {total}，超出 {excess} (weights sum to {total}: {excess} in excess)",
            {"sum": str(total), "excess": str(excess)},
        )
