"""A matter's handling as a state machine (分级代办), pure: every step a deputy or the staff take
is an action, allowed in some states only; anything else is refused with what the state allows.

    received ─accept─▶ accepted ─tier─▶ handling ─resolve─▶ resolved ─rated ok─▶ closed
        ▲                 │                │  ▲                │
        └───report_up─────┴────────────────┘  └─reopen (once)──┘ rated 不满意 (ok: 满意, 基本满意)

- `tier` picks 首接代办 (direct), 分流代办 (diversion) or 联合代办 (joint); in handling it may only
  climb (direct → diversion → joint): a matter harder than thought gets more hands, never fewer.
- `route` sends it (again) to a department: only a diverted or joint matter has departments.
- `report_up` (上报) hands it to the next level up, where it is received anew and keeps its
  history; the city has no level above. It may be done before acceptance (转送, forwarding).
- `extend` lengthens the handling time limit, once.
- `rate` (the resident on the tracking page, or a return visit, 回访) judges a resolution once:
  满意 / 基本满意 close it; 不满意 leaves it resolved for one `reopen` with a reason, or closes it
  when the reopen was used.
- `convert` makes the matter a livelihood proposal for next year, once, in any state after
  acceptance; it does not change the state.
"""

from dataclasses import dataclass, replace

RECEIVED, ACCEPTED, HANDLING, RESOLVED, CLOSED = (
    "received",
    "accepted",
    "handling",
    "resolved",
    "closed",
)
STATES = (RECEIVED, ACCEPTED, HANDLING, RESOLVED, CLOSED)
STATE_NAMES = {
    RECEIVED: "已登记，待受理",
    ACCEPTED: "已受理",
    HANDLING: "代办中",
    RESOLVED: "已办结，待评价",
    CLOSED: "已办结",
}
OPEN_STATES = (RECEIVED, ACCEPTED, HANDLING)

DIRECT, DIVERSION, JOINT = "direct", "diversion", "joint"
TIERS = (DIRECT, DIVERSION, JOINT)  # in rising order of difficulty
TIER_NAMES = {DIRECT: "首接代办", DIVERSION: "分流代办", JOINT: "联合代办"}

METHODS = ("supervise", "follow", "assist", "investigate")
METHOD_NAMES = {"supervise": "督办", "follow": "盯办", "assist": "协办", "investigate": "查办"}

SATISFIED, BASICALLY, DISSATISFIED = "satisfied", "basically", "dissatisfied"
SATISFACTION = (SATISFIED, BASICALLY, DISSATISFIED)
SATISFACTION_NAMES = {SATISFIED: "满意", BASICALLY: "基本满意", DISSATISFIED: "不满意"}
MAX_REOPENS = 1

ACCEPT, TIER, ROUTE, REPORT_UP, EXTEND = "accept", "tier", "route", "report_up", "extend"
RESOLVE, RATE, REOPEN, CONVERT = "resolve", "rate", "reopen", "convert"
ACTIONS = (ACCEPT, TIER, ROUTE, REPORT_UP, EXTEND, RESOLVE, RATE, REOPEN, CONVERT)
ACTION_NAMES = {
    ACCEPT: "受理",
    TIER: "确定代办方式",
    ROUTE: "分流至部门",
    REPORT_UP: "上报上级",
    EXTEND: "延期",
    RESOLVE: "办结",
    RATE: "满意度评价",
    REOPEN: "重新办理",
    CONVERT: "转为民生实事建议",
}

LEVELS_UP = {"township": "banner", "banner": "city"}  # 上报: the next level up


@dataclass(frozen=True)
class Matter:
    """What the rules need to know of a matter."""

    state: str
    level: str
    tier: str | None = None
    extended: bool = False
    satisfaction: str | None = None
    reopens: int = 0
    converted: bool = False


class TransitionRefused(ValueError):
    """An action the matter's state does not allow (a 409 for the caller)."""

    def __init__(self, action: str, matter: Matter, why: str) -> None:
        self.action = action
        self.state = matter.state
        self.allowed = allowed_actions(matter)
        allowed = "、".join(ACTION_NAMES[a] for a in self.allowed) or "无"
        self.message = (
            f"当前状态“{STATE_NAMES[matter.state]}”不能{ACTION_NAMES[action]}：{why}；"
            f"可进行：{allowed} (action {action!r} not allowed in state {matter.state!r})"
        )
        super().__init__(self.message)


