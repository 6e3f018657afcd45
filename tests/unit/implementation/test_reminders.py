"""Escalation by working days past due, at each threshold's edge, and a job catching up."""

from datetime import date

import pytest
from implementation.domain.plan import PlanError
from implementation.domain.reminders import (
    DEADLINE_ORDER,
    DEFAULT_STEPS,
    FRIENDLY,
    SPECIAL_REPORT,
    STEP_NAMES,
    step_due,
    steps_to_send,
)

from tests.support.schedule_2026 import calendar_2026

CALENDAR = calendar_2026()
# Due Monday 8 June 2026, an ordinary fortnight: working days past due are 9 Jun = 1, 10 = 2,
# 11 = 3, 12 = 4, (13, 14 weekend), 15 = 5, 16 = 6.
DUE = date(2026, 6, 8)


class TestStepDue:
    @pytest.mark.parametrize(
        ("today", "step"),
        [
            (date(2026, 6, 7), None),
            (DUE, None),
            (date(2026, 6, 9), FRIENDLY),  # 1 working day late
            (date(2026, 6, 11), FRIENDLY),  # 3: not yet more than 3
            (date(2026, 6, 12), DEADLINE_ORDER),  # 4
            (date(2026, 6, 14), DEADLINE_ORDER),  # still 4 over the weekend
            (date(2026, 6, 15), DEADLINE_ORDER),  # 5: not yet more than 5
            (date(2026, 6, 16), SPECIAL_REPORT),  # 6
            (date(2026, 9, 1), SPECIAL_REPORT),
        ],
    )
    def test_each_step_applies_once_its_threshold_is_exceeded(self, today, step):
        assert step_due(DUE, today, CALENDAR) == step

    def test_days_off_after_a_due_date_are_not_late_yet(self):
        # due Wednesday 30 Sep; 1–7 Oct are off, so 8 Oct is the first day late
        due = date(2026, 9, 30)
        assert step_due(due, date(2026, 10, 7), CALENDAR) is None
        assert step_due(due, date(2026, 10, 8), CALENDAR) == FRIENDLY
        # 8, 9, 10 (make-up Saturday), 12: four working days late
        assert step_due(due, date(2026, 10, 11), CALENDAR) == FRIENDLY
        assert step_due(due, date(2026, 10, 12), CALENDAR) == DEADLINE_ORDER

    def test_thresholds_are_a_setting(self):
        steps = ((FRIENDLY, 1), (SPECIAL_REPORT, 2))
        assert step_due(DUE, date(2026, 6, 9), CALENDAR, steps) is None
        assert step_due(DUE, date(2026, 6, 10), CALENDAR, steps) == FRIENDLY
        assert step_due(DUE, date(2026, 6, 11), CALENDAR, steps) == SPECIAL_REPORT

    @pytest.mark.parametrize(
        "steps",
        [
            (),
            ((FRIENDLY, 3), (DEADLINE_ORDER, 3)),
            ((FRIENDLY, 5), (DEADLINE_ORDER, 3)),
            ((FRIENDLY, -1),),
            ((FRIENDLY, 0), (FRIENDLY, 2)),
        ],
    )
    def test_steps_that_would_not_climb_are_refused(self, steps):
        with pytest.raises(PlanError):
            step_due(DUE, date(2026, 6, 9), CALENDAR, steps)

    def test_every_step_has_its_chinese_name(self):
        assert STEP_NAMES == {
            "friendly_reminder": "温馨提示",
            "deadline_order": "限期督促",
            "special_report": "专报通报",
        }
        assert DEFAULT_STEPS == ((FRIENDLY, 0), (DEADLINE_ORDER, 3), (SPECIAL_REPORT, 5))


class TestStepsToSend:
    def test_nothing_before_the_first_step(self):
        assert steps_to_send([], None) == []

    def test_the_next_step_only_when_the_earlier_were_sent(self):
        assert steps_to_send([FRIENDLY], DEADLINE_ORDER) == [DEADLINE_ORDER]

    def test_a_job_that_missed_days_catches_up_in_order(self):
        assert steps_to_send([], SPECIAL_REPORT) == [FRIENDLY, DEADLINE_ORDER, SPECIAL_REPORT]
        assert steps_to_send({DEADLINE_ORDER}, SPECIAL_REPORT) == [FRIENDLY, SPECIAL_REPORT]

    def test_nothing_is_sent_twice(self):
        assert steps_to_send([FRIENDLY, DEADLINE_ORDER], DEADLINE_ORDER) == []

    def test_an_unknown_step_is_refused(self):
        with pytest.raises(PlanError, match="unknown step"):
            steps_to_send([], "phone_call")
