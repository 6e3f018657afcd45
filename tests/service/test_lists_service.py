"""Draft lists, rounds and freezing through CollectionService's entrypoints (worker_factory, a
real migrated SQLite session, the real outbox writer): role and area refusals for every RPC,
409s on a frozen list, and bad input refused with 400 before anything is written."""

import json
import uuid

import pytest
from collection.db.models import (
    CandidateList,
    CommentRequest,
    DraftList,
    DraftListVersion,
    Proposal,
    Round,
)
from contracts.events import SESSION_RESULTS_ANNOUNCED
from servicekit import metrics
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)
from servicekit.outbox import build_envelope
from servicekit.relay import OUTBOX
from sqlalchemy import func, select

from tests.support.collection_worker import collection_worker
from tests.support.lists import results_payload, seed_library

AREA = "150602001"
GOV = Principal("g-1", ("government_staff",), "150602")
CONGRESS = Principal("c-1", ("congress_staff",), "150602")
DEPUTY = Principal("d-1", ("deputy",), AREA, "wang-daibiao")  # the account asked below
OTHER = Principal("g-2", ("government_staff",), "150622")  # another banner's staff
RECIPIENTS = {
    "recipients": [{"kind": "township", "recipient": "林荫街道", "account": "wang-daibiao"}]
}


def service(session, principal=GOV):
    return collection_worker(session, principal, request_id="req-lists")


def count(session, what, *where):
    return session.scalar(select(func.count()).select_from(what).where(*where))


def new_list(session, rounds=None, library=12, **body):
    if rounds is not None:
        service(session).update_area_settings(
            AREA, {"rounds": rounds, "differential_ratio_permille": 200}
        )
    ids = seed_library(session, AREA, library) if library else []
    created = service(session).create_draft_list(
        {"area_code": AREA, "year": 2027, "title": "2027年民生实事候选项目", **body}
    )
    return created, ids


def keep_all(session, draft_id, number):
    items = service(session).get_version(draft_id, number)["items"]
    return {"items": [{"proposal_id": i["proposal_id"]} for i in items], "reasons": {}}


def do_round(session, draft_id, body=None):
    opened = service(session).open_round(draft_id, RECIPIENTS)
    number = opened["number"]
    return service(session).close_round(
        draft_id, number, body or keep_all(session, draft_id, number - 1)
    )


def frozen_list(session, seats=10):
    created, ids = new_list(session, rounds=1)
    do_round(session, created["id"])
    return created, ids, service(session).freeze_list(created["id"], {"seats": seats})


class TestAreaSettings:
    def test_defaults_apply_until_an_area_sets_its_own(self, session):
        assert service(session, DEPUTY).get_area_settings(AREA) == {
            "area_code": AREA,
            "rounds": 3,
            "differential_ratio_permille": 200,
            "is_default": True,
            "updated_at": None,
        }
        updated = service(session, CONGRESS).update_area_settings(
            AREA, {"rounds": 2, "differential_ratio_permille": 250}
        )
        assert updated["rounds"] == 2 and updated["is_default"] is False
        assert service(session).get_area_settings(AREA)["differential_ratio_permille"] == 250

    def test_refusals(self, session):
        body = {"rounds": 2, "differential_ratio_permille": 250}
        with pytest.raises(Forbidden):
            service(session, DEPUTY).update_area_settings(AREA, body)
        with pytest.raises(Forbidden):
            service(session, OTHER).update_area_settings(AREA, body)
        with pytest.raises(Forbidden):
            service(session, OTHER).get_area_settings(AREA)
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).get_area_settings(AREA)
        for bad in ({"rounds": 11, "differential_ratio_permille": 200}, {"rounds": 3}, {}):
            with pytest.raises(ValidationFailed):
                service(session).update_area_settings(AREA, bad)
        with pytest.raises(ValidationFailed):
            service(session).get_area_settings("999999")
        assert service(session).get_area_settings(AREA)["is_default"] is True


