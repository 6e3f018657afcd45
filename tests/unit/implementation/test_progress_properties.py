"""Properties of progress over random valid plans (hypothesis): actual progress stays in [0, 1]
and never falls when a report rises; planned progress never falls as the days pass."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from implementation.domain.plan import Milestone, validate_plan
from implementation.domain.progress import actual_progress, planned_progress

settings.register_profile("progress", max_examples=200, deadline=None)
settings.load_profile("progress")

START, DEADLINE = date(2026, 1, 1), date(2026, 12, 31)
DAYS = (DEADLINE - START).days
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@st.composite
def plans(draw):
    """A plan that validate_plan accepts: positive weights summing to exactly 1."""
    parts = draw(st.lists(st.integers(1, 20), min_size=1, max_size=6))
    milestones = []
    for i, part in enumerate(parts):
        first = draw(st.integers(0, DAYS))
        length = draw(st.integers(0, DAYS - first))
        start = START + timedelta(days=first)
        weight = Fraction(part, sum(parts))
        milestones.append(
            Milestone(f"m{i}", f"m{i}", weight, start, start + timedelta(days=length))
        )
    validate_plan(milestones, START, DEADLINE, 2026)
    return milestones


@st.composite
def reports(draw, milestones):
    keys = draw(st.lists(st.sampled_from([m.key for m in milestones]), unique=True))
    return {key: draw(shares) for key in keys}


@given(st.data())
def test_actual_progress_stays_between_zero_and_one(data):
    plan = data.draw(plans())
    assert 0 <= actual_progress(plan, data.draw(reports(plan))) <= 1


@given(st.data())
def test_a_higher_report_never_lowers_actual_progress(data):
    plan = data.draw(plans())
    before = data.draw(reports(plan))
    key = data.draw(st.sampled_from([m.key for m in plan]))
    higher = data.draw(st.fractions(min_value=before.get(key, 0), max_value=1))
    assert actual_progress(plan, before) <= actual_progress(plan, {**before, key: higher})


@given(st.data())
def test_planned_progress_never_falls_as_days_pass(data):
    plan = data.draw(plans())
    earlier = data.draw(st.dates(START - timedelta(days=5), DEADLINE + timedelta(days=5)))
    later = data.draw(st.dates(earlier, DEADLINE + timedelta(days=5)))
    assert 0 <= planned_progress(plan, earlier) <= planned_progress(plan, later) <= 1
    assert planned_progress(plan, DEADLINE) == 1
