"""Duty posts (履职圈): a deputy publishes what they did (宣讲、走访、接待、调研), edits or deletes
their own; anyone reads an area's feed (the area and the areas under it, newest first) and a
deputy's newest posts on their public page; congress staff of the post's area or above hide it
with a reason, and unhide it, every step recorded with who, when and why.

A hidden post leaves the public feed and the public page, and stays visible to its author and
to congress staff of its area, with the reason; a deleted post is kept for the record and shown
to nobody. The rules: petition.domain.posts.
"""

import uuid
from datetime import UTC, datetime, time
from typing import Any

from contracts import posts as contract
from contracts.reference import LEVEL_LETTERS, MAX_ATTACHMENT_BYTES
from servicekit import areas, idempotency
from servicekit.auth import Guard
from servicekit.db import commit_or_conflict, write_first
from servicekit.validation import dump
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import errors, roles
from ..db.models import Deputy, DutyPost, DutyPostModeration
from ..domain import posts as rules
from ..metrics import POSTS_HIDDEN, POSTS_PUBLISHED
from . import codes
from .common import (
    SHANGHAI,
    area,
    area_name,
    beijing_day,
    deputy_of,
    dumps,
    loads,
    page,
    require_deputy,
)

LIMITS = rules.Limits(
    max_photo_bytes=MAX_ATTACHMENT_BYTES, max_video_bytes=contract.MAX_VIDEO_BYTES
)
CHANGED = "该动态正被他人同时修改，请刷新后重试 (changed meanwhile: reload and retry)"


# ---- rules and views -----------------------------------------------------------------------
def _published_today(session: Session, deputy_id: str, now: datetime) -> int:
    start = datetime.combine(beijing_day(now), time(0), SHANGHAI).astimezone(UTC)
    query = select(func.count()).select_from(DutyPost)
    where = (DutyPost.deputy_id == deputy_id, DutyPost.published_at >= start)
    return int(session.scalar(query.where(*where)) or 0)


def _check_post_rules(data: dict[str, Any], now: datetime, published_today: int) -> None:
    media = [rules.Media(m["content_type"], m["size_bytes"]) for m in data["attachments"]]
    try:
        rules.check_post(media, data["held_on"], beijing_day(now), published_today, LIMITS)
    except rules.PostRefused as exc:
        raise errors.rule(exc.message, {"field": exc.field} if exc.field else {}) from None


def _post_area(deputy: Deputy, wanted: str | None) -> areas.Area:
    if wanted is None or wanted == deputy.area_code:
        return area(deputy.area_code)
    place = area(wanted)
    if not areas.load().within(place.code, deputy.area_code):
        raise errors.invalid(
            "动态的地区须在代表本人的地区之内 (the area must lie within the deputy's)", "area_code"
        )
    return place


def _viewer(session: Session, guard: Guard, post: DutyPost) -> rules.Viewer:
    principal = guard.principal
    me = deputy_of(session, principal)
    moderator = bool(set(principal.roles) & roles.MODERATE) and principal.covers(post.area_code)
    return rules.Viewer(author=me is not None and me.id == post.deputy_id, moderator=moderator)


def _media(post: DutyPost) -> list[dict[str, Any]]:
    kept = ("file_name", "content_type", "size_bytes", "sha256")
    return [{name: m[name] for name in kept} for m in loads(post.attachments) or []]


def public_post(post: DutyPost, deputy: Deputy) -> dict[str, Any]:
    """What anyone may see of a visible post (contracts.posts.PublicDutyPost)."""
    return {
        "id": post.id,
        "deputy_name": deputy.name,
        "deputy_code": deputy.public_code,
        "level": post.level,
        "area_code": post.area_code,
        "area_name": area_name(post.area_code),
        "kind": post.kind,
        "kind_name": rules.KIND_NAMES[post.kind],
        "text": post.text,
        "place": post.place,
        "held_on": post.held_on,
        "attachments": _media(post),
        "published_at": post.published_at,
        "edited_at": post.edited_at,
    }


def _moderation(session: Session, post: DutyPost, viewer: rules.Viewer) -> list[dict[str, Any]]:
    if not (viewer.author or viewer.moderator):
        return []
    query = select(DutyPostModeration).where(DutyPostModeration.post_id == post.id)
    rows = session.scalars(query.order_by(DutyPostModeration.at, DutyPostModeration.id))
    return [
        {
            "action": row.action,
            "reason": row.reason,
            "by": row.by if viewer.moderator else None,  # the author learns why, not who
            "at": row.at,
        }
        for row in rows
    ]


