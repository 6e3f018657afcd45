"""Deputies' duty posts (履职圈) and sentiment diary (民情日记): the petition service's schemas and
RPC names beyond matters (`PetitionRpc` derives from `PostsRpc`).

A duty post is public: what a deputy did (宣讲、走访、接待、调研), where and when, with photo and
video metadata. Congress staff of its area or above may hide it with a reason; a hidden post
leaves the public feed and stays visible to staff and to its author, with the reason.

A diary note is the deputy's own: nobody else reads it — not another deputy, not congress
staff — and it is in no public view, event, metric or log line. A note may become a matter
(the deputy-entered intake) or a livelihood proposal (a matter accepted and converted:
`matter_converted_to_proposal_v1`); only what the deputy writes into that body leaves the diary.
"""

import re

from marshmallow import fields, validate

from .fields import StrictSchema, Whole, area_code, bounded_int, one_of
from .fields import text as sized  # `text` is also a field name below
from .matters import DEPUTY_CHANNELS, MATTER_CATEGORIES, ProposalFate, Resident
from .proposals import AttachmentIn
from .reference import (
    ATTACHMENT_CONTENT_TYPES,
    LEVELS,
    MAX_ATTACHMENTS,
    level_of_tracking_code,
)
from .rpc import Location

POST_ID_PATTERN = r"^[CBT]-[0-9a-f]{32}$"  # the deputy's level letter: the gateway routes by it
# 宣讲 (briefing on policy), 走访 (visiting residents), 接待 (receiving them), 调研 (research).
POST_KINDS = ("briefing", "visit", "reception", "research")
POST_ACTIONS = ("hide", "unhide")  # moderation by congress staff of the area or above
DIARY_TARGETS = ("matter", "proposal")
# Photos: the platform's image types (contracts.reference); videos as the phones record them.
PHOTO_CONTENT_TYPES = tuple(t for t in ATTACHMENT_CONTENT_TYPES if t.startswith("image/"))
VIDEO_CONTENT_TYPES = ("video/mp4", "video/quicktime", "video/webm")
MAX_VIDEO_BYTES = 200 * 1024 * 1024  # 200 MiB; a photo keeps the platform's 20 MiB
MAX_POST_TEXT = 2000
MAX_NOTE_TEXT = 2000  # a note may become a matter as it is (a matter's text: 5-2000)
MAX_TAGS = 10
RECENT_POSTS = 3  # on a deputy's public page (/d/<code>)


def post_level(post_id: str) -> str | None:
    """The level a post id names (its first letter), or None for a malformed id."""
    if not isinstance(post_id, str) or not re.fullmatch(POST_ID_PATTERN, post_id):
        return None
    return level_of_tracking_code(post_id)


class PostsRpc:
    """The RPC methods of duty posts and the diary (part of PetitionRpc)."""

    publish_duty_post = "publish_duty_post"
    list_duty_posts = "list_duty_posts"
    get_duty_post = "get_duty_post"
    put_duty_post = "put_duty_post"
    delete_duty_post = "delete_duty_post"
    moderate_duty_post = "moderate_duty_post"
    create_diary_note = "create_diary_note"
    list_diary_notes = "list_diary_notes"
    get_diary_note = "get_diary_note"
    put_diary_note = "put_diary_note"
    delete_diary_note = "delete_diary_note"
    convert_diary_note = "convert_diary_note"


def _at_most(count: int) -> validate.Length:
    return validate.Length(max=count, error=f"最多 {count} 项 (at most {count} items)")


# ---- duty posts ----------------------------------------------------------------------------
class PostMediaIn(AttachmentIn):
    """The platform's attachment metadata (name, type, size, SHA-256: contracts.proposals),
    for photos and videos. How many of each, and a photo's size, are the publishing rules
    (petition.domain.posts, 422)."""

    content_type = one_of((*PHOTO_CONTENT_TYPES, *VIDEO_CONTENT_TYPES), required=True)
    size_bytes = bounded_int(1, MAX_VIDEO_BYTES, required=True)


class DutyPostIn(StrictSchema):
    """A duty activity (履职): what was done, where and when. The area is the deputy's own
    unless a place under it is given."""

    kind = one_of(POST_KINDS, required=True)
    text = sized(1, MAX_POST_TEXT, required=True)
    place = sized(1, 100, required=True)
    held_on = fields.Date(required=True)
    area_code = area_code(load_default=None, allow_none=True)
    attachments = fields.List(
        fields.Nested(PostMediaIn), load_default=list, validate=_at_most(MAX_ATTACHMENTS)
    )


class PostModeration(StrictSchema):
    action = one_of(POST_ACTIONS, required=True)
    reason = fields.String(allow_none=True, required=True)
    by = fields.String(allow_none=True, required=True)  # staff only; null for the author
    at = fields.AwareDateTime(required=True)


