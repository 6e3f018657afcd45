"""Checkpoint rules: each stage's template, what a report must answer, which reports are
missing, and reminders at the boundary days (National Day 2026 in the middle)."""

from datetime import date

import pytest
from contracts.supervision_checkpoints import STAGES, VERDICT_NAMES, VERDICTS, checkpoint_level
from supervision.domain.checkpoints import (
    DEADLINE_ORDER,
    DEFAULT_QUESTIONS,
    FRIENDLY,
    SPECIAL_REPORT,
    AnswerError,
    Expected,
    check_answers,
    is_missing,
    missing,
    questions_for,
    step_reached,
    steps_to_send,
)

from tests.support.schedule_2026 import calendar_2026

CALENDAR = calendar_2026()
# Due Wednesday 30 Sep 2026; 1–7 Oct are off, Saturday 10 Oct is a working day:
# working days past due are 8 Oct = 1, 9 = 2, 10 = 3, 12 = 4, 13 = 5, 14 = 6.
DUE = date(2026, 9, 30)


class TestTemplates:
    def test_every_stage_has_a_chinese_template(self):
        assert set(DEFAULT_QUESTIONS) == set(STAGES)
        for questions in DEFAULT_QUESTIONS.values():
            assert len(questions) >= 3
            assert len(set(questions)) == len(questions)
            assert all("？" in q for q in questions)

    def test_each_stage_asks_its_own_question(self):
        assert any("选题" in q for q in DEFAULT_QUESTIONS["opening"])
        assert any("方案" in q for q in DEFAULT_QUESTIONS["opening"])
        assert any("进度" in q for q in DEFAULT_QUESTIONS["midyear"])
        assert any("滞后" in q for q in DEFAULT_QUESTIONS["midyear"])
        assert any("资金" in q for q in DEFAULT_QUESTIONS["midyear"])
        assert any("验收" in q for q in DEFAULT_QUESTIONS["yearend"])
        assert any("满意" in q for q in DEFAULT_QUESTIONS["yearend"])

    def test_without_questions_the_default_is_used(self):
        assert questions_for("midyear", None) == list(DEFAULT_QUESTIONS["midyear"])
        assert questions_for("midyear", []) == list(DEFAULT_QUESTIONS["midyear"])

    def test_the_staff_may_replace_the_questions(self):
        assert questions_for("opening", [" 问一？", "问二？"]) == ["问一？", "问二？"]

    @pytest.mark.parametrize("given", [["问一", "问一"], ["问一", "  "]])
    def test_repeated_or_blank_questions_are_refused(self, given):
        with pytest.raises(AnswerError) as caught:
            questions_for("opening", given)
        assert "questions" in caught.value.details

    def test_verdicts_have_chinese_names(self):
        assert [VERDICT_NAMES[v] for v in VERDICTS] == ["良好", "一般", "较差"]

    def test_a_checkpoint_id_names_its_level(self):
        assert checkpoint_level("T-" + "a" * 32) == "township"
        assert checkpoint_level("C-" + "0" * 32) == "city"
        assert checkpoint_level("X-" + "a" * 32) is None
        assert checkpoint_level("T-abc") is None


class TestAnswers:
    QUESTIONS = ("进度如何？", "资金如何？")

    def test_answers_come_back_in_the_templates_order(self):
        got = check_answers(self.QUESTIONS, [("资金如何？", "到位"), ("进度如何？", " 正常 ")])
        assert got == [
            {"question": "进度如何？", "answer": "正常"},
            {"question": "资金如何？", "answer": "到位"},
        ]

    def test_a_missing_answer_is_named(self):
        with pytest.raises(AnswerError) as caught:
            check_answers(self.QUESTIONS, [("进度如何？", "正常")])
        assert caught.value.details["answers"] == ["未回答 (not answered)：资金如何？"]

    def test_a_blank_answer_counts_as_missing(self):
        with pytest.raises(AnswerError) as caught:
            check_answers(self.QUESTIONS, [("进度如何？", "正常"), ("资金如何？", "  ")])
        assert "资金如何？" in caught.value.details["answers"][0]

    def test_a_question_not_asked_or_answered_twice_is_refused(self):
        with pytest.raises(AnswerError) as caught:
            check_answers(
                self.QUESTIONS,
                [
                    ("进度如何？", "正常"),
                    ("资金如何？", "到位"),
                    ("进度如何？", "再答"),
                    ("别的？", "x"),
                ],
            )
        messages = caught.value.details["answers"]
        assert len(messages) == 2
        assert any("别的？" in m for m in messages)


class TestMissing:
    A, B, C = Expected("g1", "p1"), Expected("g1", "p2"), Expected("g2", "p1")

    def test_nothing_is_missing_on_the_due_day(self):
        assert not is_missing(DUE, DUE, filed=False)
        assert missing([self.A, self.B], set(), DUE, DUE) == []

    def test_an_unfiled_report_is_missing_the_day_after(self):
        assert is_missing(DUE, date(2026, 10, 1), filed=False)
        assert not is_missing(DUE, date(2026, 10, 1), filed=True)

    def test_expected_less_filed_is_missing(self):
        got = missing([self.A, self.B, self.C], {self.B}, DUE, date(2026, 10, 9))
        assert got == [self.A, self.C]


class TestReminders:
    @pytest.mark.parametrize(
        ("today", "step"),
        [
            (DUE, None),
            (date(2026, 10, 1), None),  # a holiday: no working day has passed
            (date(2026, 10, 7), None),
            (date(2026, 10, 8), FRIENDLY),  # the first working day after due
            (date(2026, 10, 10), FRIENDLY),  # make-up Saturday: 3 days, not more than 3
            (date(2026, 10, 11), FRIENDLY),  # Sunday
            (date(2026, 10, 12), DEADLINE_ORDER),  # 4 > 3
            (date(2026, 10, 13), DEADLINE_ORDER),  # 5, not more than 5
            (date(2026, 10, 14), SPECIAL_REPORT),  # 6 > 5
        ],
    )
    def test_steps_by_working_days_past_due(self, today, step):
        assert step_reached(DUE, today, CALENDAR) == step

    def test_a_missed_week_catches_up_in_order(self):
        assert steps_to_send(set(), SPECIAL_REPORT) == [FRIENDLY, DEADLINE_ORDER, SPECIAL_REPORT]

    def test_steps_already_sent_are_not_sent_again(self):
        assert steps_to_send({FRIENDLY}, DEADLINE_ORDER) == [DEADLINE_ORDER]
        assert steps_to_send({FRIENDLY, DEADLINE_ORDER}, DEADLINE_ORDER) == []
        assert steps_to_send(set(), None) == []

    def test_an_unknown_year_is_not_guessed(self):
        with pytest.raises(LookupError):
            step_reached(date(2031, 9, 30), date(2031, 10, 10), CALENDAR)
