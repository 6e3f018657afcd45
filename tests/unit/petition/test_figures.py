"""The figures of an area: on-time, resolved-locally (就地化解率) and satisfaction rates, exact."""

from datetime import date

from petition.domain import figures as f
from petition.domain.figures import Resolved

DUE = date(2026, 10, 16)


def resolved(origin="township", level="township", on=DUE, due=DUE, satisfaction=None):
    return Resolved(origin, level, on, due, satisfaction)


def test_the_locally_resolved_rate_counts_what_never_went_beyond_the_banner():
    matters = [
        resolved(),
        resolved(level="banner"),  # reported up to the banner: still local
        resolved(origin="banner", level="city"),  # reported up to the city
        resolved(origin="city", level="city"),  # a city matter to begin with
    ]
    assert f.locally_resolved_rate(matters) == {
        "part": 3,
        "whole": 4,
        "rate": "3/4",
        "permille": 750,
    }


def test_uxin_resolved_98_percent_locally():
    matters = [resolved()] * 49 + [resolved(level="city")]
    assert f.locally_resolved_rate(matters)["permille"] == 980


def test_on_time_counts_resolutions_by_their_due_day_and_leaves_out_those_without_one():
    matters = [
        resolved(on=DUE),
        resolved(on=date(2026, 10, 17)),
        resolved(due=None),
    ]
    assert f.on_time_rate(matters) == {"part": 1, "whole": 2, "rate": "1/2", "permille": 500}


def test_satisfaction_counts_satisfied_and_basically_of_the_rated():
    matters = [
        resolved(satisfaction="satisfied"),
        resolved(satisfaction="basically"),
        resolved(satisfaction="dissatisfied"),
        resolved(),
    ]
    assert f.satisfaction_rate(matters)["rate"] == "2/3"


def test_nothing_counted_is_no_rate_rather_than_zero():
    assert f.on_time_rate([]) == {"part": 0, "whole": 0, "rate": None, "permille": None}
