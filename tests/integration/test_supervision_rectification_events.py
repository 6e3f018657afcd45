"""Rectification across the two services, on SQLite and on PostgreSQL: implementation's report
(rectification_reported_v1) delivered twice, and published again under a new event id, is one
effect in supervision; and the whole chain — a finding handed over, made a problem by
implementation's own handler on its own migrated database, resolved there, reported back,
looked back at, reopened as a new problem, resolved again, closed — with each event taken from
the outbox of the service that wrote it."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contracts.events import RECTIFICATION_REPORTED
from servicekit.auth import ANONYMOUS
from servicekit.consumer import PROCESSED
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import func, select
from supervision.db.files import entries

from tests.support import projects as p
from tests.support import supervision_inspections as s
from tests.support.workers import migrated_sessions, service_worker

pytestmark = pytest.mark.integration
START = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def urls(request, tmp_path):
    if request.param == "sqlite":
        return {name: f"sqlite:///{tmp_path / name}.db" for name in ("supervision", "impl")}
    pg = request.getfixturevalue("pg")
    return {"supervision": pg.create("supervision"), "impl": pg.create("implementation")}


@pytest.fixture
def both(urls, tmp_path):
    with (
        migrated_sessions("supervision", tmp_path, {"supervision": urls["supervision"]}) as sup,
        migrated_sessions("implementation", tmp_path, {"implementation": urls["impl"]}) as impl,
    ):
        yield sup, impl


@pytest.fixture
def clock(monkeypatch):
    now = {"at": START}
    for part in ("inspections", "rectifications"):
        monkeypatch.setattr(f"supervision.entrypoints.{part}.utcnow", lambda: now["at"])
    return now


def supervision(sessions, principal=s.MEMBER):
    return service_worker("supervision", sessions, principal)


def implementation(sessions, principal=p.STAFF):
    return service_worker("implementation", sessions, principal)


def outbox(sessions, database, event_type):
    session = sessions[database]
    session.rollback()
    query = select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type)
    return [json.loads(row) for (row,) in session.execute(query.order_by(OUTBOX.c.seq))]


def count(session, table, *where):
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(table).where(*where)))


def project_in_both(sup, impl):
    """A project from the vote in implementation, its project_created_v1 applied in
    supervision, with a plan (its lead department) and a supervision group."""
    implementation(impl, ANONYMOUS).handle_voting_session_results_announced(
        p.envelope(p.results(1, 0))
    )
    (created,) = outbox(impl, "implementation", "project_created_v1")
    supervision(sup, ANONYMOUS).handle_implementation_project_created(created)
    project_id = created["payload"]["project_id"]
    implementation(impl).put_plan(project_id, p.plan())
    return project_id, s.make_group(sup["supervision"], [project_id])


def handed_over(sup, project_id, group_id):
    body = {"project_id": project_id, "group_id": group_id, "text": "材料进场台账缺失"}
    finding = supervision(sup).raise_project_finding(body)
    rect = supervision(sup).request_rectification(
        finding["id"], {"group_id": group_id, "due_date": "2026-06-30"}
    )
    return finding, rect


def test_a_report_delivered_twice_or_republished_is_one_effect(both, clock):
    sup, impl = both
    project_id, group_id = project_in_both(sup, impl)
    _, rect = handed_over(sup, project_id, group_id)
    payload = {
        "request_id": f"{rect['id']}.1",
        "problem_id": "T-" + "e" * 32,
        "project_id": project_id,
        "area_code": p.AREA,
        "level": "township",
        "year": p.YEAR,
        "measure": "建立材料台账",
        "note": "台账已补齐",
        "reported_at": "2026-06-20T08:00:00+00:00",
    }
    first = build_envelope(
        RECTIFICATION_REPORTED, payload, area_code=p.AREA, level="township", correlation_id="c"
    )
    handler = supervision(sup, ANONYMOUS)
    applied = [
        handler.handle_implementation_rectification_reported(first),
        handler.handle_implementation_rectification_reported(first),
        handler.handle_implementation_rectification_reported(
            {**first, "event_id": str(uuid.uuid4())}
        ),
    ]
    assert applied == [True, False, True]
    db = sup["supervision"]
    assert count(db, PROCESSED, PROCESSED.c.handler.like("%rectification_reported")) == 2
    lines = [e.kind for e in entries(db, project_id)]
    assert lines.count("rectification_reported") == 1
    got = supervision(sup).get_rectification(rect["id"])
    assert got["state"] == "reported" and got["rounds"][0]["report_note"] == "台账已补齐"


def resolve(impl, problem_id, note):
    for action in ("start", "resolve"):
        implementation(impl).act_on_problem(problem_id, action, {"note": note})


def test_request_problem_report_look_back_reopen_and_close_across_the_services(both, clock):
    sup, impl = both
    project_id, group_id = project_in_both(sup, impl)
    finding, rect = handed_over(sup, project_id, group_id)
    (requested,) = outbox(sup, "supervision", "rectification_requested_v1")
    implementation(impl, ANONYMOUS).handle_supervision_rectification_requested(requested)
    (problem,) = implementation(impl).list_problems({"area_code": p.AREA})["items"]
    assert problem["source_ref"] == f"{rect['id']}.1" and problem["due_date"] == "2026-06-30"
    resolve(impl, problem["id"], "台账已补齐一半")
    (reported,) = outbox(impl, "implementation", "rectification_reported_v1")
    supervision(sup, ANONYMOUS).handle_implementation_rectification_reported(reported)
    assert (
        supervision(sup).get_rectification(rect["id"])["rounds"][0]["problem_id"] == (problem["id"])
    )

    clock["at"] = START + timedelta(days=29)  # the set date: the due date, 2026-06-30
    body = {"outcome": "partly", "note": "仅补齐一半", "new_due_date": "2026-07-31"}
    rect = supervision(sup).record_lookback(rect["id"], body)
    assert (rect["state"], rect["round"]) == ("requested", 2)
    again = outbox(sup, "supervision", "rectification_requested_v1")[-1]
    assert again["payload"]["request_id"] == f"{rect['id']}.2"
    implementation(impl, ANONYMOUS).handle_supervision_rectification_requested(again)
    problems = implementation(impl).list_problems({"area_code": p.AREA, "state": "open"})
    (reopened,) = problems["items"]
    assert reopened["id"] != problem["id"] and reopened["due_date"] == "2026-07-31"
    resolve(impl, reopened["id"], "台账全部补齐")
    reported = outbox(impl, "implementation", "rectification_reported_v1")[-1]
    supervision(sup, ANONYMOUS).handle_implementation_rectification_reported(reported)
    assert supervision(sup).get_rectification(rect["id"])["state"] == "reported"

    clock["at"] = START + timedelta(days=60)
    body = {"outcome": "rectified", "note": "已全部整改"}
    rect = supervision(sup).record_lookback(rect["id"], body)
    assert rect["state"] == "closed"
    assert supervision(sup).get_finding(finding["id"])["state"] == "closed"
    done = [e["payload"] for e in outbox(sup, "supervision", "lookback_completed_v1")]
    assert [(d["round"], d["next"]) for d in done] == [(1, "reopened"), (2, "closed")]
