"""Collection migration 0003 on both engines: an answer given before answers had authors is
kept as the first answer of its request (author unknown), and the first answer stays in
round_comments for the version still running."""

from datetime import UTC, datetime

import pytest
from servicekit import migrate
from servicekit.db import make_engine
from sqlalchemy import text

pytestmark = pytest.mark.integration

GIVEN = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'collection.db'}"
    return request.getfixturevalue("pg").create("comments0003")


def test_answers_given_before_0003_become_first_answers_without_an_author(url):
    migrate.upgrade("collection", url, "0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO draft_lists (id, area_code, area_path, level, year, title,"
                " rounds_planned, status, created_by, created_at) VALUES ('d1', '150602001',"
                " '/150600/150602/150602001/', 'township', 2027, '清单', 3, 'in_round', 'g', :at)"
            ),
            {"at": GIVEN},
        )
        for request_id, comment in (("r1", "同意"), ("r2", None)):
            conn.execute(
                text(
                    "INSERT INTO round_comments (id, draft_list_id, round_number, recipient_kind,"
                    " recipient, comment, requested_at, answered_at) VALUES (:id, 'd1', 1,"
                    " 'township', '林荫街道', :comment, :at, :answered)"
                ),
                {"id": request_id, "comment": comment, "at": GIVEN, "answered": comment and GIVEN},
            )
    migrate.upgrade("collection", url)
    with engine.connect() as conn:
        answers = conn.execute(
            text("SELECT comment_request_id, author_id, comment FROM round_comment_answers")
        ).all()
        kept = conn.execute(
            text("SELECT id, comment, recipient_account FROM round_comments ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(a) for a in answers] == [("r1", None, "同意")]
    assert [tuple(k) for k in kept] == [("r1", "同意", None), ("r2", None, None)]
