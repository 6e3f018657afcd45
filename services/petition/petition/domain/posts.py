"""Duty posts (履职圈) and diary tags, pure: what a deputy may publish, who sees a post, how
moderation moves it, and how tags are written.

- Publishing: at most 9 photos and 1 video per post, a photo within the platform's attachment
  size, the activity's day not after today nor more than a year back, and at most 20 posts a
  day per deputy (a feed, not a bulletin board). Each refusal says it in Chinese first (422).
- Seeing: a post is public until hidden or deleted; a hidden one stays visible to its author
  and to congress staff of its area or above (with the reason); a deleted one to nobody.
- Moderating: hide needs a reason and a visible post; unhide a hidden one (409 otherwise).
- Tags: a leading #, surrounding space and repeats go; the order stays the author's.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

BRIEFING, VISIT, RECEPTION, RESEARCH = "briefing", "visit", "reception", "research"
KINDS = (BRIEFING, VISIT, RECEPTION, RESEARCH)
KIND_NAMES = {BRIEFING: "宣讲", VISIT: "走访", RECEPTION: "接待", RESEARCH: "调研"}

HIDE, UNHIDE = "hide", "unhide"
ACTION_NAMES = {HIDE: "屏蔽", UNHIDE: "恢复显示"}


@dataclass(frozen=True)
class Limits:
    """The publishing limits (defaults; the sizes come from contracts at the call)."""

    max_photos: int = 9
    max_videos: int = 1
    max_photo_bytes: int = 20 * 1024 * 1024
    max_video_bytes: int = 200 * 1024 * 1024
    max_age_days: int = 366
    max_per_day: int = 20


@dataclass(frozen=True)
class Media:
    content_type: str
    size_bytes: int


class PostRefused(ValueError):
    """A post the rules do not allow (422), or a moderation its state does not (409)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message, self.field = message, field
        super().__init__(message)


def check_media(media: Iterable[Media], limits: Limits) -> None:
    items = list(media)
    photos = [m for m in items if m.content_type.startswith("image/")]
    videos = [m for m in items if m.content_type.startswith("video/")]
    if len(photos) > limits.max_photos:
        raise PostRefused(
            f"每条动态最多 {limits.max_photos} 张照片 (at most {limits.max_photos} photos)",
            "attachments",
        )
    if len(videos) > limits.max_videos:
        raise PostRefused(
            f"每条动态最多 {limits.max_videos} 个视频 (at most {limits.max_videos} video)",
            "attachments",
        )
    if any(p.size_bytes > limits.max_photo_bytes for p in photos):
        mib = limits.max_photo_bytes // (1024 * 1024)
        raise PostRefused(f"照片不能超过 {mib} MB (a photo: at most {mib} MiB)", "attachments")
    if any(v.size_bytes > limits.max_video_bytes for v in videos):
        mib = limits.max_video_bytes // (1024 * 1024)
        raise PostRefused(f"视频不能超过 {mib} MB (a video: at most {mib} MiB)", "attachments")


def check_held_on(held_on: date, today: date, limits: Limits) -> None:
    if held_on > today:
        raise PostRefused("活动日期不能晚于今天 (the activity's day is after today)", "held_on")
    if held_on < today - timedelta(days=limits.max_age_days):
        raise PostRefused(
            f"活动日期不能早于 {limits.max_age_days} 天前 "
            f"(the activity's day is more than {limits.max_age_days} days back)",
            "held_on",
        )


def check_daily(published_today: int, limits: Limits) -> None:
    if published_today >= limits.max_per_day:
        raise PostRefused(
            f"每天最多发布 {limits.max_per_day} 条履职动态 (at most {limits.max_per_day} a day)"
        )


def check_post(
    media: Iterable[Media], held_on: date, today: date, published_today: int, limits: Limits
) -> None:
    """Every publishing rule of a new post (an edit: `published_today` 0)."""
    check_media(media, limits)
    check_held_on(held_on, today, limits)
    check_daily(published_today, limits)


@dataclass(frozen=True)
class Viewer:
    """Who looks at a post: its author? congress staff covering its area?"""

    author: bool = False
    moderator: bool = False


def visible(hidden: bool, deleted: bool, viewer: Viewer) -> bool:
    if deleted:
        return False
    return not hidden or viewer.author or viewer.moderator


def moderate(hidden: bool, action: str, reason: str | None) -> bool:
    """Whether the post is hidden after `action`; PostRefused when it cannot be taken."""
    if action == HIDE:
        if hidden:
            raise PostRefused("该动态已被屏蔽 (already hidden)")
        if not (reason or "").strip():
            raise PostRefused("屏蔽须说明理由 (hiding needs a reason)", "reason")
        return True
    if action == UNHIDE:
        if not hidden:
            raise PostRefused("该动态未被屏蔽 (not hidden)")
        return False
    raise ValueError(f"unknown action {action!r}")


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """ " #民生 ", "民生", "养老" -> ("民生", "养老"): what a tag filter matches."""
    kept: dict[str, None] = {}
    for tag in tags:
        cleaned = tag.strip().lstrip("#＃").strip()
        if cleaned:
            kept.setdefault(cleaned, None)
    return tuple(kept)
