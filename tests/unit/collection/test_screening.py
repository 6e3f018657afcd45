"""Screening rules, pure: which row of a screener counts, the mean and spread of several
screeners, when a verdict may not be recorded, and what the request schema refuses."""

from datetime import UTC, datetime, timedelta

import pytest
from collection.domain import screening as domain
from contracts import screening as contract
from marshmallow import ValidationError

T0 = datetime(2027, 2, 1, 1, 0, tzinfo=UTC)


def scores(pb, inc, urg, ass):
    return {"public_benefit": pb, "inclusive": inc, "urgency": urg, "assessable": ass}


def row(row_id, screener, minutes, *values):
    return domain.ScoredRow(row_id, screener, T0 + timedelta(minutes=minutes), scores(*values))


class TestLatestPerScreener:
    def test_a_screeners_newest_row_counts_and_earlier_rows_do_not(self):
        rows = [row("a", "s1", 0, 1, 1, 1, 1), row("b", "s1", 5, 5, 5, 5, 5)]
        latest = domain.latest_per_screener(rows)
        assert list(latest) == ["s1"] and latest["s1"].id == "b"

    def test_order_of_arrival_does_not_matter(self):
        rows = [row("b", "s1", 5, 5, 5, 5, 5), row("a", "s1", 0, 1, 1, 1, 1)]
        assert domain.latest_per_screener(rows)["s1"].id == "b"

    def test_a_timestamp_tie_is_broken_by_id_stably(self):
        rows = [row("b", "s1", 0, 5, 5, 5, 5), row("a", "s1", 0, 1, 1, 1, 1)]
        assert domain.latest_per_screener(rows)["s1"].id == "b"
        assert domain.latest_per_screener(reversed(rows))["s1"].id == "b"

    def test_each_screener_keeps_their_own_row(self):
        rows = [row("a", "s1", 0, 1, 1, 1, 1), row("b", "s2", 1, 5, 5, 5, 5)]
        assert {k: v.id for k, v in domain.latest_per_screener(rows).items()} == {
            "s1": "a",
            "s2": "b",
        }


class TestSummarize:
    def test_nobody_scored_is_none(self):
        assert domain.summarize([]) is None

    def test_one_screener_has_no_spread(self):
        summary = domain.summarize([scores(4, 3, 5, 2)])
        assert summary["screeners"] == 1
        assert summary["public_benefit"] == {"mean": 4, "stdev": 0, "min": 4, "max": 4}
        assert summary["assessable"] == {"mean": 2, "stdev": 0, "min": 2, "max": 2}
        assert summary["overall_mean"] == 3.5

    def test_identical_scores_have_zero_spread(self):
        summary = domain.summarize([scores(3, 3, 3, 3)] * 4)
        assert summary["screeners"] == 4
        for principle in domain.PRINCIPLES:
            assert summary[principle] == {"mean": 3, "stdev": 0, "min": 3, "max": 3}
        assert summary["overall_mean"] == 3

    def test_extremes_give_the_largest_spread(self):
        summary = domain.summarize([scores(1, 1, 1, 1), scores(5, 5, 5, 5)])
        for principle in domain.PRINCIPLES:
            # population standard deviation of {1, 5} is 2 (the sample one would be 2.83)
            assert summary[principle] == {"mean": 3, "stdev": 2, "min": 1, "max": 5}
        assert summary["overall_mean"] == 3

    def test_means_are_rounded_to_two_decimals(self):
        summary = domain.summarize([scores(5, 4, 4, 4), scores(4, 4, 4, 4), scores(4, 4, 4, 4)])
        assert summary["public_benefit"]["mean"] == 4.33
        assert summary["public_benefit"]["stdev"] == 0.47
        assert summary["overall_mean"] == 4.08

    def test_principles_are_summarised_separately(self):
        summary = domain.summarize([scores(5, 1, 3, 2), scores(3, 1, 5, 4)])
        assert summary["public_benefit"]["mean"] == 4 and summary["inclusive"]["mean"] == 1
        assert summary["urgency"] == {"mean": 4, "stdev": 1, "min": 3, "max": 5}
        assert summary["overall_mean"] == 3


def state(status="submitted", merged=False, published=False, on_list=False):
    return domain.ProposalState(status, merged, published, on_list)


