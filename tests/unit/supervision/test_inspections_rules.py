"""The rules of inspections and of rectification (交办 → 回头看): a request's rounds at their
edges (N-1, N, N+1), the set date, a look-back before the government reported, and what makes
an inspection record whole."""

from datetime import date, timedelta

import pytest
from contracts import events
from contracts import supervision_inspections as contract
from supervision.domain import inspections
from supervision.domain import rectification as r

TODAY = date(2026, 7, 1)
SET = date(2026, 7, 1)
LATER = TODAY + timedelta(days=30)


def look(state=r.REPORTED, round_=1, max_rounds=3, outcome="partly", **kw):
    return r.look_back(
        state,
        round_,
        max_rounds,
        kw.pop("lookback_on", SET),
        kw.pop("today", TODAY),
        outcome,
        kw.pop("new_due_date", LATER),
        kw.pop("new_lookback_on", None),
    )


class TestRounds:
    def test_rectified_closes_in_any_round(self):
        for round_ in (1, 2, 3):
            decision = look(round_=round_, outcome="rectified", new_due_date=None)
            assert (decision.next, decision.state, decision.round) == ("closed", r.CLOSED, round_)

    def test_round_n_minus_1_not_rectified_opens_round_n(self):
        decision = look(round_=2, max_rounds=3, outcome="not_rectified")
        assert (decision.next, decision.state, decision.round) == ("reopened", r.REQUESTED, 3)
        assert decision.due_date == LATER and decision.lookback_on == LATER

    def test_round_n_partly_is_escalated_with_no_new_round(self):
        decision = look(round_=3, max_rounds=3, outcome="partly")
        assert (decision.next, decision.state, decision.round) == ("escalated", r.ESCALATED, 3)
        assert decision.due_date is None

    def test_there_is_no_round_n_plus_1(self):
        with pytest.raises(r.RectificationError) as refused:
            look(state=r.REQUESTED, round_=4, max_rounds=3)
        assert refused.value.kind == "conflict"

    def test_one_round_only_escalates_at_the_first_failure(self):
        assert look(round_=1, max_rounds=1, outcome="not_rectified").next == "escalated"

    @pytest.mark.parametrize("state", [r.CLOSED, r.ESCALATED])
    def test_a_finished_request_is_not_looked_back_again(self, state):
        with pytest.raises(r.RectificationError) as refused:
            look(state=state)
        assert refused.value.kind == "conflict"


class TestTheSetDate:
    def test_the_day_before_the_set_date_is_refused_as_a_rule_until_reported(self):
        with pytest.raises(r.RectificationError) as refused:
            look(state=r.REQUESTED, today=SET - timedelta(days=1))
        assert refused.value.kind == "rule" and "2026-07-01" in refused.value.message

    def test_a_reported_request_is_looked_back_before_its_set_date(self):
        # The government says the work is done: the group may go and check at once.
        early = look(state=r.REPORTED, today=SET - timedelta(days=1))
        assert (early.next, early.round) == ("reopened", 2)

    def test_on_the_set_date_and_after_it_is_allowed(self):
        assert look(today=SET).next == "reopened"
        assert (
            look(today=SET + timedelta(days=9), new_due_date=LATER + timedelta(days=9)).round == 2
        )

    def test_a_request_not_yet_reported_is_looked_back_on_its_set_date(self):
        # The government's silence must not keep a request from being checked and escalated.
        assert look(state=r.REQUESTED, round_=3, outcome="not_rectified").next == "escalated"


class TestNewDueDate:
    def test_required_unless_rectified(self):
        with pytest.raises(r.RectificationError) as refused:
            look(new_due_date=None)
        assert (refused.value.kind, refused.value.field) == ("invalid", "new_due_date")

    def test_must_be_after_the_look_back_day(self):
        with pytest.raises(r.RectificationError) as refused:
            look(new_due_date=TODAY)
        assert refused.value.field == "new_due_date"

    def test_a_new_look_back_date_before_the_new_due_date_is_refused(self):
        with pytest.raises(r.RectificationError) as refused:
            look(new_lookback_on=LATER - timedelta(days=1))
        assert refused.value.field == "lookback_on"

    def test_unknown_outcome(self):
        with pytest.raises(r.RectificationError) as refused:
            look(outcome="maybe")
        assert refused.value.field == "outcome"


