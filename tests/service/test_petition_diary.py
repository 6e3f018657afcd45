"""The sentiment diary (民情日记) through petition's entrypoints on migrated SQLite: notes with
tags and a tag filter; only the author reads, changes or deletes them — another deputy and
congress staff of every level get "not found" or a role refusal; a note becomes a matter (the
deputy-entered intake, linked, the note kept) or a proposal (through that matter, accepted and
converted: matter_converted_to_proposal_v1); no note text in an event, a metric or a log."""

import json
import logging

import pytest
from servicekit import metrics
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from servicekit.logging import JsonFormatter
from servicekit.relay import OUTBOX
from sqlalchemy import select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

SECRET = "刘大爷说低保复核被卡了三个月，怀疑村干部优亲厚友"
NOTE = {"text": SECRET, "tags": ["#低保", "私访", "低保"], "place": "沙圪堵村"}
PROPOSAL = {
    "title": "村级养老服务站建设",
    "description": "建议在沙圪堵镇各村建设日间照料养老服务站。",
    "category": "养老托育",
    "location": {"text": "沙圪堵镇"},
}


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def write(world, who=p.WANG, **changes):
    return world.worker(who).create_diary_note({**NOTE, **changes})


def published(world):
    rows = world.sessions["petition"].execute(select(OUTBOX.c.event_type, OUTBOX.c.envelope))
    return [(kind, json.loads(envelope)["payload"]) for kind, envelope in rows]


class TestNotes:
    def test_a_note_keeps_its_tags_cleaned_in_the_authors_order(self, world):
        note = write(world)
        assert note["tags"] == ["低保", "私访"] and note["place"] == "沙圪堵村"
        assert note["matter"] is None and note["proposal"] is None
        assert world.worker(p.WANG).get_diary_note(note["id"])["text"] == SECRET

    def test_the_list_is_the_authors_own_filtered_by_tag(self, world):
        first = write(world)["id"]
        second = write(world, text="路灯又坏了", tags=["路灯"])["id"]
        write(world, p.ZHAO, text="赵代表自己的日记", tags=["低保"])
        mine = world.worker(p.WANG).list_diary_notes({})
        assert {n["id"] for n in mine["items"]} == {first, second}
        assert mine["tags"] == sorted(["低保", "私访", "路灯"])
        tagged = world.worker(p.WANG).list_diary_notes({"tag": "#低保"})
        assert [n["id"] for n in tagged["items"]] == [first]
        assert world.worker(p.ZHAO).list_diary_notes({})["total"] == 1

    def test_the_author_edits_and_deletes(self, world):
        note = write(world)["id"]
        changed = world.worker(p.WANG).put_diary_note(note, {"text": "改过的", "tags": ["回访"]})
        assert (changed["text"], changed["tags"], changed["place"]) == ("改过的", ["回访"], None)
        assert world.worker(p.WANG).delete_diary_note(note) == {"id": note, "deleted": True}
        with pytest.raises(NotFound):
            world.worker(p.WANG).get_diary_note(note)
        assert world.worker(p.WANG).list_diary_notes({"tag": "回访"})["total"] == 0

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"text": ""}, "text"),
            ({"text": "x" * 2001}, "text"),
            ({"text": "好", "tags": ["有 空格"]}, "tags"),
            ({"text": "好", "tags": ["长" * 21]}, "tags"),
            ({"text": "好", "tags": [f"t{n}" for n in range(11)]}, "tags"),
            ({"text": "好", "noted_on": "tomorrow"}, "noted_on"),
            ({"text": "好", "secret": True}, "secret"),
        ],
    )
    def test_a_malformed_note_is_a_400_naming_the_field(self, world, body, field):
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.WANG).create_diary_note(body)
        assert field in refused.value.details


class TestPrivacy:
    def test_nobody_but_the_author_reads_a_note_not_even_congress_staff(self, world):
        note = write(world)["id"]
        for deputy in (p.ZHAO, p.LI):
            worker = world.worker(deputy)
            for call in (
                lambda w: w.get_diary_note(note),
                lambda w: w.put_diary_note(note, {"text": "篡改"}),
                lambda w: w.delete_diary_note(note),
                lambda w: w.convert_diary_note(note, "matter", {"category": "养老托育"}),
            ):
                with pytest.raises(NotFound):
                    call(worker)
            assert world.worker(deputy).list_diary_notes({})["total"] == 0
        for staff in (p.TOWN_RENDA, p.RENDA, p.CITY_RENDA, p.ADMIN, p.ZHENGFU):
            with pytest.raises(Forbidden):
                world.worker(staff).get_diary_note(note)
            with pytest.raises(Forbidden):
                world.worker(staff).list_diary_notes({})
        with pytest.raises(Unauthenticated):
            world.worker(ANONYMOUS).get_diary_note(note)
        with pytest.raises(Forbidden):
            world.worker(p.NOBODY).list_diary_notes({})  # a deputy account without a profile
        assert world.worker(p.WANG).get_diary_note(note)["text"] == SECRET

    def test_no_note_reaches_a_public_view_an_event_a_metric_or_a_log(self, world, caplog):
        caplog.set_level(logging.DEBUG)
        note = write(world)["id"]
        world.worker(p.WANG).list_diary_notes({"tag": "低保"})
        world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)
        views = [
            world.worker().get_public_code(world.code_of("wang")),
            world.worker().list_duty_posts({"area_code": "150622"}),
            world.worker(p.RENDA).list_matters({"area_code": "150622"}),
            world.worker(p.RENDA).get_petition_report({"area_code": "150622"}),
        ]
        told = json.dumps([views, published(world)], ensure_ascii=False)
        logs = "\n".join(JsonFormatter().format(r) for r in caplog.records)
        for text in (SECRET, "沙圪堵村", "私访"):
            assert text not in told and text not in logs
        assert SECRET not in metrics.exposition().decode()


