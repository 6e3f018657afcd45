"""Collection rules (群众提), pure: standard library only, no I/O.

What is decided here: whether collection is open for an area at a moment, which staff roles may
enter which channel, what a tracking code looks like, how a status reads to a resident.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LEVEL_LETTERS = {"city": "C", "banner": "B", "township": "T"}

STAFF_ROLES = frozenset({"admin", "congress_staff", "government_staff", "department_staff"})
NOTICE_ROLES = frozenset({"admin", "government_staff"})

# Who may enter a proposal on someone's behalf, by channel. Residents use "online" unaided;
# "petition" proposals come only from petition's event, so no role may enter one by hand.
CHANNEL_ROLES = {
    "deputy": frozenset({"admin", "deputy", "congress_staff"}),
    "department": frozenset({"admin", "department_staff", "government_staff"}),
    "letter": frozenset({"admin", "government_staff", "congress_staff"}),
    "visit": frozenset({"admin", "government_staff", "congress_staff"}),
    "hotline": frozenset({"admin", "government_staff"}),
    "petition": frozenset(),
}
# Merging decides which proposal goes on: the government's call, like screening.
MERGE_ROLES = frozenset({"admin", "government_staff"})
# Those who hand in proposals on someone's behalf may add the files that came with them.
ATTACHMENT_ROLES = STAFF_ROLES | {"deputy"}
# A proposal that was merged, or already voted on, can be neither merged nor merged into.
UNMERGEABLE_STATUSES = frozenset({"merged", "adopted", "not_adopted"})

STATUS_TEXT = {
    "submitted": "已收到，等待政府筛选 (received, awaiting screening)",
    "in_library": "已入选民生实事项目库 (accepted into the project library)",
    "rejected": "未入选项目库 (not accepted)",
    "needs_info": "需要补充信息 (more information needed)",
    "merged": "已与相同内容的建议合并办理 (merged with a proposal of the same content)",
    "adopted": "已由人大代表票决通过 (adopted by the deputies' vote)",
    "not_adopted": "未获代表票决通过 (not adopted by the vote)",
}


@dataclass(frozen=True)
class NoticeWindow:
    notice_id: str
    opens_at: datetime
    closes_at: datetime

    def status(self, now: datetime) -> str:
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


@dataclass(frozen=True)
class IntakeDecision:
    notice_id: str | None
    refusal: str | None = None

    @property
    def accepted(self) -> bool:
        return self.notice_id is not None


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def intake_decision(windows: Iterable[NoticeWindow], now: datetime) -> IntakeDecision:
    """Accept while a notice of the area is open; otherwise say when it opens or that it closed."""
    windows = list(windows)
    open_now = [w for w in windows if w.status(now) == "open"]
    if open_now:
        return IntakeDecision(min(open_now, key=lambda w: w.closes_at).notice_id)
    upcoming = sorted((w for w in windows if w.status(now) == "upcoming"), key=lambda w: w.opens_at)
    if upcoming:
        when = _local(upcoming[0].opens_at)
        return IntakeDecision(
            None, f"本地区征集尚未开始，将于 {when}（北京时间）开始 (collection opens {when})"
        )
    if windows:
        when = _local(max(w.closes_at for w in windows))
        return IntakeDecision(
            None, f"本地区征集已于 {when}（北京时间）截止 (collection closed {when})"
        )
    return IntakeDecision(None, "本地区当前没有征集公告 (no collection notice for this area)")


def notice_for_matter(windows: Iterable[NoticeWindow], moment: datetime) -> str | None:
    """The notice a proposal from a petition matter joins: the area's open notice, else the
    soonest upcoming, else the latest closed, else none. A matter is never refused: the
    resident already waited for the deputy."""
    windows = list(windows)
    decision = intake_decision(windows, moment)
    if decision.accepted:
        return decision.notice_id
    upcoming = [w for w in windows if w.status(moment) == "upcoming"]
    if upcoming:
        return min(upcoming, key=lambda w: w.opens_at).notice_id
    closed = [w for w in windows if w.status(moment) == "closed"]
    return max(closed, key=lambda w: w.closes_at).notice_id if closed else None


def beijing_year(moment: datetime) -> int:
    return moment.astimezone(SHANGHAI).year


def may_enter_channel(channel: str, roles: Iterable[str]) -> bool:
    if channel == "online":
        return True
    return bool(CHANNEL_ROLES.get(channel, frozenset()) & set(roles))


def sees_tracking_codes(roles: Iterable[str]) -> bool:
    """A tracking code opens a resident's tracking page. Staff hold other proposals' codes (to
    answer a caller, to merge); a deputy, not staff, sees only the code of their own entry."""
    return bool(STAFF_ROLES & set(roles))


def new_tracking_code(level: str) -> str:
    """Level letter + 11 random base32 characters (55 bits), grouped for reading aloud."""
    body = LEVEL_LETTERS[level] + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(11))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def status_text(status: str) -> str:
    return STATUS_TEXT[status]


# Verdicts residents see only once the area's outcomes are published; "needs_info" is a question
# to the submitter, not a decision, so it shows at once.
UNPUBLISHED_VERDICTS = frozenset({"in_library", "rejected"})


def public_status(status: str, outcome_published: bool) -> str:
    """The status a resident may see: a screening verdict reads "submitted" until published."""
    if status in UNPUBLISHED_VERDICTS and not outcome_published:
        return "submitted"
    return status
