"""The deputies' satisfaction vote (满意度测评) from supervision's side: the request (projects
of the area itself, each with its latest pre-evaluation; the session id voting will use), and
voting's results applied — grades, file lines, a finding on every 不满意 — once."""

import pytest
from contracts.voting import requested_session_id
from servicekit.errors import Forbidden, RuleViolation, ValidationFailed
from sqlalchemy import func, select
from supervision.db.evaluation_models import SatisfactionResult
from supervision.db.models import FileEntry, Finding

from tests.support import supervision_evaluation as e
from tests.support.workers import migrated_sessions, service_worker

VOTE = {"area_code": e.BANNER, "year": 2027, "title": "2027年民生实事项目满意度测评"}


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("supervision", tmp_path) as sessions:
        yield sessions


def worker(sessions, principal=e.STAFF):
    return service_worker("supervision", sessions, principal)


@pytest.fixture
def projects(sessions):
    """Three banner projects of 2027, one of a township under it, one of 2026."""
    w = worker(sessions)
    own = e.add_projects(w, e.BANNER, 3)
    e.add_projects(w, e.TOWN, 1)
    e.add_projects(w, e.BANNER, 1, year=2026)
    return own


def count(session, model, *where):
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def pre_evaluate(sessions, project_id, minus):
    framework = worker(sessions).create_framework(e.framework_body())
    body = {
        "framework_id": framework["id"],
        "framework_version": 1,
        "kind": "pre_evaluation",
        "project_id": project_id,
        "year": 2027,
        "scores": e.full_scores(minus),
    }
    return worker(sessions, e.EVALUATOR).record_evaluation(body)


class TestRequest:
    def test_the_area_s_own_projects_of_the_year_with_their_pre_evaluation(
        self, sessions, projects
    ):
        pre = pre_evaluate(sessions, projects[0], {"D11": "5"})
        vote = worker(sessions).request_satisfaction_vote(VOTE, "vote-key")
        assert [p["project_id"] for p in vote["projects"]] == projects
        assert vote["projects"][0]["pre_evaluation"] == {
            "id": pre["id"],
            "total": "95.0",
            "grade": "优",
        }
        assert vote["projects"][1]["pre_evaluation"] is None
        assert vote["state"] == "requested" and vote["results"] == []
        assert vote["session_id"] == requested_session_id("banner", vote["id"])
        (event,) = e.published(sessions["supervision"], "satisfaction_vote_requested_v1")
        assert event["session_id"] == vote["session_id"] and event["request_id"] == vote["id"]
        assert [p["project_id"] for p in event["projects"]] == projects
        again = worker(sessions).request_satisfaction_vote(VOTE, "vote-key")
        assert again["id"] == vote["id"]
        assert len(e.published(sessions["supervision"], "satisfaction_vote_requested_v1")) == 1

    def test_named_projects_must_be_of_the_area_and_year(self, sessions, projects):
        with pytest.raises(ValidationFailed) as refused:
            worker(sessions).request_satisfaction_vote(
                {**VOTE, "project_ids": [projects[0], "B-" + "0" * 32]}
            )
        assert "project_ids.1" in refused.value.details

    def test_an_area_without_projects_is_refused(self, sessions):
        with pytest.raises(RuleViolation):
            worker(sessions).request_satisfaction_vote(VOTE)

    def test_an_evaluator_cannot_prepare_a_vote(self, sessions, projects):
        for caller in (e.EVALUATOR, e.DEPUTY, e.GOVERNMENT, e.TOWN_STAFF):
            with pytest.raises(Forbidden):
                worker(sessions, caller).request_satisfaction_vote(VOTE)

    def test_a_rule_share_of_one_is_refused(self, sessions, projects):
        with pytest.raises(ValidationFailed):
            worker(sessions).request_satisfaction_vote(
                {**VOTE, "rule": {"satisfied_above": "1", "basically_above": "0.5"}}
            )


