"""The ballot page's pure helpers: the form read into the cast's choices, the receipt's URL."""

from gateway.pages.views.ballot import approvals, choices_of, field_name, receipt_url
from werkzeug.datastructures import MultiDict

PAPER = {"candidates": [{"id": "p-1"}, {"id": "p-2"}, {"id": "p-3"}]}


class TestChoices:
    def test_only_this_ballots_candidates_and_only_what_was_chosen(self):
        form = MultiDict(
            {field_name("p-1"): "approve", field_name("p-2"): "", "c-other": "approve", "x": "1"}
        )
        assert choices_of(form, PAPER) == {"p-1": "approve"}

    def test_values_pass_as_sent_for_the_api_to_judge(self):
        form = MultiDict({field_name("p-3"): " 满意 "})
        assert choices_of(form, PAPER) == {"p-3": "满意"}

    def test_approvals_are_counted(self):
        assert approvals({"a": "approve", "b": "oppose", "c": "approve"}) == 2


class TestReceiptUrl:
    def test_the_receipt_and_session_never_the_token(self):
        url = receipt_url("T-" + "a" * 32, "ABCD-EFGH-JKMN-PQRS-TVWX")
        assert url == f"/b/check?session_id=T-{'a' * 32}&receipt=ABCD-EFGH-JKMN-PQRS-TVWX"

    def test_a_repeated_cast_says_so(self):
        assert receipt_url("T-x", "R", repeated=True).endswith("&again=1")
        assert "again" not in receipt_url("T-x", "R")