class PostMedia(StrictSchema):
    file_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class PublicDutyPost(StrictSchema):
    """A post as anyone sees it: the deputy's name and public code (their page: /d/<code>)."""

    id = fields.String(required=True)
    deputy_name = fields.String(required=True)
    deputy_code = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    kind = one_of(POST_KINDS, required=True)
    kind_name = fields.String(required=True)
    text = fields.String(required=True)
    place = fields.String(required=True)
    held_on = fields.Date(required=True)
    attachments = fields.List(fields.Nested(PostMedia), required=True)
    published_at = fields.AwareDateTime(required=True)
    edited_at = fields.AwareDateTime(allow_none=True, required=True)


class DutyPost(PublicDutyPost):
    """One post; its moderation only for congress staff of its area and for its author."""

    deputy_id = fields.String(allow_none=True, required=True)  # staff and the author
    hidden = fields.Boolean(required=True)
    hidden_reason = fields.String(allow_none=True, required=True)
    hidden_at = fields.AwareDateTime(allow_none=True, required=True)
    moderation = fields.List(fields.Nested(PostModeration), required=True)
    mine = fields.Boolean(required=True)


class DutyPostsQuery(StrictSchema):
    """The feed of an area and the areas under it, newest first. `include_hidden`: congress
    staff of the area, or a deputy for their own posts (`deputy_code` their own)."""

    area_code = area_code(required=True)
    deputy_code = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=20)
    )
    kind = one_of(POST_KINDS, load_default=None, allow_none=True)
    include_hidden = fields.Boolean(load_default=False)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 100, load_default=20)


class DutyPostPage(StrictSchema):
    items = fields.List(fields.Nested(DutyPost), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class PostModerate(StrictSchema):
    """hide: the reason, required (shown to the author); unhide: a note, optional."""

    reason = sized(1, 500, load_default=None, allow_none=True)


class DutyPostDeleted(StrictSchema):
    id = fields.String(required=True)
    deleted = fields.Boolean(required=True)


# ---- the sentiment diary -------------------------------------------------------------------
TAG = Whole(
    r"^[#＃]?[^\s,，#＃]{1,20}$",
    error="标签为 1-20 个字符，不含空格、逗号，可以 # 开头 (a tag: 1-20 characters, no space)",
)


class DiaryNoteIn(StrictSchema):
    """A note of what the deputy heard or saw; tags to find it again (a leading # is dropped,
    repeats are one)."""

    text = sized(1, MAX_NOTE_TEXT, required=True)
    tags = fields.List(
        fields.String(validate=TAG),
        load_default=list,
        validate=_at_most(MAX_TAGS),
    )
    noted_on = fields.Date(load_default=None, allow_none=True)  # default: today (Beijing)
    place = sized(1, 200, load_default=None, allow_none=True)


class NoteMatter(StrictSchema):
    id = fields.String(required=True)
    tracking_code = fields.String(required=True)
    state = fields.String(required=True)
    state_name = fields.String(required=True)


class DiaryNote(StrictSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    noted_on = fields.Date(required=True)
    place = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    matter = fields.Nested(NoteMatter, allow_none=True, required=True)
    proposal = fields.Nested(ProposalFate, allow_none=True, required=True)


class DiaryQuery(StrictSchema):
    tag = fields.String(load_default=None, allow_none=True, validate=TAG)
    page = bounded_int(1, 10_000, load_default=1)
    page_size = bounded_int(1, 200, load_default=50)


class DiaryPage(StrictSchema):
    items = fields.List(fields.Nested(DiaryNote), required=True)
    tags = fields.List(fields.String(), required=True)  # every tag of the deputy's notes
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class DiaryNoteDeleted(StrictSchema):
    id = fields.String(required=True)
    deleted = fields.Boolean(required=True)


class DiaryConvert(StrictSchema):
    """matter: category, and optionally channel (走访 by default), title, text (the note's by
    default), location (the note's place by default), area_code, resident; proposal: title,
    description, category and location, written for the proposal (nothing of the note leaves
    by default: the event carries them). A note becomes one matter; a proposal goes through that
    matter (created, accepted and converted when the note has none yet)."""

    channel = one_of(DEPUTY_CHANNELS, load_default="visit")
    category = one_of(MATTER_CATEGORIES, load_default=None, allow_none=True)
    title = sized(2, 100, load_default=None, allow_none=True)
    text = sized(5, 2000, load_default=None, allow_none=True)
    description = sized(5, 5000, load_default=None, allow_none=True)
    location = fields.Nested(Location, load_default=None, allow_none=True)
    area_code = area_code(load_default=None, allow_none=True)
    resident = fields.Nested(Resident, load_default=None, allow_none=True)


class DiaryConverted(StrictSchema):
    note = fields.Nested(DiaryNote, required=True)
    matter_id = fields.String(required=True)
    tracking_code = fields.String(required=True)
