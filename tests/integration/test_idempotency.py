"""One idempotent-create helper (servicekit.idempotency.create_once) on PostgreSQL and SQLite.

Through a real use case (collection's create_notice) and the helper itself: a key is scoped to
the use case and the caller; a replay answers the first response; a retry racing the original
answers the original's result or 409, never a 500 and never a second record.
"""

from datetime import UTC, datetime, timedelta

import pytest
from collection.db.models import Notice
from collection.use_cases import intake
from servicekit import idempotency
from servicekit.auth import Guard, Principal
from servicekit.errors import Conflict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

BANNER = "150622"  # 准格尔旗
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ALICE = Principal("11111111-1111-4111-8111-111111111111", ("government_staff",), BANNER)
BOB = Principal("22222222-2222-4222-8222-222222222222", ("government_staff",), BANNER)
BODY = {
    "area_code": BANNER,
    "year": 2026,
    "title": "2026年民生实事项目征集公告",
    "body": "请提出您身边的民生实事建议。",
    "opens_at": NOW.isoformat(),
    "closes_at": (NOW + timedelta(days=30)).isoformat(),
}


def data(body: dict) -> dict:
    """The body as the entrypoint loads it: times parsed."""
    times = {key: datetime.fromisoformat(body[key]) for key in ("opens_at", "closes_at")}
    return {**body, **times}


def create_notice(engine, principal, key, body=BODY):
    with Session(engine, expire_on_commit=False) as session:
        guard = Guard(principal, "collection", "banner")
        return intake.create_notice(session, guard, data(body), body, key, NOW)


def notices(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Notice))


def test_the_same_key_from_two_users_makes_two_records(engine):
    first = create_notice(engine, ALICE, "notice-2026")
    other = create_notice(engine, BOB, "notice-2026")
    assert first["id"] != other["id"]
    assert notices(engine) == 2


def test_a_replay_answers_the_first_response_and_creates_nothing(engine):
    first = create_notice(engine, ALICE, "notice-2026")
    assert create_notice(engine, ALICE, "notice-2026") == first
    assert notices(engine) == 1


def test_the_same_key_with_another_body_is_a_conflict(engine):
    create_notice(engine, ALICE, "notice-2026")
    with pytest.raises(Conflict, match="Idempotency-Key"):
        create_notice(engine, ALICE, "notice-2026", {**BODY, "title": "另一份公告"})
    assert notices(engine) == 1


def test_without_a_key_every_request_creates(engine):
    create_notice(engine, ALICE, None)
    create_notice(engine, ALICE, None)
    assert notices(engine) == 2


def racing_create(engine, session, key):
    """A create whose original request commits while this retry is still inside create():
    the retry got past the replay check before the original was remembered."""

    def create():
        original["result"] = create_notice(engine, ALICE, key)
        return {"id": "the retry's own result, never answered"}

    original: dict = {}
    scope = idempotency.scope_of("notice", ALICE)
    result = idempotency.create_once(session, scope, idempotency.Request(key, BODY), create)
    return original["result"], result


def test_a_retry_racing_the_original_answers_the_originals_result(engine):
    with Session(engine, expire_on_commit=False) as session:
        original, retry = racing_create(engine, session, "notice-race")
    assert retry == original
    assert notices(engine) == 1


def test_a_collision_on_another_unique_row_is_a_conflict_not_a_fault(engine):
    taken = create_notice(engine, ALICE, None)

    def create():
        session.add(Notice(**{**notice_row(), "id": taken["id"]}))  # the same primary key
        session.flush()
        return {}

    with Session(engine) as session, pytest.raises(Conflict, match="concurrent"):
        idempotency.create_once(session, "notice:x", idempotency.Request("k", BODY), create)
    assert notices(engine) == 1


def notice_row() -> dict:
    return {
        "area_code": BANNER,
        "area_path": "/150600/150622/",
        "level": "banner",
        "year": 2026,
        "title": "t",
        "body": "b",
        "opens_at": NOW,
        "closes_at": NOW + timedelta(days=1),
        "created_by": ALICE.user_id,
        "created_at": NOW,
    }
