"""Screening through CollectionService's entrypoints (worker_factory, a migrated SQLite
session, the real outbox writer, a Guard) — no broker. The library and outcomes are in
test_library_outcomes_service.py.

After a refusal the test rolls the session back, as the worker's teardown closes it, and then
counts: nothing may have been written by a refused call."""

import json

import pytest
from collection.db.models import LibraryItem, Proposal
from collection.db.models import Screening as ScreeningRow
from contracts import rpc
from contracts import screening as contract
from servicekit import metrics
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from sqlalchemy import select

from tests.support.screening import (
    ADMIN,
    CONGRESS,
    DEPUTY,
    GOV2,
    MORE,
    NO,
    OTHER_BANNER,
    SCOPE,
    SUPERVISOR,
    TOWNSHIP,
    YES,
    add_proposal,
    count,
    migrated_session,
    outbox_envelopes,
    put_on_draft_list,
    service,
    status_of,
)


def verdicts(verdict):
    """The township's count as Prometheus exposes it (name and labels dashboards read)."""
    labels = {"service": "collection", "level": "township", "verdict": verdict}
    return metrics.REGISTRY.get_sample_value("minsheng_screening_verdicts_total", labels) or 0


@pytest.fixture
def session(tmp_path):
    with migrated_session(tmp_path) as session:
        yield session


class TestScreenProposal:
    def test_in_library_creates_the_library_item_from_the_proposals_figures(self, session):
        pid = add_proposal(session)
        before = verdicts("in_library")
        recorded = service(session).screen_proposal(pid, {**YES, "library": {"rationale": "急需"}})
        assert recorded["proposal_status"] == "in_library"
        item = recorded["library_item"]
        assert item["estimated_cost_fen"] == 12_000_000 and item["beneficiaries"] == 800
        assert item["summary"] == "小区停车难，希望新增停车位。" and item["rationale"] == "急需"
        assert item["year"] == 2027 and item["area_code"] == TOWNSHIP
        assert recorded["screening"]["screener_id"] == "gov-1" and recorded["screening"]["latest"]
        assert recorded["summary"]["screeners"] == 1
        assert status_of(session, pid) == "in_library"
        assert count(session, LibraryItem) == 1 and count(session, ScreeningRow) == 1
        assert verdicts("in_library") == before + 1

    def test_a_later_rejection_removes_the_item_and_keeps_the_reason(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, YES)
        recorded = service(session, GOV2).screen_proposal(pid, {**NO, "reason": "  重复建设  "})
        assert recorded["proposal_status"] == "rejected" and recorded["library_item"] is None
        assert count(session, LibraryItem) == 0 and count(session, ScreeningRow) == 2
        assert session.get(Proposal, pid).outcome_reason == "重复建设"

    def test_a_second_in_library_verdict_keeps_figures_the_government_edited(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, YES)
        service(session).update_library_item(pid, {"lead_department": "东胜区住建局"})
        again = service(session, GOV2).screen_proposal(pid, {**YES, "library": {"rationale": "r"}})
        assert again["library_item"]["lead_department"] == "东胜区住建局"
        assert again["library_item"]["rationale"] == "r"

    def test_comments_are_kept_per_principle_without_blanks(self, session):
        pid = add_proposal(session)
        comments = {"urgency": " 雨季积水严重 ", "assessable": "  ", "inclusive": None}
        service(session).screen_proposal(pid, {**YES, "comments": comments})
        row = session.scalars(select(ScreeningRow)).one()
        assert json.loads(row.comments) == {"urgency": "雨季积水严重"}

    @pytest.mark.parametrize(
        "payload",
        [
            {**YES, "urgency": 6},
            {**YES, "urgency": "5"},
            {**NO, "reason": ""},
            {**MORE, "reason": None},
            {**YES, "verdict": "adopted"},
            {**YES, "library": {"estimated_cost_fen": -1}},
            {**YES, "extra": 1},
            {"verdict": "in_library"},
            [],
        ],
    )
    def test_bad_input_is_a_400_and_writes_nothing(self, session, payload):
        pid = add_proposal(session)
        with pytest.raises(ValidationFailed):
            service(session).screen_proposal(pid, payload)
        assert count(session, ScreeningRow) == 0 and status_of(session, pid) == "submitted"

    @pytest.mark.parametrize(
        ("principal", "error"),
        [
            (ANONYMOUS, Unauthenticated),
            (DEPUTY, Forbidden),
            (CONGRESS, Forbidden),
            (SUPERVISOR, Forbidden),
            (OTHER_BANNER, Forbidden),
        ],
    )
    def test_only_government_staff_and_admins_in_scope_screen(self, session, principal, error):
        pid = add_proposal(session)
        with pytest.raises(error):
            service(session, principal).screen_proposal(pid, YES)
        assert count(session, ScreeningRow) == 0 and status_of(session, pid) == "submitted"
        assert service(session, ADMIN).screen_proposal(pid, YES)["proposal_status"] == "in_library"

    def test_an_unknown_proposal_is_404_only_to_a_screener(self, session):
        with pytest.raises(NotFound):
            service(session).screen_proposal("no-such-id", YES)
        with pytest.raises(Unauthenticated):
            service(session, ANONYMOUS).screen_proposal("no-such-id", YES)
        with pytest.raises(Forbidden):
            service(session, DEPUTY).screen_proposal("no-such-id", YES)

    @pytest.mark.parametrize(
        "extra",
        [{"status": "merged"}, {"status": "adopted"}, {"status": "not_adopted"}],
    )
    def test_closed_proposals_are_a_conflict(self, session, extra):
        pid = add_proposal(session, **extra)
        with pytest.raises(Conflict):
            service(session).screen_proposal(pid, YES)
        assert count(session, ScreeningRow) == 0

    def test_a_published_outcome_is_final(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, NO)
        service(session).publish_outcomes(SCOPE)
        with pytest.raises(Conflict, match="公布"):
            service(session).screen_proposal(pid, YES)
        assert count(session, ScreeningRow) == 1 and status_of(session, pid) == "rejected"

    def test_on_a_draft_list_it_may_not_leave_the_library(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, YES)
        put_on_draft_list(session, pid)
        with pytest.raises(Conflict, match="草拟清单"):
            service(session, GOV2).screen_proposal(pid, NO)
        assert count(session, LibraryItem) == 1 and status_of(session, pid) == "in_library"
        assert service(session, GOV2).screen_proposal(pid, YES)["proposal_status"] == "in_library"

    def test_the_same_idempotency_key_records_once(self, session):
        pid = add_proposal(session)
        first = service(session).screen_proposal(pid, YES, "screen-key-1")
        again = service(session).screen_proposal(pid, YES, "screen-key-1")
        assert again == first and count(session, ScreeningRow) == 1
        with pytest.raises(Conflict):
            service(session).screen_proposal(pid, NO, "screen-key-1")
        other = add_proposal(session, title="另一条建议")
        with pytest.raises(Conflict):  # the key names one request: one proposal, one body
            service(session).screen_proposal(other, YES, "screen-key-1")
        assert count(session, ScreeningRow) == 1

    def test_a_needs_info_answer_is_followed_by_an_answer_about_the_verdict(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, MORE)
        assert service(session).answer_submitters(SCOPE)["answered"] == 1
        service(session).screen_proposal(pid, NO)
        service(session).publish_outcomes(SCOPE)
        assert service(session).answer_submitters(SCOPE)["answered"] == 1
        verdicts = [json.loads(e)["payload"]["verdict"] for e in outbox_envelopes(session)]
        assert verdicts == ["needs_info", "rejected"]


