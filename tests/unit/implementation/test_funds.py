"""Money rules: budgets, disbursements within the adjusted budget, payments within the
disbursed funds, special fund pools, and the figures a refusal carries."""

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from implementation.domain.funds import (
    FUND_SOURCE_NAMES,
    FUND_SOURCES,
    MAX_SOURCE_FEN,
    SPECIAL_SOURCES,
    Budget,
    FundsError,
    Pool,
    check_budget,
    check_disbursement,
    check_draw,
    check_payment,
    describe_budget_change,
    diff_budget,
    special_share,
    wan_yuan,
    yuan,
)

WAN = 1_000_000  # fen in 1 万元


class TestMoneyText:
    @pytest.mark.parametrize(
        ("fen", "text"), [(123456, "1234.56"), (5, "0.05"), (0, "0.00"), (-5, "-0.05")]
    )
    def test_yuan_has_two_decimals(self, fen, text):
        assert yuan(fen) == text

    @pytest.mark.parametrize(
        ("fen", "text"),
        [
            (123_456_789, "123.46 万元"),
            (500 * WAN, "500.00 万元"),
            (4_999, "0.00 万元"),  # just below half a hundredth of 万元
            (5_000, "0.01 万元"),  # exactly half rounds up
            (-5_000, "-0.01 万元"),
        ],
    )
    def test_wan_yuan_rounds_half_up(self, fen, text):
        assert wan_yuan(fen) == text


class TestSources:
    def test_seven_sources_in_order_with_chinese_names(self):
        assert FUND_SOURCES[0] == "own_fiscal" and FUND_SOURCES[-1] == "social"
        assert list(FUND_SOURCE_NAMES) == list(FUND_SOURCES)
        assert FUND_SOURCE_NAMES["banner_special"] == "旗区专项"
        assert {"city_township_subsidy", "banner_special"} == SPECIAL_SOURCES


class TestCheckBudget:
    def test_a_valid_budget_passes_up_to_the_ceiling(self):
        check_budget({"own_fiscal": MAX_SOURCE_FEN, "social": 0})

    @pytest.mark.parametrize(
        ("amounts", "code"),
        [
            ({"lottery": 1}, "unknown_source"),
            ({"own_fiscal": -1}, "invalid_amount"),
            ({"own_fiscal": MAX_SOURCE_FEN + 1}, "invalid_amount"),
            ({"own_fiscal": 1.5}, "invalid_amount"),
            ({"own_fiscal": True}, "invalid_amount"),
            ({"own_fiscal": 0, "social": 0}, "empty_budget"),
            ({}, "empty_budget"),
            ([("own_fiscal", 1)], "invalid_budget"),
        ],
    )
    def test_refusals_have_a_code(self, amounts, code):
        with pytest.raises(FundsError) as refused:
            check_budget(amounts)
        assert refused.value.code == code
        json.dumps(refused.value.details)

    def test_budget_total_and_a_read_only_copy(self):
        given_amounts = {"own_fiscal": 300, "banner_special": 200}
        budget = Budget(given_amounts)
        given_amounts["own_fiscal"] = 0
        assert budget.total == 500 and budget.of("own_fiscal") == 300 and budget.of("social") == 0
        with pytest.raises(TypeError):
            budget.amounts["social"] = 1  # type: ignore[index]


class TestCheckDisbursement:
    budget = Budget({"banner_special": 500 * WAN, "own_fiscal": 100})

    def test_exactly_the_remaining_budget_passes(self):
        check_disbursement(self.budget, {"banner_special": 400 * WAN}, "banner_special", 100 * WAN)

    def test_one_fen_more_is_refused_with_the_figures(self):
        with pytest.raises(FundsError) as refused:
            check_disbursement(
                self.budget, {"banner_special": 400 * WAN}, "banner_special", 100 * WAN + 1
            )
        assert refused.value.code == "over_budget"
        assert refused.value.details == {
            "source": "banner_special",
            "budget_fen": 500 * WAN,
            "disbursed_fen": 400 * WAN,
            "amount_fen": 100 * WAN + 1,
            "remaining_fen": 100 * WAN,
        }

    def test_the_message_names_the_source_and_the_figures_in_wan_yuan(self):
        with pytest.raises(FundsError) as refused:
            check_disbursement(
                self.budget, {"banner_special": 400 * WAN}, "banner_special", 150 * WAN
            )
        assert refused.value.message == (
            "拨付后将超出调整后预算：旗区专项 预算 500.00 万元，已拨付 400.00 万元，"
            "本次 150.00 万元，剩余 100.00 万元 "
            "(disbursement would exceed the adjusted budget of banner_special)"
        )

    def test_a_source_without_budget_takes_nothing(self):
        with pytest.raises(FundsError) as refused:
            check_disbursement(self.budget, {}, "social", 1)
        assert refused.value.details["budget_fen"] == 0

    def test_other_sources_do_not_lend_their_room(self):
        with pytest.raises(FundsError):
            check_disbursement(self.budget, {}, "own_fiscal", 101)

    @pytest.mark.parametrize("amount", [0, -1, 2.5])
    def test_amounts_must_be_positive_fen(self, amount):
        with pytest.raises(FundsError, match="拨付金额") as refused:
            check_disbursement(self.budget, {}, "own_fiscal", amount)
        assert refused.value.code == "invalid_amount"

    def test_unknown_sources_are_refused(self):
        with pytest.raises(FundsError) as refused:
            check_disbursement(self.budget, {}, "lottery", 1)
        assert refused.value.code == "unknown_source"


