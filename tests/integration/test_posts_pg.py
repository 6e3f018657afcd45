"""Duty posts and the diary on PostgreSQL (and SQLite, the default): the migrated tables, the
feed's subtree query and order, moderation with its record, the tag filter, and a note turned
into a proposal whose event leaves through the outbox with nothing of the note."""

import json

import pytest
from petition.use_cases.common import today
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict
from servicekit.relay import OUTBOX
from sqlalchemy import select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

pytestmark = pytest.mark.integration
SECRET = "居民私下反映某小区物业乱收费，怕被报复不敢实名"


@pytest.fixture(params=["postgresql", "sqlite"])
def world(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        urls = {"petition": request.getfixturevalue("pg").create("petition")}
    with migrated_sessions("petition", tmp_path, urls) as sessions:
        yield p.build(sessions)


def post(world, who, **changes):
    body = {"kind": "research", "text": "调研老旧小区加装电梯", "place": "迎宾路小区",
            "held_on": str(today()), **changes}  # fmt: skip
    return world.worker(who).publish_duty_post(body)["id"]


def test_the_feed_moderation_and_the_public_page(world):
    town = post(world, p.WANG)
    banner = post(world, p.LI, area_code="150622101")
    city = world.worker().list_duty_posts({"area_code": "150600"})
    assert [i["id"] for i in city["items"]] == [banner, town]
    assert world.worker().list_duty_posts({"area_code": "150622100"})["total"] == 1
    world.worker(p.CITY_RENDA).moderate_duty_post(town, "hide", {"reason": "信息不实"})
    with pytest.raises(Conflict):
        world.worker(p.RENDA).moderate_duty_post(town, "hide", {"reason": "又一次"})
    assert [
        i["id"] for i in world.worker(ANONYMOUS).list_duty_posts({"area_code": "150600"})["items"]
    ] == [banner]
    staff = world.worker(p.RENDA).get_duty_post(town)
    assert [(m["action"], m["by"]) for m in staff["moderation"]] == [("hide", "u-city")]
    page = world.worker().get_public_code(world.code_of("wang"))
    assert page["holder"]["deputy"]["recent_posts"] == []


def test_tags_and_a_note_to_a_proposal_through_the_outbox(world):
    worker = world.worker(p.WANG)
    note = worker.create_diary_note({"text": SECRET, "tags": ["物业", "#收费"]})["id"]
    worker.create_diary_note({"text": "另一条", "tags": ["养老"]})
    assert [n["id"] for n in worker.list_diary_notes({"tag": "收费"})["items"]] == [note]
    assert world.worker(p.ZHAO).list_diary_notes({"tag": "收费"})["total"] == 0
    converted = worker.convert_diary_note(
        note,
        "proposal",
        {"title": "老旧小区物业收费公示", "description": "建议物业收费项目张榜公示。",
         "category": "老旧小区改造", "location": {"text": "薛家湾镇"}},
    )  # fmt: skip
    assert converted["note"]["proposal"]["title"] == "老旧小区物业收费公示"
    rows = world.sessions["petition"].execute(select(OUTBOX.c.event_type, OUTBOX.c.envelope))
    events = {str(kind): str(envelope) for kind, envelope in rows}
    assert {"matter_submitted_v1", "matter_converted_to_proposal_v1"} <= set(events)
    payload = json.loads(events["matter_converted_to_proposal_v1"])["payload"]
    assert payload["matter_id"] == converted["matter_id"]
    assert all(SECRET not in envelope for envelope in events.values())