class TestCreateDraftList:
    def test_version_zero_is_every_library_item_of_exactly_that_area_and_year(self, session):
        seed_library(session, "150602", 2)  # the banner above: not this township's library
        seed_library(session, AREA, 2, year=2028)
        created, ids = new_list(session, library=5)
        assert created["latest_version"] == 0 and created["rounds_planned"] == 3
        version = service(session, DEPUTY).get_version(created["id"], 0)
        assert sorted(i["proposal_id"] for i in version["items"]) == sorted(ids)
        keys = [(i["category"], -i["estimated_cost_fen"]) for i in version["items"]]
        order = ("教育", "医疗卫生", "养老托育", "基础设施")
        assert keys == sorted(keys, key=lambda k: (order.index(k[0]), k[1]))
        assert len(version["content_hash"]) == 64

    def test_chosen_items_keep_the_chosen_order(self, session):
        ids = seed_library(session, AREA, 4)
        chosen = [ids[2], ids[0]]
        created = service(session).create_draft_list(
            {"area_code": AREA, "year": 2027, "title": "选定项目", "proposal_ids": chosen}
        )
        items = service(session).get_version(created["id"], 0)["items"]
        assert [i["proposal_id"] for i in items] == chosen

    def test_an_item_outside_the_library_is_refused_and_nothing_is_written(self, session):
        ids = seed_library(session, AREA, 2)
        stranger = str(uuid.uuid4())
        with pytest.raises(ValidationFailed) as refused:
            service(session).create_draft_list(
                {
                    "area_code": AREA,
                    "year": 2027,
                    "title": "清单",
                    "proposal_ids": [ids[0], stranger],
                }
            )
        assert stranger in refused.value.details["items"]
        assert count(session, DraftList) == 0 and count(session, DraftListVersion) == 0

    def test_an_empty_library_is_a_rule_violation(self, session):
        with pytest.raises(RuleViolation, match="项目库"):
            new_list(session, library=0)
        assert count(session, DraftList) == 0

    def test_bad_input_is_400(self, session):
        seed_library(session, AREA, 1)
        for bad in (
            {"area_code": AREA, "year": 2027},
            {"area_code": AREA, "year": "2027", "title": "清单"},
            {"area_code": AREA, "year": 2027, "title": "清单", "proposal_ids": ["x"]},
            {"area_code": AREA, "year": 2027, "title": "清单", "extra": 1},
        ):
            with pytest.raises(ValidationFailed):
                service(session).create_draft_list(bad)
        assert count(session, DraftList) == 0

    def test_roles_and_area(self, session):
        seed_library(session, AREA, 1)
        body = {"area_code": AREA, "year": 2027, "title": "清单"}
        for principal in (CONGRESS, DEPUTY, OTHER):
            with pytest.raises(Forbidden):
                service(session, principal).create_draft_list(body)
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).create_draft_list(body)
        assert count(session, DraftList) == 0

    def test_the_same_idempotency_key_makes_one_list(self, session):
        seed_library(session, AREA, 2)
        body = {"area_code": AREA, "year": 2027, "title": "清单"}
        first = service(session).create_draft_list(body, "dl-key-1")
        again = service(session).create_draft_list(body, "dl-key-1")
        assert first == again and count(session, DraftList) == 1


class TestReading:
    def test_lists_and_views_follow_area_scope(self, session):
        created, _ = new_list(session)
        listed = service(session, DEPUTY).list_draft_lists({"area_code": AREA, "year": 2027})
        assert [item["id"] for item in listed["items"]] == [created["id"]]
        assert service(session).list_draft_lists({"area_code": AREA, "year": 2026})["items"] == []
        with pytest.raises(Forbidden):
            service(session, OTHER).list_draft_lists({"area_code": AREA})
        with pytest.raises(ValidationFailed):
            service(session).list_draft_lists({"year": 2027})
        for call in (
            lambda s: s.get_draft_list(created["id"]),
            lambda s: s.get_version(created["id"], 0),
            lambda s: s.diff_versions(created["id"], {"from": 0, "to": 0}),
        ):
            with pytest.raises(Forbidden):
                call(service(session, OTHER))
            with pytest.raises(Unauthenticated):
                call(service(session, ANONYMOUS))
            call(service(session, DEPUTY))

    def test_unknown_ids_and_versions_are_404_and_bad_numbers_400(self, session):
        created, _ = new_list(session)
        with pytest.raises(NotFound):
            service(session).get_draft_list(str(uuid.uuid4()))
        with pytest.raises(NotFound):
            service(session).get_version(created["id"], 4)
        with pytest.raises(ValidationFailed):
            service(session).get_version(created["id"], "x")
        with pytest.raises(NotFound):
            service(session).diff_versions(created["id"], {"from": 0, "to": 2})
        with pytest.raises(ValidationFailed):
            service(session).diff_versions(created["id"], {"from": 1, "to": 0})
        with pytest.raises(ValidationFailed):
            service(session).diff_versions(created["id"], {"to": 0})
        with pytest.raises(NotFound):
            service(session).get_candidate_list(str(uuid.uuid4()))