class TestCheckPayment:
    def test_paying_up_to_the_disbursed_funds_passes(self):
        check_payment(1000, 600, 400)

    def test_one_fen_beyond_is_refused_with_the_figures(self):
        with pytest.raises(FundsError) as refused:
            check_payment(1000, 600, 401, source="own_fiscal")
        assert refused.value.code == "over_disbursed"
        assert refused.value.details == {
            "source": "own_fiscal",
            "disbursed_fen": 1000,
            "paid_fen": 600,
            "amount_fen": 401,
            "remaining_fen": 400,
        }
        assert refused.value.message.startswith("支付金额超出已拨付资金：本级财政")


class TestPools:
    pool = Pool("ordos-2025-township", allocated=40_000 * WAN, committed=39_000 * WAN)

    def test_remaining(self):
        assert self.pool.remaining == 1_000 * WAN

    def test_a_draw_of_exactly_what_is_left_passes(self):
        check_draw(self.pool, 1_000 * WAN)

    def test_one_fen_more_is_refused_with_the_figures(self):
        with pytest.raises(FundsError) as refused:
            check_draw(self.pool, 1_000 * WAN + 1)
        assert refused.value.code == "pool_exhausted"
        assert refused.value.details == {
            "pool_id": "ordos-2025-township",
            "allocated_fen": 40_000 * WAN,
            "committed_fen": 39_000 * WAN,
            "amount_fen": 1_000 * WAN + 1,
            "remaining_fen": 1_000 * WAN,
        }
        assert "ordos-2025-township" in refused.value.message

    def test_an_empty_pool_refuses_one_fen(self):
        with pytest.raises(FundsError):
            check_draw(Pool("p", 5, 5), 1)


class TestSpecialShare:
    def test_special_sources_over_all(self):
        totals = {"own_fiscal": 65, "city_township_subsidy": 20, "banner_special": 15}
        assert special_share(totals) == Fraction(35, 100)

    def test_none_without_money_and_zero_without_special(self):
        assert special_share({}) is None
        assert special_share({"own_fiscal": 0}) is None
        assert special_share({"own_fiscal": 10}) == 0


class TestBudgetVersions:
    def test_only_changed_sources_in_source_order(self):
        old = {"own_fiscal": 100, "banner_special": 50, "social": 5}
        new = {"banner_special": 80, "own_fiscal": 100, "enterprise": 7}
        delta = diff_budget(old, new)
        assert delta == {"banner_special": 30, "enterprise": 7, "social": -5}
        assert list(delta) == ["banner_special", "enterprise", "social"]

    def test_the_history_line(self):
        line = describe_budget_change({"banner_special": 100 * WAN, "own_fiscal": -50 * WAN})
        assert line == "旗区专项 +100.00 万元；本级财政 -50.00 万元"
        assert "未变化" in describe_budget_change({})

    @given(
        st.dictionaries(st.sampled_from(FUND_SOURCES), st.integers(0, 10**12)),
        st.dictionaries(st.sampled_from(FUND_SOURCES), st.integers(0, 10**12)),
    )
    def test_applying_the_delta_to_the_old_budget_gives_the_new(self, old, new):
        delta = diff_budget(old, new)
        applied = {s: old.get(s, 0) + delta.get(s, 0) for s in FUND_SOURCES}
        assert applied == {s: new.get(s, 0) for s in FUND_SOURCES}
        assert all(delta.values())