class TestListScreenings:
    def test_rows_mark_each_screeners_latest_and_summarise_them(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, {**YES, "urgency": 1})
        service(session).screen_proposal(pid, {**YES, "urgency": 5})
        service(session, GOV2).screen_proposal(pid, {**YES, "urgency": 3})
        listed = service(session, CONGRESS).list_screenings(pid)
        assert [(r["urgency"], r["latest"]) for r in listed["items"]] == [
            (1, False),
            (5, True),
            (3, True),
        ]
        assert listed["summary"]["screeners"] == 2
        assert listed["summary"]["urgency"] == {"mean": 4, "stdev": 1, "min": 3, "max": 5}

    def test_an_unscreened_proposal_has_no_summary(self, session):
        pid = add_proposal(session)
        assert service(session).list_screenings(pid) == {"items": [], "summary": None}

    @pytest.mark.parametrize(
        ("principal", "error", "unknown"),
        [
            (ANONYMOUS, Unauthenticated, Unauthenticated),
            (DEPUTY, Forbidden, Forbidden),
            (OTHER_BANNER, Forbidden, NotFound),
        ],
    )
    def test_scores_are_for_staff_in_scope(self, session, principal, error, unknown):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, YES)
        with pytest.raises(error):
            service(session, principal).list_screenings(pid)
        with pytest.raises(unknown):  # an unknown id is news only to a caller with the role
            service(session, principal).list_screenings("no-such-id")

    def test_the_staff_proposal_list_carries_each_summary(self, session):
        screened, fresh = add_proposal(session), add_proposal(session, title="新建幼儿园")
        service(session).screen_proposal(screened, {**YES, "public_benefit": 2})
        service(session, GOV2).screen_proposal(screened, {**YES, "public_benefit": 4})
        items = service(session).list_proposals({"area_code": "150602"})["items"]
        by_id = {item["id"]: item["screening"] for item in items}
        assert by_id[fresh] is None
        assert by_id[screened]["screeners"] == 2
        assert by_id[screened]["public_benefit"] == {"mean": 3, "stdev": 1, "min": 2, "max": 4}


class TestResponsesMatchTheContract:
    def test_every_response_validates_against_its_schema(self, session):
        pid = add_proposal(session)
        checks = [
            (contract.ScreeningRecorded, service(session).screen_proposal(pid, YES)),
            (contract.ScreeningList, service(session).list_screenings(pid)),
            (contract.LibraryItem, service(session).update_library_item(pid, {"rationale": "r"})),
            (contract.LibraryPage, service(session).list_library({**SCOPE, "area_code": "150602"})),
            (contract.OutcomesPublished, service(session).publish_outcomes(SCOPE)),
            (contract.SubmittersAnswered, service(session).answer_submitters(SCOPE)),
            (rpc.ProposalPage, service(session).list_proposals({"area_code": "150602"})),
        ]
        for schema, response in checks:
            assert schema().validate(response) == {}, schema.__name__
