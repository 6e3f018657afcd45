"""What implementation now tells supervision's file: every plan version as plan_adopted_v1 in
the version's own transaction, and the list's suggested department in project_created_v1 —
then supervision applies them, end to end without a broker."""

import json

import pytest
from contracts.events import PLAN_ADOPTED, PROJECT_CREATED
from servicekit.auth import ANONYMOUS
from servicekit.errors import RuleViolation
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import select
from supervision.db.files import project

from tests.support import projects as p
from tests.support.workers import migrated_sessions, service_worker


@pytest.fixture
def sessions(tmp_path):
    (tmp_path / "s").mkdir()
    with (
        migrated_sessions("implementation", tmp_path) as sessions,
        migrated_sessions("supervision", tmp_path / "s") as theirs,
    ):
        yield {**sessions, **theirs}


def envelopes(sessions, event_type: str) -> list[dict]:
    session = sessions["implementation"]
    session.rollback()
    rows = session.execute(select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type))
    return [json.loads(envelope) for (envelope,) in rows]


def implementation(sessions, principal=p.STAFF):
    return service_worker("implementation", sessions, principal)


@pytest.fixture
def project_id(sessions):
    implementation(sessions, ANONYMOUS).handle_voting_session_results_announced(
        p.envelope(p.results(elected=1, other=0))
    )
    return implementation(sessions).list_projects({"area_code": p.AREA})["items"][0]["id"]


def test_the_created_event_carries_the_suggested_department(sessions, project_id):
    (created,) = envelopes(sessions, PROJECT_CREATED.name)
    assert load(PROJECT_CREATED.schema, created["payload"])["lead_department"] == "住房和城乡建设局"


def test_every_new_plan_version_is_published_and_an_unchanged_one_is_not(sessions, project_id):
    implementation(sessions).put_plan(project_id, p.plan())
    implementation(sessions).put_plan(project_id, p.plan())  # the same plan: no version
    implementation(sessions).put_plan(project_id, p.plan(reason="工期调整", deadline="2026-11-30"))
    sent = [load(PLAN_ADOPTED.schema, e["payload"]) for e in envelopes(sessions, PLAN_ADOPTED.name)]
    assert [e["version"] for e in sent] == [1, 2]
    assert sent[0]["lead_leader"] == "王副镇长" and sent[0]["milestones"] == 3
    assert str(sent[1]["deadline"]) == "2026-11-30" and sent[1]["reason"] == "工期调整"


def test_a_refused_plan_publishes_nothing(sessions, project_id):
    with pytest.raises(RuleViolation):
        implementation(sessions).put_plan(project_id, p.plan(deadline="2027-03-01"))
    assert envelopes(sessions, PLAN_ADOPTED.name) == []


def test_supervision_applies_what_implementation_published(sessions, project_id):
    implementation(sessions).put_plan(project_id, p.plan())
    consumer = service_worker("supervision", sessions, ANONYMOUS)
    (created,) = envelopes(sessions, PROJECT_CREATED.name)
    (adopted,) = envelopes(sessions, PLAN_ADOPTED.name)
    consumer.handle_implementation_project_created(created)
    consumer.handle_implementation_plan_adopted(adopted)
    row = project(sessions["supervision"], project_id)
    assert (row.lead_leader, row.plan_version, row.status) == ("王副镇长", 1, "planned")
