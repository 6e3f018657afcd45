"""scripts.demo_projects on every day of a year (a leap one too): its reports lie within the
year and never after today, its plans pass implementation's own checks, A stands on track,
and the money leaves exactly one open warning — B's money ahead of its progress — whatever the
date, judged by implementation's warning rules themselves."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from implementation.domain import plan as plan_rules
from implementation.domain import progress, warnings
from implementation.domain.cadence import parse_period

from scripts import demo_data, demo_projects


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


EVERY_DAY = [*days_of(2026), *days_of(2028)]


def domain_milestones(year: int) -> list[plan_rules.Milestone]:
    return [
        plan_rules.Milestone(m.key, m.title, m.weight, m.start, m.due)
        for m in demo_projects.milestones(year)
    ]


def facts(index: int, today: date) -> warnings.ProjectFacts:
    scale = Fraction(1, 1 + index)
    budget = demo_projects.BUDGETS[index]
    flows = [f for f in demo_projects.disbursements(today) if f[0] == index]
    by_source: dict[str, int] = {}
    for _, source, amount in flows:
        by_source[source] = by_source.get(source, 0) + amount
    return warnings.ProjectFacts(
        project_id="AB"[index],
        year=today.year,
        budget_fen=sum(budget.values()),
        disbursed_fen=sum(by_source.values()),
        paid_fen=0,
        physical_progress=demo_projects.progress_at(today, scale),
        budget_by_source=budget,
        disbursed_by_source=by_source,
    )


def test_exactly_one_warning_whatever_the_date():
    for today in EVERY_DAY:
        found = [
            (w.project_id, w.rule_code, w.figures["scope"])
            for index in (0, 1)
            for w in warnings.evaluate(warnings.DEFAULT_RULES, facts(index, today), today)
        ]
        assert found == [("B", "progress_spend_gap", "money_ahead")], today


def test_reports_lie_within_the_year_and_never_after_today():
    for today in EVERY_DAY:
        days = demo_projects.report_days(today)
        assert days and days[-1] == ("weekly", today), today  # the latest word is today's
        assert all(d.year == today.year and d <= today for _, d in days), today
        assert [d for _, d in days] == sorted(d for _, d in days), today
        for cadence, day in days:
            period = parse_period(cadence, demo_projects.period(cadence, day))
            assert period.start <= day <= period.end, (today, cadence, day)


def test_on_the_first_of_january_there_is_one_report_and_the_last_of_december_five():
    assert demo_projects.report_days(date(2027, 1, 1)) == [("weekly", date(2027, 1, 1))]
    assert len(demo_projects.report_days(date(2026, 12, 31))) == 5


@pytest.mark.parametrize("year", [2026, 2028])
def test_the_plan_passes_implementations_checks(year):
    body = demo_projects.plan(0, year)
    plan_rules.validate_plan(
        domain_milestones(year),
        date.fromisoformat(body["start"]),
        date.fromisoformat(body["deadline"]),
        year,
    )


def test_a_reports_its_plan_and_b_half_of_it():
    for today in EVERY_DAY:
        steps = domain_milestones(today.year)
        for ours, theirs in zip(demo_projects.milestones(today.year), steps, strict=True):
            assert ours.elapsed(today) == progress.elapsed_share(theirs, today), today
        planned = progress.planned_progress(steps, today)
        assert demo_projects.progress_at(today, Fraction(1)) == planned, today
        assert demo_projects.progress_at(today, Fraction(1, 2)) == planned / 2, today


def test_the_finance_account_keeps_the_towns_money():
    (row,) = [r for r in demo_data.DEMO_ACCOUNTS if r[0] == demo_projects.FINANCE]
    assert row[1:4] == ("finance_staff", demo_projects.TOWN, "薛家湾镇财政所")
