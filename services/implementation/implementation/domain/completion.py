"""当年完成率: the projects of a year completed (accepted) by 31 December of that year, over the
year's projects. A carried-over project (跨年结转) counts as not completed in its year, even
once it is finished the next. The forecast assumes what is not lagging will finish in time:
completed + open, not lagging and not carried over, over the year's projects — so the lagging
list (慢序时) is exactly the forecast's shortfall.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

TARGET = Fraction(95, 100)  # Ordos' promise: ≥ 95% completed within the year
LAGGING = "lagging"


@dataclass(frozen=True)
class ProjectOutcome:
    project_id: str
    year: int
    completed_on: date | None
    carried_over: bool
    standing: str | None  # ahead / on_track / lagging, None before any report


def completed_in_year(outcome: ProjectOutcome) -> bool:
    done = outcome.completed_on
    return done is not None and done <= date(outcome.year, 12, 31) and not outcome.carried_over


def _of_year(outcomes: Iterable[ProjectOutcome], year: int) -> list[ProjectOutcome]:
    return [o for o in outcomes if o.year == year]


def completion_rate(outcomes: Iterable[ProjectOutcome], year: int) -> Fraction | None:
    """None when the year has no projects (a rate of nothing is not 0%)."""
    mine = _of_year(outcomes, year)
    if not mine:
        return None
    return Fraction(sum(completed_in_year(o) for o in mine), len(mine))


def _likely(outcome: ProjectOutcome) -> bool:
    if completed_in_year(outcome):
        return True
    open_ = outcome.completed_on is None and not outcome.carried_over
    return open_ and outcome.standing != LAGGING


def forecast(outcomes: Iterable[ProjectOutcome], year: int) -> Fraction | None:
    mine = _of_year(outcomes, year)
    if not mine:
        return None
    return Fraction(sum(_likely(o) for o in mine), len(mine))


def meets_target(rate: Fraction) -> bool:
    return rate >= TARGET
