"""The session state machine (ARCHITECTURE §8), pure: standard library only.

draft → deliberation → open → closed → tallied → announced → published; after an announced
round whose outcome is a runoff, `runoff` opens the next round (announced → open). Nothing is
skipped or repeated: any other step is refused with what the session's state allows.
"""

from dataclasses import dataclass

STATES = ("draft", "deliberation", "open", "closed", "tallied", "announced", "published")
STATE_NAMES = {
    "draft": "草稿",
    "deliberation": "审议中",
    "open": "投票中",
    "closed": "投票已结束",
    "tallied": "已计票",
    "announced": "已宣布结果",
    "published": "已公开",
}
# action → (the state it starts from, the state it leads to)
TRANSITIONS = {
    "start_deliberation": ("draft", "deliberation"),
    "open": ("deliberation", "open"),
    "close": ("open", "closed"),
    "tally": ("closed", "tallied"),
    "announce": ("tallied", "announced"),
    "publish": ("announced", "published"),
    "runoff": ("announced", "open"),
}
ACTION_NAMES = {
    "start_deliberation": "开始审议",
    "open": "开始投票",
    "close": "结束投票",
    "tally": "计票",
    "announce": "宣布结果",
    "publish": "公开结果",
    "runoff": "另行投票",
}
# What may happen inside a state, besides leaving it.
CHECK_IN_STATES = ("deliberation", "open")
DELIBERATION_STATES = ("deliberation",)
ISSUE_STATES = ("open",)
CAST_STATES = ("open",)
PAPER_ENTRY_STATES = ("closed",)  # tellers count the paper box after voting ends (计票)
CONSULTATION_STATES = ("open",)


@dataclass(frozen=True)
class Refusal:
    message: str


def transition(state: str, action: str, runoff_pending: bool = False) -> str | Refusal:
    """The next state, or why `action` cannot happen now."""
    start, end = TRANSITIONS[action]
    if state != start:
        return Refusal(
            f"会议当前状态为「{STATE_NAMES[state]}」，不能{ACTION_NAMES[action]}；"
            f"须在「{STATE_NAMES[start]}」状态下进行 "
            f"(session is {state}: {action} needs {start})"
        )
    if action == "runoff" and not runoff_pending:
        return Refusal("本轮结果无需另行投票 (the announced round needs no runoff)")
    if action == "publish" and runoff_pending:
        return Refusal(
            "还有名额须另行投票决定，须先完成另行投票再公开 "
            "(a runoff is pending: hold it before publishing)"
        )
    return end


def allowed_in(state: str, states: tuple[str, ...], what: str) -> Refusal | None:
    """None when `what` may happen in `state`; otherwise why not."""
    if state in states:
        return None
    listed = "、".join(f"「{STATE_NAMES[s]}」" for s in states)
    return Refusal(
        f"会议当前状态为「{STATE_NAMES[state]}」，{what}只能在{listed}状态下进行 "
        f"(session is {state}: allowed only in {', '.join(states)})"
    )


def cast_refusal(state: str) -> Refusal | None:
    """Casting: before the vote opens and after it closes say which, plainly."""
    if state in CAST_STATES:
        return None
    if STATES.index(state) < STATES.index("open"):
        return Refusal("投票尚未开始 (voting has not opened yet)")
    return Refusal("投票已结束，不能再投票 (voting is closed)")
