"""Time limits (办理时限) on the 2026 calendar: across the National Day holiday (1–7 Oct off) and
its make-up Saturday (10 Oct, a working day), calendar and working days, counted from the day
received or the next, one extension, the reminder steps before and after, unknown years."""

from datetime import date, timedelta

import pytest
from petition.domain import timelimits as t
from petition.domain.timelimits import DEFAULT_RULES, Rule, RuleError, RuleSet
from servicekit.workcalendar import UnknownYear

from tests.support.schedule_2026 import calendar_2026

CAL = calendar_2026()
SUBJECTS = ("direct", "diversion", "joint", "矛盾纠纷", "基础设施")


def rule(limit, unit="workday", starts="next_day", stage="handle", applies_to="*"):
    return Rule(stage, applies_to, limit, unit, starts)


class TestDueDates:
    def test_a_deputys_first_contact_runs_over_the_holiday_to_the_make_up_saturday(self):
        first_contact = t.pick(DEFAULT_RULES, "first_contact", None, None)
        assert (first_contact.limit, first_contact.unit) == (3, "workday")
        # received Wed 30 Sep: Thu 8 Oct (1), Fri 9 Oct (2), Sat 10 Oct (3, make-up day)
        assert t.due_date(date(2026, 9, 30), first_contact, CAL) == date(2026, 10, 10)

    def test_counting_from_the_day_received_makes_it_one_working_day_shorter(self):
        counted_from_receipt = rule(3, starts="received")
        assert t.due_date(date(2026, 9, 30), counted_from_receipt, CAL) == date(2026, 10, 9)

    def test_a_matter_received_during_the_holiday_counts_from_the_first_working_day(self):
        for day in range(1, 8):
            received = date(2026, 10, day)
            assert t.due_date(received, rule(3, starts="received"), CAL) == date(2026, 10, 10)
            assert t.due_date(received, rule(3), CAL) == date(2026, 10, 10)

    def test_one_working_day_from_a_working_day_received_is_that_day(self):
        assert t.due_date(date(2026, 10, 10), rule(1, starts="received"), CAL) == date(2026, 10, 10)
        assert t.due_date(date(2026, 10, 10), rule(1), CAL) == date(2026, 10, 12)

    def test_ten_working_days_skip_the_holiday_and_the_sunday_but_take_the_saturday(self):
        # Tue 29 Sep (1), Wed 30 (2), Thu 8 Oct (3), Fri 9 (4), Sat 10 (5), Mon 12 … Fri 16 (10)
        assert t.due_date(date(2026, 9, 28), rule(10), CAL) == date(2026, 10, 16)

    def test_the_make_up_sunday_before_mid_autumn_is_counted(self):
        # Fri 18 Sep received: Sun 20 Sep is a working day, Fri 25 – Sun 27 Sep are off
        assert t.due_date(date(2026, 9, 18), rule(1), CAL) == date(2026, 9, 20)

    def test_the_default_accept_limit_is_fifteen_calendar_days_from_the_next_day(self):
        accept = t.pick(DEFAULT_RULES, "accept", None, None)
        assert (accept.limit, accept.unit, accept.starts) == (15, "calendar_day", "next_day")
        assert t.due_date(date(2026, 9, 30), accept, CAL) == date(2026, 10, 15)
        assert t.due_date(date(2026, 9, 30), rule(15, "calendar_day", "received"), CAL) == date(
            2026, 10, 14
        )

    def test_the_default_handling_limit_is_sixty_calendar_days(self):
        handle = t.pick(DEFAULT_RULES, "handle", "diversion", "基础设施")
        assert t.due_date(date(2026, 9, 30), handle, CAL) == date(2026, 11, 29)

    def test_calendar_days_need_no_known_year(self):
        assert t.due_date(date(2027, 3, 1), rule(60, "calendar_day"), CAL) == date(2027, 4, 30)

    def test_working_days_into_an_unknown_year_are_refused_not_guessed(self):
        with pytest.raises(UnknownYear) as refused:
            t.due_date(date(2026, 12, 30), rule(3), CAL)
        assert refused.value.year == 2027


class TestExtension:
    HANDLE = rule(60, "calendar_day")

    def test_an_extension_adds_up_to_thirty_days_of_the_rules_unit(self):
        due = t.due_date(date(2026, 9, 30), self.HANDLE, CAL)
        t.check_extension(30, DEFAULT_RULES)
        assert t.extended_due(due, 30, self.HANDLE, CAL) == date(2026, 12, 29)

    def test_a_working_day_rule_extends_in_working_days(self):
        assert t.extended_due(date(2026, 9, 30), 3, rule(10), CAL) == date(2026, 10, 10)

    @pytest.mark.parametrize("days", [0, 31, -1, 100])
    def test_more_than_thirty_or_nothing_is_refused(self, days):
        with pytest.raises(RuleError, match="延期"):
            t.check_extension(days, DEFAULT_RULES)

    def test_the_maximum_is_a_setting(self):
        t.check_extension(45, RuleSet(DEFAULT_RULES.rules, max_extension=45))


