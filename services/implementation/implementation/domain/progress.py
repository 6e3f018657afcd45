"""Progress against plan (序时进度): what was done, what the calendar says should be done, and
the standing that follows (超序时 · 正常 · 慢序时), exactly, in fractions of 1.

Governments publish lists of lagging projects (慢序时项目) and put those lagging report after
report under flagged supervision (挂牌督办); `should_flag` is that rule.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction

from implementation.domain.plan import Milestone, PlanError

AHEAD, ON_TRACK, LAGGING = "ahead", "on_track", "lagging"
STANDINGS = (AHEAD, ON_TRACK, LAGGING)
STANDING_NAMES = {AHEAD: "超序时", ON_TRACK: "正常", LAGGING: "慢序时"}
POINT = Fraction(1, 100)  # one percentage point


def actual_progress(milestones: Sequence[Milestone], reported: Mapping[str, Fraction]) -> Fraction:
    """Σ weight × reported share done of each milestone.

    A milestone with no report yet counts as 0 done: silence is not progress. Always weighted:
    a plain average of the milestones (what Decidim shows when weights are left at their
    default) would let a small milestone finished early stand for half the project.
    """
    weights = {m.key: m.weight for m in milestones}
    unknown = sorted(key for key in reported if key not in weights)
    if unknown:
        raise PlanError(
            f"进度报告含计划中没有的里程碑 {unknown[0]} "
            f"(reported milestone {unknown[0]!r} is not in the plan)",
            {"key": unknown[0]},
        )
    for key, done in reported.items():
        _check_share(key, done)
    return sum((weights[key] * Fraction(done) for key, done in reported.items()), Fraction(0))


def _check_share(key: str, done: Fraction) -> None:
    exact = isinstance(done, Fraction | int) and not isinstance(done, bool)
    if not exact or not 0 <= done <= 1:
        raise PlanError(
            f"里程碑 {key} 的完成比例 {done} 须在 0 到 1 之间 "
            f"(milestone {key}: share done {done} must be a Fraction in [0, 1])",
            {"key": key, "done": str(done)},
        )


def elapsed_share(milestone: Milestone, at: date) -> Fraction:
    """The share of the milestone's [start, due] window gone by at the END of day `at`, in days:
    0 before start, 1/n on the start day of an n-day window, 1 from the due day on."""
    if at < milestone.start:
        return Fraction(0)
    if at >= milestone.due:
        return Fraction(1)
    return Fraction((at - milestone.start).days + 1, (milestone.due - milestone.start).days + 1)


def planned_progress(milestones: Sequence[Milestone], at: date) -> Fraction:
    """序时进度: Σ weight × elapsed share of each milestone's window at the end of day `at`."""
    return sum((m.weight * elapsed_share(m, at) for m in milestones), Fraction(0))


def classify(actual: Fraction, planned: Fraction, tolerance_points: int = 10) -> str:
    """AHEAD, ON_TRACK or LAGGING; exactly `tolerance_points` either side is still on track."""
    if isinstance(tolerance_points, bool) or not isinstance(tolerance_points, int):
        raise PlanError("容差须为整数个百分点 (tolerance_points must be an int)")
    if tolerance_points < 0:
        raise PlanError(
            f"容差不能为负数，收到 {tolerance_points} (tolerance_points must be ≥ 0)",
            {"tolerance_points": tolerance_points},
        )
    tolerance = tolerance_points * POINT
    if actual < planned - tolerance:
        return LAGGING
    if actual > planned + tolerance:
        return AHEAD
    return ON_TRACK


def should_flag(standings: Sequence[str], consecutive: int = 3) -> bool:
    """挂牌督办: the last `consecutive` standings (oldest first) are all LAGGING."""
    return streak_flags(lagging_streak(list(reversed(standings))), consecutive)


def lagging_streak(newest_first: Sequence[str]) -> int:
    """How many of the latest standings in a row are LAGGING."""
    return next((n for n, s in enumerate(newest_first) if s != LAGGING), len(newest_first))


def streak_flags(streak: int, consecutive: int = 3) -> bool:
    """A streak of lagging reports flags the project once it reaches `consecutive`."""
    if isinstance(consecutive, bool) or not isinstance(consecutive, int) or consecutive < 1:
        raise PlanError(
            f"连续次数须为正整数，收到 {consecutive!r} (consecutive must be an int ≥ 1)",
            {"consecutive": str(consecutive)},
        )
    return streak >= consecutive


def percent(f: Fraction) -> str:
    """A fraction of 1 as a percentage with one decimal, half up: Fraction(1, 3) → "33.3"."""
    tenths = _round_half_up(abs(Fraction(f)) * 1000)
    sign = "-" if f < 0 and tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _round_half_up(x: Fraction) -> int:
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)
