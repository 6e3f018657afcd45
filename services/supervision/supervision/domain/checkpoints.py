"""The year's three checkpoints as rules: each stage's default questions (data, in Chinese),
what a report must answer, which reports are expected, filed and missing, and when a missing
one is reminded (温馨提示 → 限期督促 → 专报通报, after working days past the due date).

Standard library only: the working-day calendar is named by a Protocol (servicekit's
WorkCalendar fits it), and an unknown year's LookupError passes through to the caller.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

OPENING, MIDYEAR, YEAREND = "opening", "midyear", "yearend"
# The questions a stage asks unless the congress staff set their own (年初问选题 · 年中问进度 ·
# 年底问效果): what the meeting of chairpersons hears about every project.
DEFAULT_QUESTIONS: dict[str, tuple[str, ...]] = {
    OPENING: (
        "项目选题是否符合群众需求、是否经过充分论证？",
        "实施方案是否明确，责任单位、责任人、完成时限是否落实？",
        "项目资金来源是否落实，预算是否合理？",
        "群众对项目选题有何意见建议？",
    ),
    MIDYEAR: (
        "项目实际进度与计划进度相比情况如何？",
        "如进度滞后，滞后的原因是什么，有何追赶措施？",
        "项目资金到位和支付情况如何？",
        "实施中存在哪些困难和问题，是否已整改？",
    ),
    YEAREND: (
        "项目是否按期完成、达到预期目标？",
        "项目是否已组织验收，验收结论如何？",
        "群众对项目实施效果是否满意？",
        "项目后续管护机制是否建立？",
    ),
}
FRIENDLY, DEADLINE_ORDER, SPECIAL_REPORT = "friendly_reminder", "deadline_order", "special_report"
STEP_NAMES = {FRIENDLY: "温馨提示", DEADLINE_ORDER: "限期督促", SPECIAL_REPORT: "专报通报"}
# Working days past due after which a step applies (0: the first working day after due).
REMINDER_STEPS: tuple[tuple[str, int], ...] = (
    (FRIENDLY, 0),
    (DEADLINE_ORDER, 3),
    (SPECIAL_REPORT, 5),
)


class WorkCalendar(Protocol):
    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; 0 when b ≤ a; LookupError for a year not known."""
        ...


class AnswerError(ValueError):
    """A report that does not answer the checkpoint's questions: the field messages."""

    def __init__(self, message: str, details: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def questions_for(stage: str, given: Sequence[str] | None) -> list[str]:
    """The questions of a checkpoint: the staff's own (trimmed, distinct) or the default."""
    if not given:
        return list(DEFAULT_QUESTIONS[stage])
    chosen = [question.strip() for question in given]
    if len(set(chosen)) != len(chosen) or not all(chosen):
        raise AnswerError(
            "问题不能为空或重复 (questions must be distinct and not blank)",
            {"questions": ["问题不能为空或重复 (questions must be distinct and not blank)"]},
        )
    return chosen


def check_answers(
    questions: Sequence[str], answers: Iterable[tuple[str, str]]
) -> list[dict[str, str]]:
    """Every question answered once and nothing else asked: the answers in the template's order,
    or AnswerError naming what is missing or unknown."""
    given: dict[str, str] = {}
    unknown: list[str] = []
    for question, answer in answers:
        key = question.strip()
        if key not in questions or key in given:
            unknown.append(key)
        elif answer.strip():
            given[key] = answer.strip()
    missing = [question for question in questions if question not in given]
    details: dict[str, list[str]] = {}
    if missing:
        details["answers"] = [f"未回答 (not answered)：{question}" for question in missing]
    if unknown:
        details.setdefault("answers", []).extend(
            f"不是本次检查的问题或重复回答 (not asked, or answered twice)：{question}"
            for question in unknown
        )
    if details:
        raise AnswerError("请逐项回答本次检查的全部问题 (answer every question once)", details)
    return [{"question": question, "answer": given[question]} for question in questions]


@dataclass(frozen=True)
class Expected:
    """One report expected: a group's project at a checkpoint."""

    group_id: str
    project_id: str


def is_missing(due: date, today: date, filed: bool) -> bool:
    """A report is missing once its due date has passed unfiled (the due day itself is in time)."""
    return not filed and today > due


def missing(
    expected: Iterable[Expected], filed: Collection[Expected], due: date, today: date
) -> list[Expected]:
    return [item for item in expected if is_missing(due, today, item in filed)]


def step_reached(due: date, today: date, calendar: WorkCalendar) -> str | None:
    """The highest reminder step reached on `today`; None before a working day has passed."""
    if today <= due:
        return None
    overdue = calendar.working_days_between(due, today)
    reached = None
    for name, threshold in REMINDER_STEPS:
        if overdue > threshold:
            reached = name
    return reached


def steps_to_send(already: Collection[str], reached: str | None) -> list[str]:
    """The steps up to `reached` not sent yet, in order: a timer that missed days catches up."""
    if reached is None:
        return []
    names = [name for name, _ in REMINDER_STEPS]
    return [name for name in names[: names.index(reached) + 1] if name not in already]
