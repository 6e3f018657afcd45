"""From a matter to next year's proposal and back (the 吉祥广场 story): the matter converted,
collection's answer (`proposal_screened_v1`) recorded once whatever is redelivered, and the
resident's tracking page saying what became of it — never who they are."""

import pytest
from servicekit.auth import ANONYMOUS
from servicekit.errors import NotFound

from tests.support import petition as p
from tests.support.workers import migrated_sessions


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def code_of(world, matter_id):
    return world.worker(p.WANG).get_matter(matter_id)["tracking_code"]


def test_the_tracking_page_says_the_matter_is_a_proposal_awaiting_screening(world):
    matter = p.converted(world)
    page = world.worker().track_matter(code_of(world, matter))
    assert page["proposal"]["title"] == "林荫街道广场翻新"
    assert page["proposal"]["verdict"] is None
    assert "等待" in page["proposal"]["verdict_name"]


def test_collections_answer_is_recorded_once_and_shown(world):
    matter = p.converted(world)
    handler = world.worker(ANONYMOUS)
    event = p.screened(matter)
    handler.handle_collection_proposal_screened(event)
    handler.handle_collection_proposal_screened(event)  # redelivered
    page = world.worker().track_matter(code_of(world, matter).lower())
    assert page["proposal"]["verdict"] == "in_library"
    assert page["proposal"]["verdict_name"] == "已列入民生实事项目库"
    assert page["proposal"]["proposal_tracking_code"] == "T9ZZ-8YYY-7XXX"
    assert [s["action"] for s in page["steps"]].count("screened") == 1


def test_a_later_answer_replaces_an_earlier_one_and_a_stale_one_does_not(world):
    matter = p.converted(world)
    handler = world.worker(ANONYMOUS)
    handler.handle_collection_proposal_screened(p.screened(matter, "needs_info"))
    handler.handle_collection_proposal_screened(
        p.screened(matter, "rejected", answered_at="2027-04-01T02:00:00+00:00")
    )
    handler.handle_collection_proposal_screened(
        p.screened(matter, "in_library", answered_at="2027-02-01T02:00:00+00:00")
    )
    fate = world.worker().track_matter(code_of(world, matter))["proposal"]
    assert (fate["verdict"], fate["reason"]) == ("rejected", "已列入明年市政道路改造计划")


def test_answers_about_other_proposals_change_nothing(world):
    matter = world.submit("wang")["id"]  # never converted
    handler = world.worker(ANONYMOUS)
    handler.handle_collection_proposal_screened(p.screened(None))
    handler.handle_collection_proposal_screened(p.screened("not-one-of-ours"))
    handler.handle_collection_proposal_screened(p.screened(matter))
    assert world.worker().track_matter(code_of(world, matter))["proposal"] is None


def test_an_unknown_tracking_code_is_not_found(world):
    with pytest.raises(NotFound):
        world.worker().track_matter("T000-0000-0000")