class TestNoteToMatter:
    def test_a_note_becomes_a_deputy_entered_matter_and_stays(self, world):
        note = write(world)["id"]
        converted = world.worker(p.WANG).convert_diary_note(
            note, "matter", {"category": "养老托育", "channel": "courtyard"}
        )
        matter = world.worker(p.WANG).get_matter(converted["matter_id"])
        assert (matter["channel"], matter["state"], matter["text"]) == (
            "courtyard",
            "received",
            SECRET,
        )
        assert matter["location"]["text"] == "沙圪堵村" and matter["deputy_id"]
        assert converted["note"]["matter"]["tracking_code"] == converted["tracking_code"]
        assert world.worker(p.WANG).get_diary_note(note)["matter"]["state"] == "received"
        (event,) = [e for kind, e in published(world) if kind == "matter_submitted_v1"]
        assert event["channel"] == "courtyard" and SECRET not in json.dumps(
            event, ensure_ascii=False
        )

    def test_a_note_becomes_one_matter_only(self, world):
        note = write(world)["id"]
        world.worker(p.WANG).convert_diary_note(note, "matter", {"category": "养老托育"})
        with pytest.raises(Conflict):
            world.worker(p.WANG).convert_diary_note(note, "matter", {"category": "养老托育"})
        assert world.worker(p.WANG).list_matters({"area_code": "150622100"})["total"] == 1

    def test_what_the_matter_needs_is_asked_for(self, world):
        note = write(world, place=None)["id"]
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.WANG).convert_diary_note(note, "matter", {})
        assert {"category", "location"} <= set(refused.value.details)
        short = write(world, text="路灯")["id"]  # a matter's text is 5 characters at least
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.WANG).convert_diary_note(short, "matter", {"category": "其他"})
        assert "text" in refused.value.details
        assert world.worker(p.WANG).get_diary_note(short)["matter"] is None
        with pytest.raises(NotFound):
            world.worker(p.WANG).convert_diary_note(short, "project", {})


class TestNoteToProposal:
    def test_a_note_becomes_a_proposal_through_its_matter_accepted_and_converted(self, world):
        note = write(world)["id"]
        converted = world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)
        matter = world.worker(p.WANG).get_matter(converted["matter_id"])
        assert matter["state"] == "accepted" and matter["text"] == PROPOSAL["description"]
        assert [s["action"] for s in matter["steps"]] == ["submit", "accept", "convert"]
        assert converted["note"]["proposal"]["title"] == PROPOSAL["title"]
        (event,) = [e for kind, e in published(world) if kind == "matter_converted_to_proposal_v1"]
        assert (event["matter_id"], event["title"], event["category"]) == (
            converted["matter_id"],
            PROPOSAL["title"],
            "养老托育",
        )
        assert SECRET not in json.dumps(event, ensure_ascii=False)
        with pytest.raises(Conflict):
            world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)

    def test_collections_answer_reaches_the_note(self, world):
        note = write(world)["id"]
        matter = world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)["matter_id"]
        world.worker().handle_collection_proposal_screened(p.screened(matter))
        assert world.worker(p.WANG).get_diary_note(note)["proposal"]["verdict"] == "in_library"

    def test_a_note_with_a_matter_converts_that_matter_once_accepted(self, world):
        note = write(world)["id"]
        matter = world.worker(p.WANG).convert_diary_note(note, "matter", {"category": "养老托育"})
        with pytest.raises(Conflict):  # the state machine: accept first
            world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)
        world.act(p.WANG, matter["matter_id"], "accept")
        again = world.worker(p.WANG).convert_diary_note(note, "proposal", PROPOSAL)
        assert again["matter_id"] == matter["matter_id"]
        assert again["note"]["proposal"]["title"] == PROPOSAL["title"]

    def test_the_proposal_needs_its_own_title_description_and_category(self, world):
        note = write(world)["id"]
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.WANG).convert_diary_note(note, "proposal", {})
        assert {"title", "description", "category", "location"} <= set(refused.value.details)
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.WANG).convert_diary_note(
                note, "proposal", {**PROPOSAL, "category": "矛盾纠纷"}
            )
        assert "category" in refused.value.details
        assert world.worker(p.WANG).get_diary_note(note)["matter"] is None
        assert [k for k, _ in published(world)] == []
