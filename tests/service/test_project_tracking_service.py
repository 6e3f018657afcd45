"""A resident follows a proposal past the vote: implementation's project_created_v1 puts 已立项
on its tracking page, progress_reported_v1 the latest progress; a late older report changes
nothing, and a report that overtakes its project's creation is retried, not lost."""

import uuid

import pytest
from contracts.events import PROGRESS_REPORTED, PROJECT_CREATED
from servicekit.auth import ANONYMOUS
from servicekit.outbox import build_envelope

from tests.service.test_tracking_codes_service import BODY
from tests.support.collection_worker import collection_worker
from tests.support.factories import add_notice

PROJECT_ID = "T-" + uuid.uuid4().hex


def service(session):
    return collection_worker(session, ANONYMOUS, request_id="req-project-tracking")


def created(proposal_id: str) -> dict:
    payload = {
        "project_id": PROJECT_ID,
        "proposal_id": proposal_id,
        "session_id": "T-" + "c" * 32,
        "area_code": BODY["area_code"],
        "level": "township",
        "year": 2026,
        "title": BODY["title"],
        "category": BODY["category"],
        "estimated_cost_fen": None,
        "results_digest": "d" * 64,
        "created_at": "2026-01-20T03:00:05+00:00",
    }
    return build_envelope(
        PROJECT_CREATED, payload, area_code=BODY["area_code"], level="township", correlation_id="c"
    )


def reported(proposal_id: str, as_of: str, percent: str) -> dict:
    payload = {
        "project_id": PROJECT_ID,
        "proposal_id": proposal_id,
        "report_id": str(uuid.uuid4()),
        "area_code": BODY["area_code"],
        "level": "township",
        "year": 2026,
        "cadence": "weekly",
        "period": "2026-W16",
        "as_of": as_of,
        "actual_percent": percent,
        "planned_percent": "40.0",
        "standing": "on_track",
        "reported_at": f"{as_of}T08:00:00+00:00",
    }
    return build_envelope(
        PROGRESS_REPORTED,
        payload,
        area_code=BODY["area_code"],
        level="township",
        correlation_id="c",
    )


@pytest.fixture
def proposal(session):
    add_notice(session)
    return service(session).submit_proposal(BODY)


def test_the_tracking_page_shows_the_project_then_its_latest_progress(session, proposal):
    code = proposal["tracking_code"]
    assert service(session).track_proposal(code)["project"] is None
    service(session).handle_implementation_project_created(created(proposal["id"]))
    shown = service(session).track_proposal(code)["project"]
    assert shown["project_id"] == PROJECT_ID and shown["status_text"].startswith("已立项")
    assert shown["progress_percent"] is None
    service(session).handle_implementation_progress_reported(
        reported(proposal["id"], "2026-04-15", "37.5")
    )
    service(session).handle_implementation_progress_reported(
        reported(proposal["id"], "2026-04-08", "20.0")  # older, arriving late
    )
    shown = service(session).track_proposal(code)["project"]
    assert (shown["progress_percent"], shown["progress_as_of"]) == ("37.5", "2026-04-15")


def test_progress_before_the_project_is_known_is_retried_not_dropped(session, proposal):
    with pytest.raises(LookupError):
        service(session).handle_implementation_progress_reported(
            reported(proposal["id"], "2026-04-15", "37.5")
        )
    service(session).handle_implementation_project_created(created(proposal["id"]))
    service(session).handle_implementation_progress_reported(
        reported(proposal["id"], "2026-04-15", "37.5")
    )
    shown = service(session).track_proposal(proposal["tracking_code"])["project"]
    assert shown["progress_percent"] == "37.5"


def test_events_for_a_proposal_collection_never_had_change_nothing(session, proposal):
    stranger = str(uuid.uuid4())
    service(session).handle_implementation_project_created(created(stranger))
    service(session).handle_implementation_progress_reported(reported(stranger, "2026-04-15", "1"))
    assert service(session).track_proposal(proposal["tracking_code"])["project"] is None