class TestPickingTheRule:
    RULES = RuleSet(
        (
            *DEFAULT_RULES.rules,
            rule(10, applies_to="direct"),
            rule(20, applies_to="矛盾纠纷"),
        )
    )

    def test_the_category_wins_over_the_tier_and_the_tier_over_the_default(self):
        assert t.pick(self.RULES, "handle", "direct", "矛盾纠纷").limit == 20
        assert t.pick(self.RULES, "handle", "direct", "基础设施").limit == 10
        assert t.pick(self.RULES, "handle", "joint", "基础设施").limit == 60
        assert t.pick(self.RULES, "handle", None, None).limit == 60

    def test_a_valid_rule_set_passes_the_check(self):
        t.check(self.RULES, SUBJECTS)
        t.check(DEFAULT_RULES, SUBJECTS)

    @pytest.mark.parametrize(
        "rules",
        [
            (rule(60, "calendar_day"),),  # no accept or first-contact rule
            (*DEFAULT_RULES.rules, rule(30)),  # handle/* twice
            (*DEFAULT_RULES.rules, rule(30, applies_to="没有的类别")),
            (*DEFAULT_RULES.rules, rule(0, applies_to="direct")),
            (*DEFAULT_RULES.rules, rule(400, applies_to="direct")),
            (*DEFAULT_RULES.rules, rule(5, unit="hour", applies_to="direct")),
            (*DEFAULT_RULES.rules, rule(5, starts="tomorrow", applies_to="direct")),
        ],
        ids=["missing stages", "twice", "unknown subject", "zero", "too long", "unit", "start"],
    )
    def test_a_rule_set_that_cannot_answer_every_matter_is_refused(self, rules):
        with pytest.raises(RuleError):
            t.check(RuleSet(rules), SUBJECTS)

    @pytest.mark.parametrize(
        "steps",
        [(), (("urge", 1), ("circulate", 1)), (("urge", 1), ("urge", 2)), (("nag", 0),)],
    )
    def test_steps_must_be_known_distinct_and_rising(self, steps):
        with pytest.raises(RuleError):
            t.check(RuleSet(DEFAULT_RULES.rules, steps=steps), SUBJECTS)


class TestReminderSteps:
    DUE = date(2026, 10, 10)  # the make-up Saturday
    STEPS = DEFAULT_RULES.steps

    def reached(self, today, unit="workday"):
        return t.steps_reached(self.DUE, today, unit, CAL, self.STEPS)

    def test_nothing_three_working_days_before_even_across_the_holiday(self):
        assert t.distance(self.DUE, date(2026, 9, 30), "workday", CAL) == -3
        assert self.reached(date(2026, 9, 30)) == []
        assert self.reached(date(2026, 10, 5)) == []  # 8, 9, 10 Oct still to come

    def test_urged_two_working_days_before_the_due_day(self):
        assert self.reached(date(2026, 10, 8)) == ["urge"]
        assert self.reached(date(2026, 10, 10)) == ["urge"]

    def test_the_sunday_after_is_not_yet_a_working_day_past_due(self):
        assert t.distance(self.DUE, date(2026, 10, 11), "workday", CAL) == 0
        assert self.reached(date(2026, 10, 11)) == ["urge"]

    def test_circulated_on_the_first_working_day_past_due_and_upwards_after_five(self):
        assert self.reached(date(2026, 10, 12)) == ["urge", "circulate"]
        assert self.reached(date(2026, 10, 15)) == ["urge", "circulate"]
        assert self.reached(date(2026, 10, 16)) == ["urge", "circulate", "circulate_upper"]

    def test_calendar_day_limits_step_in_calendar_days(self):
        assert self.reached(date(2026, 10, 8), "calendar_day") == ["urge"]
        assert self.reached(date(2026, 10, 11), "calendar_day") == ["urge", "circulate"]
        assert self.reached(date(2026, 10, 15), "calendar_day") == [
            "urge",
            "circulate",
            "circulate_upper",
        ]

    def test_a_missed_run_catches_up_in_order_sending_nothing_twice(self):
        reached = self.reached(date(2026, 10, 16))
        assert t.steps_to_send(set(), reached) == ["urge", "circulate", "circulate_upper"]
        assert t.steps_to_send({"urge"}, reached) == ["circulate", "circulate_upper"]
        assert t.steps_to_send(set(reached), reached) == []

    def test_overdue_is_strictly_after_the_due_day(self):
        assert not t.overdue(self.DUE, self.DUE)
        assert t.overdue(self.DUE, self.DUE + timedelta(days=1))
        assert not t.overdue(None, self.DUE)