class TestRounds:
    def test_a_round_sends_the_previous_version_down_and_records_comments(self, session):
        created, _ = new_list(session)
        body = {
            "recipients": [
                {"kind": "township", "recipient": "林荫街道", "account": "linyin-jiedao"},
                {"kind": "deputy", "recipient": "王代表", "account": "wang-daibiao"},
            ]
        }
        opened = service(session).open_round(created["id"], body)
        assert opened["number"] == 1 and opened["sends_version"] == 0 and opened["status"] == "open"
        (request_id,) = [r["id"] for r in opened["comment_requests"] if r["recipient"] == "王代表"]
        answered = service(session, DEPUTY).record_comment(
            created["id"], 1, {"comment_request_id": request_id, "comment": "建议增加养老项目"}
        )
        assert answered["comment"] == "建议增加养老项目" and answered["answered_at"]
        view = service(session).get_draft_list(created["id"])
        assert view["status"] == "in_round" and len(view["rounds"][0]["comment_requests"]) == 2

    def test_one_round_at_a_time_and_no_more_than_planned(self, session):
        created, _ = new_list(session, rounds=1)
        service(session).open_round(created["id"], RECIPIENTS)
        with pytest.raises(Conflict):
            service(session).open_round(created["id"], RECIPIENTS)
        service(session).close_round(created["id"], 1, keep_all(session, created["id"], 0))
        with pytest.raises(RuleViolation, match="1 轮"):
            service(session).open_round(created["id"], RECIPIENTS)
        assert count(session, Round) == 1

    def test_every_change_needs_a_reason_and_a_refused_close_writes_nothing(self, session):
        created, _ = new_list(session, library=4)
        draft_id = created["id"]
        items = service(session).get_version(draft_id, 0)["items"]
        v0 = [i["proposal_id"] for i in items]
        service(session).open_round(draft_id, RECIPIENTS)
        body = {
            "items": [{"proposal_id": v0[0], "estimated_cost_fen": 5}]
            + [{"proposal_id": pid} for pid in v0[2:]],
            "reasons": {v0[0]: "压缩预算"},
        }
        with pytest.raises(ValidationFailed) as refused:
            service(session).close_round(draft_id, 1, body)
        assert list(refused.value.details["reasons"]) == [v0[1]]
        assert count(session, DraftListVersion) == 1
        assert service(session).get_draft_list(draft_id)["rounds"][0]["status"] == "open"

        body["reasons"][v0[1]] = "已由上级实施"
        version = service(session).close_round(draft_id, 1, body)
        assert version["number"] == 1 and len(version["items"]) == 3
        assert version["reasons"] == {v0[0]: "压缩预算", v0[1]: "已由上级实施"}
        diff = service(session, DEPUTY).diff_versions(draft_id, {"from": "0", "to": 1})
        assert [c["changes"] for c in diff["changed"]] == [
            {"estimated_cost_fen": [items[0]["estimated_cost_fen"], 5]}
        ]
        assert diff["removed"][0]["reason"] == "已由上级实施"

    def test_an_added_item_must_come_from_the_library_of_that_area_and_year(self, session):
        created, _ = new_list(session, library=2)
        foreign = seed_library(session, "150622100", 1)[0]
        service(session).open_round(created["id"], RECIPIENTS)
        body = keep_all(session, created["id"], 0)
        body["items"].append({"proposal_id": foreign})
        body["reasons"] = {foreign: "新增"}
        with pytest.raises(ValidationFailed) as refused:
            service(session).close_round(created["id"], 1, body)
        assert foreign in refused.value.details["items"]

    def test_comments_on_closed_or_unknown_rounds_are_refused(self, session):
        created, _ = new_list(session)
        opened = service(session).open_round(created["id"], RECIPIENTS)
        comment = {"comment_request_id": opened["comment_requests"][0]["id"], "comment": "同意"}
        service(session).close_round(created["id"], 1, keep_all(session, created["id"], 0))
        with pytest.raises(Conflict):
            service(session, DEPUTY).record_comment(created["id"], 1, comment)
        with pytest.raises(NotFound):
            service(session).record_comment(created["id"], 2, comment)
        with pytest.raises(ValidationFailed):
            service(session).record_comment(created["id"], "1", comment)
        assert count(session, CommentRequest, CommentRequest.comment.is_not(None)) == 0

    def test_roles_and_area_for_round_work(self, session):
        created, _ = new_list(session)
        draft_id = created["id"]
        for principal in (DEPUTY, CONGRESS, OTHER):
            with pytest.raises(Forbidden):
                service(session, principal).open_round(draft_id, RECIPIENTS)
        opened = service(session).open_round(draft_id, RECIPIENTS)
        comment = {"comment_request_id": opened["comment_requests"][0]["id"], "comment": "同意"}
        with pytest.raises(Forbidden):
            service(session, OTHER).record_comment(draft_id, 1, comment)
        for principal in (DEPUTY, CONGRESS, OTHER):
            with pytest.raises(Forbidden):
                service(session, principal).close_round(draft_id, 1, keep_all(session, draft_id, 0))
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).close_round(draft_id, 1, keep_all(session, draft_id, 0))

    def test_bad_round_bodies_are_400(self, session):
        created, _ = new_list(session)
        for bad in (
            {},
            {"recipients": []},
            {"recipients": [{"kind": "alien", "recipient": "x", "account": "x"}]},
        ):
            with pytest.raises(ValidationFailed):
                service(session).open_round(created["id"], bad)
        assert count(session, Round) == 0
        service(session).open_round(created["id"], RECIPIENTS)
        for bad in ({"items": []}, {"items": [{"proposal_id": "x"}]}, {"reasons": {}}):
            with pytest.raises(ValidationFailed):
                service(session).close_round(created["id"], 1, bad)
        assert count(session, DraftListVersion) == 1


