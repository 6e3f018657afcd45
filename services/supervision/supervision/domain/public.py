"""Public supervision, pure: how moderation moves a feedback, which observation days are
allowed, and how a project's code is printed.

- Moderation: a pending feedback is published or hidden; a published one may be hidden (with
  a reason), a hidden one published again; the same act twice is refused (409).
- An observation is of a day not after today nor more than a year back.
- A code on a sign is spelled in groups, so a passer-by whose phone cannot scan types it.
"""

from datetime import date, timedelta

PENDING, PUBLISHED, HIDDEN = "pending", "published", "hidden"
PUBLISH, HIDE = "publish", "hide"
ACTION_NAMES = {PUBLISH: "公开", HIDE: "屏蔽"}
STATE_NAMES = {PENDING: "待审核", PUBLISHED: "已公开", HIDDEN: "已屏蔽"}
_MOVES = {
    (PENDING, PUBLISH): PUBLISHED,
    (PENDING, HIDE): HIDDEN,
    (PUBLISHED, HIDE): HIDDEN,
    (HIDDEN, PUBLISH): PUBLISHED,
}
MAX_OBSERVATION_AGE_DAYS = 366


class PublicRefused(ValueError):
    """An act the rules do not allow: `conflict` for the record's state (409), else 422."""

    def __init__(self, message: str, field: str | None = None, conflict: bool = False) -> None:
        self.message, self.field, self.conflict = message, field, conflict
        super().__init__(message)


def moderate(state: str, action: str) -> str:
    """The feedback's next state, or PublicRefused (conflict) when it is already there."""
    moved = _MOVES.get((state, action))
    if moved is None:
        raise PublicRefused(
            f"该反馈{STATE_NAMES.get(state, state)}，不能再{ACTION_NAMES.get(action, action)} "
            f"(a {state} feedback cannot be {action}ed)",
            "action",
            conflict=True,
        )
    return moved


def check_observed_on(observed_on: date, today: date) -> None:
    if observed_on > today:
        raise PublicRefused("观察日期不能晚于今天 (observed_on is in the future)", "observed_on")
    if observed_on < today - timedelta(days=MAX_OBSERVATION_AGE_DAYS):
        raise PublicRefused("观察日期不能早于一年前 (observed_on over a year back)", "observed_on")


def grouped(code: str) -> str:
    """ "T7K2M9QXAB1" -> "T 7K2M9 QXAB1": the level letter, then two groups of five."""
    return f"{code[0]} {code[1:6]} {code[6:]}"


def unknown_projects(wanted: list[str], found: set[str]) -> list[str]:
    """The ids asked for that are not projects of the area, in the order given."""
    return [project_id for project_id in wanted if project_id not in found]