class TestResults:
    def test_each_project_is_graded_filed_and_a_dissatisfied_one_flagged(self, sessions, projects):
        vote = worker(sessions).request_satisfaction_vote(VOTE)
        payload = e.completed(
            vote,
            {
                projects[0]: (21, 10, 8, 1),
                projects[1]: (20, 0, 20, 0),
                projects[2]: (10, 10, 20, 0),
            },
            valid=40,
        )
        worker(sessions).handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))
        shown = worker(sessions, e.DEPUTY).get_satisfaction_vote(vote["id"])
        assert shown["state"] == "completed" and shown["ballots"]["valid"] == 40
        grades = {r["project_id"]: r["grade"] for r in shown["results"]}
        # 21 of 40 满意: more than half; 20 满意 of 40 and no 基本满意: exactly half, 不满意
        assert grades == {projects[0]: "满意", projects[1]: "不满意", projects[2]: "不满意"}
        session = sessions["supervision"]
        findings = session.scalars(select(Finding).where(Finding.source == "satisfaction")).all()
        assert sorted(f.project_id for f in findings) == sorted(projects[1:])
        assert {f.state for f in findings} == {"open"}
        assert count(session, FileEntry, FileEntry.kind == "satisfaction_graded") == 3
        assert count(session, FileEntry, FileEntry.kind == "finding_raised") == 2
        # the government is told at once: no group has to hand a 不满意 over first
        query = {"area_code": e.BANNER, "year": 2027}
        told = worker(sessions, e.GOVERNMENT).list_findings(query)["items"]
        assert sorted(f["project_id"] for f in told) == sorted(projects[1:])

    def test_exactly_half_satisfied_and_more_than_half_together_is_basically(
        self, sessions, projects
    ):
        vote = worker(sessions).request_satisfaction_vote({**VOTE, "project_ids": projects[:1]})
        payload = e.completed(vote, {projects[0]: (20, 1, 19, 0)}, valid=40)
        worker(sessions).handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))
        (result,) = worker(sessions).get_satisfaction_vote(vote["id"])["results"]
        assert result["grade"] == "基本满意" and result["finding_id"] is None

    def test_a_redelivery_and_a_republished_result_apply_once(self, sessions, projects):
        vote = worker(sessions).request_satisfaction_vote(VOTE)
        payload = e.completed(vote, dict.fromkeys(projects, (5, 5, 30, 0)), valid=40)
        delivered = e.completed_envelope(payload)
        w = worker(sessions)
        w.handle_voting_satisfaction_vote_completed(delivered)
        w.handle_voting_satisfaction_vote_completed(delivered)  # the same event again
        w.handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))  # a new id
        session = sessions["supervision"]
        assert count(session, SatisfactionResult) == 3
        assert count(session, Finding, Finding.source == "satisfaction") == 3
        assert count(session, FileEntry, FileEntry.kind == "satisfaction_graded") == 3

    def test_a_void_vote_grades_nothing(self, sessions, projects):
        vote = worker(sessions).request_satisfaction_vote(VOTE)
        payload = e.completed(vote, {projects[0]: (0, 0, 40, 0)}, valid=40, void=True)
        worker(sessions).handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))
        shown = worker(sessions).get_satisfaction_vote(vote["id"])
        assert shown["state"] == "void" and shown["results"] == []
        assert count(sessions["supervision"], Finding) == 0

    def test_a_vote_supervision_never_asked_for_changes_nothing(self, sessions, projects):
        vote = {"session_id": "B-" + "9" * 32, "area_code": e.BANNER, "year": 2027}
        payload = e.completed(vote, {projects[0]: (0, 0, 40, 0)}, valid=40)
        worker(sessions).handle_voting_satisfaction_vote_completed(e.completed_envelope(payload))
        assert count(sessions["supervision"], SatisfactionResult) == 0

    def test_the_list_of_the_area_and_its_scope(self, sessions, projects):
        vote = worker(sessions).request_satisfaction_vote(VOTE)
        items = worker(sessions).list_satisfaction_votes({"area_code": e.BANNER, "year": 2027})
        assert [i["id"] for i in items["items"]] == [vote["id"]]
        with pytest.raises(Forbidden):
            worker(sessions, e.TOWN_STAFF).get_satisfaction_vote(vote["id"])
        with pytest.raises(Forbidden):
            worker(sessions, e.EVALUATOR).list_satisfaction_votes({"area_code": e.BANNER})