def _post_view(
    session: Session, post: DutyPost, deputy: Deputy, viewer: rules.Viewer
) -> dict[str, Any]:
    told = viewer.author or viewer.moderator
    return {
        **public_post(post, deputy),
        "deputy_id": post.deputy_id if told else None,
        "hidden": post.hidden,
        "hidden_reason": post.hidden_reason if told else None,
        "hidden_at": post.hidden_at if told else None,
        "moderation": _moderation(session, post, viewer),
        "mine": viewer.author,
    }


def _author_of(session: Session, post: DutyPost) -> Deputy:
    deputy = session.get(Deputy, post.deputy_id)
    if deputy is None:  # a foreign key: only a broken database gets here
        raise errors.post_not_found()
    return deputy


def _post_answer(session: Session, guard: Guard, post: DutyPost) -> dict[str, Any]:
    deputy = _author_of(session, post)
    return dump(contract.DutyPost, _post_view(session, post, deputy, _viewer(session, guard, post)))


def recent_duty_posts(session: Session, deputy: Deputy) -> list[dict[str, Any]]:
    """The deputy's newest visible posts, for their public page (/d/<code>)."""
    query = select(DutyPost).where(
        DutyPost.deputy_id == deputy.id, DutyPost.hidden.is_(False), DutyPost.deleted_at.is_(None)
    )
    rows = session.scalars(
        query.order_by(DutyPost.published_at.desc(), DutyPost.id).limit(contract.RECENT_POSTS)
    )
    return [public_post(row, deputy) for row in rows]