class TestFreeze:
    def test_freezing_writes_the_list_in_version_order_and_one_event(self, session):
        before = (
            metrics.REGISTRY.get_sample_value(
                "minsheng_candidate_lists_frozen_total",
                {"service": "collection", "level": "township"},
            )
            or 0
        )
        created, _, frozen = frozen_list(session)
        latest = service(session).get_version(created["id"], 1)["items"]
        assert [c["proposal_id"] for c in frozen["candidates"]] == [
            i["proposal_id"] for i in latest
        ]
        assert [c["position"] for c in frozen["candidates"]] == list(range(1, 13))
        assert frozen["seats"] == 10 and frozen["differential_ratio_permille"] == 200
        row = session.execute(select(OUTBOX.c.event_type, OUTBOX.c.envelope)).one()
        assert row.event_type == "candidate_list_frozen_v1"
        assert json.loads(row.envelope)["payload"]["content_hash"] == frozen["content_hash"]
        assert service(session, DEPUTY).get_candidate_list(frozen["id"]) == frozen
        assert service(session).get_draft_list(created["id"])["candidate_list_id"] == frozen["id"]
        after = metrics.REGISTRY.get_sample_value(
            "minsheng_candidate_lists_frozen_total", {"service": "collection", "level": "township"}
        )
        assert after == before + 1

    def test_too_few_candidates_says_how_many_more(self, session):
        created, _ = new_list(session, rounds=0, library=11)
        with pytest.raises(RuleViolation) as refused:
            service(session).freeze_list(created["id"], {"seats": 10})
        assert refused.value.message.startswith(
            "候选项目不足：10 个名额按 20% 差额至少需要 12 个，还差 1 个"
        )
        assert count(session, CandidateList) == 0 and count(session, OUTBOX) == 0

    def test_rounds_must_be_done_first(self, session):
        created, _ = new_list(session)
        with pytest.raises(RuleViolation, match="还需完成 3 轮"):
            service(session).freeze_list(created["id"], {"seats": 10})
        service(session).open_round(created["id"], RECIPIENTS)
        with pytest.raises(Conflict):
            service(session).freeze_list(created["id"], {"seats": 10})
        assert count(session, CandidateList) == 0

    def test_a_frozen_list_cannot_change(self, session):
        created, _, _ = frozen_list(session)
        draft_id = created["id"]
        with pytest.raises(Conflict):
            service(session).freeze_list(draft_id, {"seats": 10})
        with pytest.raises(Conflict):
            service(session).open_round(draft_id, RECIPIENTS)
        with pytest.raises(Conflict):
            service(session).close_round(draft_id, 1, keep_all(session, draft_id, 1))
        request_id = service(session).get_draft_list(draft_id)["rounds"][0]["comment_requests"]
        comment = {"comment_request_id": request_id[0]["id"], "comment": "晚了"}
        with pytest.raises(Conflict):
            service(session, DEPUTY).record_comment(draft_id, 1, comment)
        assert count(session, CandidateList) == 1 and count(session, OUTBOX) == 1

    def test_roles_area_and_bad_input(self, session):
        created, _ = new_list(session, rounds=0)
        for principal in (DEPUTY, CONGRESS, OTHER):
            with pytest.raises(Forbidden):
                service(session, principal).freeze_list(created["id"], {"seats": 10})
        for bad in ({}, {"seats": 0}, {"seats": "10"}, {"seats": 10, "x": 1}):
            with pytest.raises(ValidationFailed):
                service(session).freeze_list(created["id"], bad)
        assert count(session, CandidateList) == 0
        frozen = service(session).freeze_list(created["id"], {"seats": 10})
        with pytest.raises(Forbidden):
            service(session, OTHER).get_candidate_list(frozen["id"])
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).get_candidate_list(frozen["id"])


