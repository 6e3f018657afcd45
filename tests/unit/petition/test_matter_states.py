"""The matter state machine (分级代办): every action in every reachable kind of matter, legal or
refused with what the state allows — the table below is the specification, written apart from
the code it checks."""

import itertools

import pytest
from petition.domain import matters as m
from petition.domain.matters import Matter, TransitionRefused, apply

LEVELS = ("township", "banner", "city")
TIER_VALUES = (None, *m.TIERS)


def every_matter():
    for state, level, tier, extended, satisfaction, reopens, converted in itertools.product(
        m.STATES, LEVELS, TIER_VALUES, (False, True), (None, *m.SATISFACTION), (0, 1), (False, True)
    ):
        if state in (m.RECEIVED, m.ACCEPTED) and tier is not None:
            continue  # a tier is chosen on leaving `accepted`, and dropped by a report up
        if state in (m.HANDLING, m.RESOLVED, m.CLOSED) and tier is None:
            continue
        if state != m.RESOLVED and state != m.CLOSED and satisfaction is not None:
            continue
        yield Matter(state, level, tier, extended, satisfaction, reopens, converted)


MATTERS = list(every_matter())
RANK = {None: 0, "direct": 1, "diversion": 2, "joint": 3}


def legal(matter: Matter, action: str, value) -> bool:
    """The specification: when each action is allowed."""
    s = matter.state
    rules = {
        "accept": lambda: s == "received",
        "tier": lambda: s == "accepted" or (s == "handling" and RANK[value] > RANK[matter.tier]),
        "route": lambda: s == "handling" and matter.tier in ("diversion", "joint"),
        "report_up": lambda: s in ("received", "accepted", "handling") and matter.level != "city",
        "extend": lambda: s in ("accepted", "handling") and not matter.extended,
        "resolve": lambda: s == "handling",
        "rate": lambda: s == "resolved" and matter.satisfaction is None,
        "reopen": lambda: (
            s == "resolved" and matter.satisfaction == "dissatisfied" and matter.reopens < 1
        ),
        "convert": lambda: s != "received" and not matter.converted,
    }
    return rules[action]()


VALUES = {"tier": m.TIERS, "rate": m.SATISFACTION}


def test_the_table_covers_every_kind_of_matter():
    assert {matter.state for matter in MATTERS} == set(m.STATES)
    assert {matter.tier for matter in MATTERS} == {None, *m.TIERS}
    assert len(MATTERS) > 300


@pytest.mark.parametrize("action", m.ACTIONS)
def test_each_action_is_allowed_exactly_where_the_table_says(action):
    checked = 0
    for matter in MATTERS:
        for value in VALUES.get(action, (None,)):
            checked += 1
            if legal(matter, action, value):
                assert apply(matter, action, value).state in m.STATES, (matter, value)
                continue
            with pytest.raises(TransitionRefused) as refused:
                apply(matter, action, value)
            assert refused.value.state == matter.state
            assert action == "tier" or action not in refused.value.allowed
            assert "可进行" in refused.value.message
    assert checked >= len(MATTERS)


def test_every_illegal_tier_move_is_refused():
    illegal = [
        (before, after)
        for before, after in itertools.product(m.TIERS, m.TIERS)
        if m.TIERS.index(after) <= m.TIERS.index(before)
    ]
    assert len(illegal) == 6  # the same tier three times, and every step down
    for before, after in illegal:
        with pytest.raises(TransitionRefused, match=r"只能升级|最高"):
            apply(Matter("handling", "township", before), "tier", after)


def test_allowed_actions_are_the_ones_that_apply():
    for matter in MATTERS:
        for action in m.ACTIONS:
            values = VALUES.get(action, (None,))
            expected = any(legal(matter, action, value) for value in values)
            assert (action in m.allowed_actions(matter)) == expected, (matter, action)


class TestWhatActionsDo:
    def test_accept_then_tier_puts_the_matter_in_handling(self):
        matter = apply(Matter("received", "township"), "accept")
        assert apply(matter, "tier", "diversion") == Matter("handling", "township", "diversion")

    def test_a_report_up_is_received_anew_one_level_up_without_a_tier(self):
        handling = Matter("handling", "township", "direct", extended=True)
        assert apply(handling, "report_up") == Matter("received", "banner", None, extended=True)
        assert apply(Matter("accepted", "banner"), "report_up").level == "city"

    def test_a_satisfied_resident_closes_the_matter(self):
        for rating in ("satisfied", "basically"):
            after = apply(Matter("resolved", "township", "direct"), "rate", rating)
            assert (after.state, after.satisfaction) == ("closed", rating)

    def test_dissatisfied_leaves_one_reopen_then_closes(self):
        resolved = Matter("resolved", "township", "direct")
        unhappy = apply(resolved, "rate", "dissatisfied")
        assert unhappy.state == "resolved"
        again = apply(unhappy, "reopen")
        assert (again.state, again.reopens, again.satisfaction) == ("handling", 1, None)
        resolved_again = apply(again, "resolve")
        final = apply(resolved_again, "rate", "dissatisfied")
        assert (final.state, final.satisfaction) == ("closed", "dissatisfied")

    def test_route_and_convert_and_extend_keep_the_state(self):
        matter = Matter("handling", "township", "joint")
        assert apply(matter, "route") == matter
        assert apply(matter, "convert").converted and apply(matter, "convert").state == "handling"
        assert apply(matter, "extend").extended

    def test_an_unknown_tier_or_rating_is_a_programming_error(self):
        with pytest.raises(ValueError, match="tier"):
            apply(Matter("accepted", "township"), "tier", "sideways")
        with pytest.raises(ValueError, match="satisfaction"):
            apply(Matter("resolved", "township", "direct"), "rate", "meh")


class TestResolvedLocally:
    @pytest.mark.parametrize(
        ("origin", "level", "local"),
        [
            ("township", "township", True),
            ("township", "banner", True),  # passed up to the banner: still within the banner
            ("banner", "banner", True),
            ("township", "city", False),  # passed up beyond the banner
            ("banner", "city", False),
            ("city", "city", True),  # a city matter was never passed up
        ],
    )
    def test_only_matters_passed_up_to_the_city_are_not_local(self, origin, level, local):
        assert m.resolved_locally(origin, level) is local