# ---- publishing, editing, deleting ---------------------------------------------------------
def publish_duty_post(
    session: Session, guard: Guard, data: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    """{kind, text, place, held_on, attachments} by the deputy → the post (201)."""
    principal = guard.require(roles.POST)
    deputy = require_deputy(session, guard)
    place = _post_area(deputy, data.get("area_code"))

    def stage_post() -> dict[str, Any]:
        _check_post_rules(data, now, _published_today(session, deputy.id, now))
        post = DutyPost(
            id=f"{LEVEL_LETTERS[deputy.level]}-{uuid.uuid4().hex}",
            deputy_id=deputy.id,
            level=deputy.level,
            area_code=place.code,
            area_path=place.path,
            kind=data["kind"],
            text=data["text"],
            place=data["place"],
            held_on=data["held_on"],
            attachments=dumps(data["attachments"]),
            hidden=False,
            published_at=now,
        )
        session.add(post)
        session.flush()
        viewer = rules.Viewer(author=True)
        return dump(contract.DutyPost, _post_view(session, post, deputy, viewer))

    scope = idempotency.scope_of("publish_duty_post", principal)
    counted = lambda: POSTS_PUBLISHED.inc(guard.level, kind=data["kind"])  # noqa: E731
    return idempotency.create_once(
        session, scope, idempotency.Request(key, data), stage_post, counted
    )


def _locked_post(session: Session, post_id: str) -> DutyPost | None:
    write_first(session, DutyPost.id, post_id, DutyPost.published_at)
    query = select(DutyPost).where(DutyPost.id == post_id, DutyPost.deleted_at.is_(None))
    return session.scalars(query.with_for_update()).first()


def _own_post(session: Session, guard: Guard, post_id: str) -> DutyPost:
    guard.require(roles.POST)
    deputy = require_deputy(session, guard)
    post = _locked_post(session, str(post_id))
    if post is None:
        raise errors.post_not_found()
    if post.deputy_id != deputy.id:
        raise guard.forbid(
            "not_own_post",
            "代表只能修改或删除本人的履职动态 (only your own posts)",
            {},
            post.area_code,
        )
    return post


def put_duty_post(
    session: Session, guard: Guard, post_id: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The whole post again, by its author; a hidden post stays hidden until staff unhide it."""
    post = _own_post(session, guard, post_id)
    deputy = _author_of(session, post)
    place = _post_area(deputy, data.get("area_code"))
    _check_post_rules(data, now, 0)
    post.kind, post.text, post.place = data["kind"], data["text"], data["place"]
    post.held_on, post.attachments = data["held_on"], dumps(data["attachments"])
    post.area_code, post.area_path, post.edited_at = place.code, place.path, now
    commit_or_conflict(session, CHANGED)
    return _post_answer(session, guard, post)


def delete_duty_post(session: Session, guard: Guard, post_id: str, now: datetime) -> dict[str, Any]:
    post = _own_post(session, guard, post_id)
    post.deleted_at = now
    commit_or_conflict(session, CHANGED)
    return dump(contract.DutyPostDeleted, {"id": post.id, "deleted": True})


# ---- reading -------------------------------------------------------------------------------
def get_duty_post(session: Session, guard: Guard, post_id: str) -> dict[str, Any]:
    """Anyone: a visible post; its author and congress staff of its area: hidden ones too."""
    post = session.get(DutyPost, str(post_id))
    if post is None or not rules.visible(
        post.hidden, post.deleted_at is not None, _viewer(session, guard, post)
    ):
        raise errors.post_not_found()  # a hidden post does not exist for the public
    return _post_answer(session, guard, post)


def _feed_deputy(session: Session, code: str | None) -> Deputy | None:
    if code is None:
        return None
    printed = codes.scanned(session, code)
    holder = codes.holder_of(session, codes.current(session, printed)) if printed else None
    if not isinstance(holder, Deputy):
        raise errors.invalid("没有这个代表码 (no such deputy code)", "deputy_code")
    return holder


def _may_see_hidden(session: Session, guard: Guard, place: areas.Area, of: Deputy | None) -> None:
    """Hidden posts in a list: congress staff of the area, or a deputy in their own list."""
    me = deputy_of(session, guard.principal)
    if me is not None and of is not None and me.id == of.id:
        return
    guard.require(roles.MODERATE, place.code)


def list_duty_posts(session: Session, guard: Guard, query: dict[str, Any]) -> dict[str, Any]:
    """{area_code, deputy_code?, kind?, include_hidden?} → newest first, a page."""
    place = area(query["area_code"])
    of = _feed_deputy(session, query.get("deputy_code"))
    where = [DutyPost.area_path.startswith(place.path), DutyPost.deleted_at.is_(None)]
    if query["include_hidden"]:
        _may_see_hidden(session, guard, place, of)
    else:
        where.append(DutyPost.hidden.is_(False))
    if of is not None:
        where.append(DutyPost.deputy_id == of.id)
    if query.get("kind"):
        where.append(DutyPost.kind == query["kind"])
    total = session.scalar(select(func.count()).select_from(DutyPost).where(*where)) or 0
    offset, limit = page(query)
    rows = list(session.scalars(
        select(DutyPost).where(*where).order_by(DutyPost.published_at.desc(), DutyPost.id)
        .offset(offset).limit(limit)
    ))  # fmt: skip
    ids = {row.deputy_id for row in rows}
    deputies = {d.id: d for d in session.scalars(select(Deputy).where(Deputy.id.in_(ids)))}
    items = [
        _post_view(session, row, deputies[row.deputy_id], _viewer(session, guard, row))
        for row in rows
    ]
    return dump(
        contract.DutyPostPage,
        {"items": items, "total": total, "page": query["page"], "page_size": limit},
    )


# ---- moderation ----------------------------------------------------------------------------
def moderate_duty_post(
    session: Session, guard: Guard, post_id: str, action: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """hide {reason} / unhide {reason?} by congress staff of the post's area or above."""
    guard.require(roles.MODERATE)
    post = _locked_post(session, str(post_id))
    if post is None:
        raise errors.post_not_found()
    principal = guard.require(roles.MODERATE, post.area_code)
    if action == rules.HIDE and not data.get("reason"):
        raise errors.missing("reason")
    was_hidden = post.hidden
    try:
        post.hidden = rules.moderate(was_hidden, action, data.get("reason"))
    except rules.PostRefused as exc:
        session.rollback()  # release the row lock
        raise errors.conflict(exc.message, {"hidden": was_hidden}) from None
    hiding = action == rules.HIDE
    post.hidden_reason = data["reason"] if hiding else None
    post.hidden_by = principal.user_id if hiding else None
    post.hidden_at = now if hiding else None
    session.add(
        DutyPostModeration(
            post_id=post.id, action=action, reason=data.get("reason"),
            by=principal.user_id or "", at=now,
        )
    )  # fmt: skip
    counted = (lambda: POSTS_HIDDEN.inc(guard.level)) if hiding else None
    commit_or_conflict(session, CHANGED, counted)
    return _post_answer(session, guard, post)