class TestResults:
    def test_results_mark_proposals_once_per_event(self, session):
        _, _, frozen = frozen_list(session)
        won = [c["proposal_id"] for c in frozen["candidates"][:10]]
        lost = [c["proposal_id"] for c in frozen["candidates"][10:]]
        envelope = build_envelope(
            SESSION_RESULTS_ANNOUNCED,
            results_payload(frozen["id"], won, lost),
            area_code=AREA,
            level="township",
            correlation_id="corr",
        )
        handler = service(session, ANONYMOUS)
        handler.handle_voting_session_results_announced(envelope)
        session.execute(  # a later change that a redelivery must not undo
            Proposal.__table__.update().where(Proposal.id == won[0]).values(status="in_library")
        )
        session.commit()
        handler.handle_voting_session_results_announced(envelope)
        statuses = dict(session.execute(select(Proposal.id, Proposal.status)).all())
        assert statuses[won[0]] == "in_library"
        assert {statuses[pid] for pid in won[1:]} == {"adopted"}
        assert {statuses[pid] for pid in lost} == {"not_adopted"}
        shown = service(session).get_candidate_list(frozen["id"])["results"]
        assert shown["session_id"] == "S-2027-0001" and shown["digest"] == "d" * 64

    def test_an_unknown_list_is_recorded_as_processed_and_changes_nothing(self, session, caplog):
        seed_library(session, AREA, 1)
        envelope = build_envelope(
            SESSION_RESULTS_ANNOUNCED,
            results_payload(str(uuid.uuid4()), [], []),
            area_code=AREA,
            level="township",
            correlation_id="corr",
        )
        service(session, ANONYMOUS).handle_voting_session_results_announced(envelope)
        processed = session.execute(
            select(func.count()).select_from(OUTBOX.metadata.tables["processed_events"])
        ).scalar()
        assert processed == 1
        assert "unknown candidate list" in caplog.text
        assert count(session, Proposal, Proposal.status == "in_library") == 1
