"""Public supervision on PostgreSQL (and SQLite): the migrated tables, feedback sent, locked
and moderated, the public list without contact, the staff page's subtree and count, a finding
made once, and a social supervisor's observation on an assigned project."""

import pytest
from servicekit.errors import Conflict
from sqlalchemy import text

from tests.support.supervision_public import (
    NAME,
    PHONE,
    RENDA,
    ROAD,
    SCHOOL,
    World,
    observe,
    register,
)
from tests.support.workers import migrated_sessions

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql", "sqlite"])
def world(request, tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://minsheng.example.cn")
    urls = None
    if request.param == "postgresql":
        urls = {"supervision": request.getfixturevalue("pg").create("supervision")}
    with migrated_sessions("supervision", tmp_path, urls) as sessions:
        yield World(sessions)


def test_feedback_from_the_code_to_the_public_list_and_a_finding(world):
    first = world.submit()["feedback_id"]
    world.submit(pid=SCHOOL, anonymous=True, name=None, phone=None, category="safety")
    staff = world.worker(RENDA)
    page = staff.list_feedback({"area_code": "150622", "year": 2026, "page_size": 1})
    assert (page["total"], len(page["items"])) == (2, 1)
    staff.moderate_feedback(first, {"action": "publish"})
    public = world.worker().list_public_feedback(world.code().lower())
    assert [item["id"] for item in public["items"]] == [first]
    assert PHONE not in str(public) and NAME not in str(public)
    made = staff.feedback_to_finding(first, {"text": "路面质量问题"})
    with pytest.raises(Conflict):
        staff.feedback_to_finding(first, {})
    count = world.session.execute(
        text("select count(*) from findings where source_ref = :ref"), {"ref": first}
    ).scalar_one()
    assert count == 1 and made["source"] == "feedback"


def test_an_observation_on_an_assigned_project(world):
    register(world)
    made = observe(world)
    listed = world.worker(RENDA).list_observations({"area_code": "150622", "project_id": ROAD})
    assert [o["id"] for o in listed["items"]] == [made["id"]]
    assert [line[1] for line in world.file_lines()].count("observation") == 1