class TestRequestDates:
    def test_the_look_back_defaults_to_the_due_date(self):
        assert r.request_dates(LATER, None, TODAY) == (LATER, LATER)

    def test_a_due_date_today_is_allowed_one_in_the_past_not(self):
        assert r.request_dates(TODAY, None, TODAY) == (TODAY, TODAY)
        with pytest.raises(r.RectificationError):
            r.request_dates(TODAY - timedelta(days=1), None, TODAY)

    def test_the_look_back_is_never_before_the_due_date(self):
        with pytest.raises(r.RectificationError) as refused:
            r.request_dates(LATER, LATER - timedelta(days=1), TODAY)
        assert refused.value.field == "lookback_on"


class TestReports:
    def test_a_report_moves_a_waiting_request_only(self):
        assert r.reported(r.REQUESTED) == r.REPORTED
        for state in (r.REPORTED, r.CLOSED, r.ESCALATED):
            assert r.reported(state) == state

    def test_each_round_has_its_own_request_id(self):
        ids = {r.round_request_id("T-" + "a" * 32, n) for n in (1, 2, 3)}
        assert len(ids) == 3 and all(len(i) <= 40 for i in ids)

    def test_finding_follows_the_request(self):
        assert [r.FINDING_STATE[s] for s in r.STATES] == [
            "requested",
            "requested",
            "closed",
            "escalated",
        ]


def record(**changes):
    base = {
        "kind": "inspection",
        "cadence": "monthly",
        "group_id": "T-" + "1" * 32,
        "project_ids": ["p1", "p2"],
        "methods": ["site_visit", "briefing"],
        "questions": [],
        "findings": [{"project_id": "p2", "text": "x"}],
        "title": "五月集中督查",
    }
    return {**base, **changes}


class TestInspectionRecords:
    def test_a_whole_monthly_inspection(self):
        assert inspections.problems(record()) == {}

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"cadence": None}, "cadence"),
            ({"group_id": None}, "group_id"),
            ({"kind": "special_review"}, "cadence"),
            ({"kind": "special_inquiry", "cadence": None}, "questions"),
            ({"questions": [{"official": "王局长"}]}, "questions"),
            ({"project_ids": ["p1", "p1"], "findings": []}, "project_ids"),
            ({"methods": ["video", "video"]}, "methods"),
            ({"findings": [{"project_id": "p9", "text": "x"}]}, "findings"),
        ],
    )
    def test_what_is_wrong_is_named(self, changes, field):
        assert field in inspections.problems(record(**changes))

    def test_the_committees_forms_need_no_group(self):
        for kind in ("special_review", "onsite_review"):
            assert inspections.problems(record(kind=kind, cadence=None, group_id=None)) == {}
        inquiry = record(kind="special_inquiry", cadence=None, group_id=None, questions=[{}])
        assert inspections.problems(inquiry) == {}

    def test_the_file_line_names_the_cadence_methods_and_findings(self):
        line = inspections.line(record(), "第一监督组", 1)
        assert line.startswith("月度集中督查：第一监督组（实地查看、听取汇报）")
        assert line.endswith("发现问题 1 个")


def test_the_rules_name_every_kind_method_state_and_outcome_the_contracts_declare():
    assert tuple(inspections.KIND_NAMES) == contract.INSPECTION_KINDS
    assert tuple(inspections.METHOD_NAMES) == contract.METHODS
    assert tuple(inspections.CADENCE_NAMES) == contract.CADENCES
    assert r.STATES == contract.RECTIFICATION_STATES
    assert r.OUTCOMES == events.LOOKBACK_OUTCOMES
    assert tuple(r.NEXT_NAMES) == events.LOOKBACK_NEXT
    assert set(r.FINDING_STATE.values()) <= set(contract.FINDING_STATES)