class TestScreeningRefusal:
    @pytest.mark.parametrize("verdict", ["in_library", "rejected", "needs_info"])
    def test_an_unscreened_or_screened_proposal_may_be_screened(self, verdict):
        assert domain.screening_refusal(state(), verdict) is None
        assert domain.screening_refusal(state("in_library"), verdict) is None
        assert domain.screening_refusal(state("needs_info"), verdict) is None

    def test_a_merged_proposal_is_screened_through_the_one_it_joined(self):
        assert "合并" in domain.screening_refusal(state(merged=True), "in_library")
        assert "合并" in domain.screening_refusal(state("merged"), "rejected")

    @pytest.mark.parametrize("status", ["adopted", "not_adopted"])
    def test_a_voted_proposal_is_closed(self, status):
        assert "票决" in domain.screening_refusal(state(status), "in_library")

    def test_a_published_outcome_is_final(self):
        assert "公布" in domain.screening_refusal(state("rejected", published=True), "in_library")

    def test_a_proposal_on_a_draft_list_may_stay_but_not_leave_the_library(self):
        on_list = state("in_library", on_list=True)
        assert domain.screening_refusal(on_list, "in_library") is None
        assert "草拟清单" in domain.screening_refusal(on_list, "rejected")
        assert "草拟清单" in domain.screening_refusal(on_list, "needs_info")


class TestSmallRules:
    def test_library_figures_change_only_in_the_library(self):
        assert domain.library_editable("in_library") is None
        for status in ("submitted", "rejected", "needs_info", "adopted", "merged"):
            assert domain.library_editable(status)

    @pytest.mark.parametrize(
        ("status", "published", "answered", "needed"),
        [
            ("needs_info", False, False, True),
            ("needs_info", False, True, False),
            ("in_library", False, False, False),
            ("in_library", True, False, True),
            ("rejected", True, False, True),
            ("rejected", True, True, False),
            ("submitted", True, False, False),
        ],
    )
    def test_who_is_owed_an_answer(self, status, published, answered, needed):
        assert domain.answer_needed(status, published, answered) is needed

    def test_blank_reasons_are_no_reasons(self):
        assert domain.clean_reason("  理由  ") == "理由"
        assert domain.clean_reason("   ") is None and domain.clean_reason(None) is None


GOOD = {"public_benefit": 5, "inclusive": 4, "urgency": 3, "assessable": 2}


class TestScreeningCreateSchema:
    def load(self, **extra):
        return contract.ScreeningCreate().load({**GOOD, **extra})

    def test_in_library_needs_no_reason_and_takes_library_figures(self):
        data = self.load(verdict="in_library", library={"lead_department": "旗住建局"})
        assert data["library"] == {"lead_department": "旗住建局"} and data["reason"] is None
        assert data["comments"] == {}

    @pytest.mark.parametrize("verdict", ["rejected", "needs_info"])
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_rejected_and_needs_info_need_a_reason(self, verdict, reason):
        with pytest.raises(ValidationError) as refused:
            self.load(verdict=verdict, reason=reason)
        assert "reason" in refused.value.messages

    @pytest.mark.parametrize("score", [0, 6, -1, 3.5, "4", True, None])
    def test_scores_are_integers_from_1_to_5(self, score):
        with pytest.raises(ValidationError) as refused:
            self.load(verdict="in_library", urgency=score)
        assert "urgency" in refused.value.messages

    def test_every_principle_is_required(self):
        with pytest.raises(ValidationError) as refused:
            contract.ScreeningCreate().load({"public_benefit": 3, "verdict": "in_library"})
        assert {"inclusive", "urgency", "assessable"} <= set(refused.value.messages)

    def test_comments_are_per_principle_and_at_most_500_characters(self):
        assert self.load(verdict="in_library", comments={"urgency": "急" * 500})
        with pytest.raises(ValidationError):
            self.load(verdict="in_library", comments={"urgency": "急" * 501})
        with pytest.raises(ValidationError):
            self.load(verdict="in_library", comments={"beauty": "好"})

    def test_library_figures_only_with_in_library_and_within_bounds(self):
        with pytest.raises(ValidationError) as refused:
            self.load(verdict="rejected", reason="重复", library={"summary": "x"})
        assert "library" in refused.value.messages
        with pytest.raises(ValidationError):
            self.load(verdict="in_library", library={"estimated_cost_fen": -1})

    def test_unknown_verdicts_are_refused(self):
        with pytest.raises(ValidationError) as refused:
            self.load(verdict="adopted")
        assert "verdict" in refused.value.messages

    def test_a_library_update_changes_at_least_one_figure(self):
        with pytest.raises(ValidationError):
            contract.LibraryItemUpdate().load({})
        assert contract.LibraryItemUpdate().load({"beneficiaries": 300}) == {"beneficiaries": 300}