def _why_not(matter: Matter, action: str, tier: str | None = None) -> str | None:
    """None when `action` is allowed, else why not (Chinese)."""
    state = matter.state
    if action == ACCEPT:
        return None if state == RECEIVED else "已受理过"
    if action == TIER:
        return _why_not_tier(matter, tier)
    if action == ROUTE:
        if state != HANDLING:
            return "须在代办中"
        return None if matter.tier in (DIVERSION, JOINT) else "仅分流代办或联合代办可交由部门"
    if action == REPORT_UP:
        if state not in OPEN_STATES:
            return "已办结的事项不能上报"
        return None if matter.level in LEVELS_UP else "市级为最高层级，无上级可报"
    if action == EXTEND:
        if state not in (ACCEPTED, HANDLING):
            return "须已受理且未办结"
        return "办理期限只能延长一次" if matter.extended else None
    if action == RESOLVE:
        return None if state == HANDLING else "须先确定代办方式并办理"
    if action == RATE:
        if state != RESOLVED:
            return "须已办结"
        return "本次办结已评价" if matter.satisfaction is not None else None
    if action == REOPEN:
        return _why_not_reopen(matter)
    if action == CONVERT:
        if state == RECEIVED:
            return "须先受理"
        return "已转为建议" if matter.converted else None
    raise ValueError(f"unknown action {action!r}")


def _why_not_tier(matter: Matter, tier: str | None) -> str | None:
    if matter.state == ACCEPTED:
        return None
    if matter.state != HANDLING:
        return "须已受理且未办结"
    if matter.tier == JOINT:
        return "联合代办已是最高代办方式"
    if tier is None:
        return None  # some higher tier remains
    if TIERS.index(tier) <= TIERS.index(matter.tier or DIRECT):
        return "代办方式只能升级（首接→分流→联合）"
    return None


def _why_not_reopen(matter: Matter) -> str | None:
    if matter.state != RESOLVED or matter.satisfaction != DISSATISFIED:
        return "仅在办结后评价为不满意时可重新办理"
    return "只能重新办理一次" if matter.reopens >= MAX_REOPENS else None


def allowed_actions(matter: Matter) -> tuple[str, ...]:
    return tuple(action for action in ACTIONS if _why_not(matter, action) is None)


def apply(matter: Matter, action: str, value: str | None = None) -> Matter:
    """The matter after `action`; TransitionRefused if its state does not allow it. `value` is
    the tier of `tier` and the satisfaction of `rate`."""
    if action == TIER and value not in TIERS:
        raise ValueError(f"unknown tier {value!r}")
    if action == RATE and value not in SATISFACTION:
        raise ValueError(f"unknown satisfaction {value!r}")
    why = _why_not(matter, action, value if action == TIER else None)
    if why is not None:
        raise TransitionRefused(action, matter, why)
    return _after(matter, action, value)


def _after(matter: Matter, action: str, value: str | None) -> Matter:
    if action == ACCEPT:
        return replace(matter, state=ACCEPTED)
    if action == TIER:
        return replace(matter, state=HANDLING, tier=value)
    if action == REPORT_UP:
        return replace(matter, state=RECEIVED, level=LEVELS_UP[matter.level], tier=None)
    if action == EXTEND:
        return replace(matter, extended=True)
    if action == RESOLVE:
        return replace(matter, state=RESOLVED, satisfaction=None)
    if action == RATE:
        closes = value != DISSATISFIED or matter.reopens >= MAX_REOPENS
        return replace(matter, state=CLOSED if closes else RESOLVED, satisfaction=value)
    if action == REOPEN:
        return replace(matter, state=HANDLING, satisfaction=None, reopens=matter.reopens + 1)
    if action == CONVERT:
        return replace(matter, converted=True)
    return matter  # ROUTE: the same state, one more department


def resolved_locally(origin_level: str, level: str) -> bool:
    """就地化解: settled without being passed up beyond the banner (三不两当地). A matter that
    began at the city was never passed up; one that reached the city from below was."""
    return origin_level == "city" or level != "city"
