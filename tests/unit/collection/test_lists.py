"""Pure rules of draft lists: the differential ratio, version diffs and content hashes."""

import math
from fractions import Fraction

import pytest
from collection.domain import lists as domain

CATEGORIES = ("教育", "医疗卫生", "基础设施")


def item(pid: str, **extra) -> dict:
    base = {
        "proposal_id": pid,
        "title": f"项目{pid}",
        "summary": "概述",
        "category": "教育",
        "estimated_cost_fen": 100,
        "lead_department": "教育局",
        "rationale": "",
    }
    return {**base, **extra}


class TestDifferentialRatio:
    @pytest.mark.parametrize("seats", range(1, 31))
    @pytest.mark.parametrize("permille", [0, 200, 250, 333, 1000])
    def test_exactly_at_the_limit_is_accepted_and_one_short_is_refused(self, seats, permille):
        needed = math.ceil(Fraction(seats) * (1 + Fraction(permille, 1000)))
        assert domain.minimum_candidates(seats, permille) == needed
        assert domain.freeze_refusal(3, 3, None, seats, needed, permille) is None
        refusal = domain.freeze_refusal(3, 3, None, seats, needed - 1, permille)
        assert refusal is not None and refusal.kind == "rule"
        assert "还差 1 个" in refusal.message

    def test_twenty_percent_of_ten_seats_needs_twelve_not_a_float_rounding_thirteen(self):
        assert domain.minimum_candidates(10, 200) == 12
        assert domain.minimum_candidates(5, 200) == 6
        assert domain.minimum_candidates(1, 200) == 2  # 1.2 rounds up
        assert domain.minimum_candidates(3, 333) == 4  # 3.999 rounds up

    def test_the_message_says_how_many_more_are_needed(self):
        refusal = domain.freeze_refusal(3, 3, None, 10, 10, 200)
        assert refusal.message.startswith(
            "候选项目不足：10 个名额按 20% 差额至少需要 12 个，还差 2 个"
        )

    def test_rounds_still_to_do_or_an_open_round_refuse_first(self):
        remaining = domain.freeze_refusal(1, 3, None, 10, 12, 200)
        assert remaining.kind == "rule" and "还需完成 2 轮" in remaining.message
        assert domain.freeze_refusal(2, 3, 3, 10, 12, 200).kind == "conflict"

    def test_ratio_text_keeps_tenths(self):
        assert domain.ratio_text(200) == "20%" and domain.ratio_text(333) == "33.3%"


class TestOpeningRounds:
    def test_the_planned_number_of_rounds_is_the_limit(self):
        assert domain.open_refusal(False, None, 2, 3) is None
        assert domain.open_refusal(False, None, 3, 3).kind == "rule"
        assert domain.open_refusal(False, 3, 2, 3).kind == "conflict"
        assert domain.open_refusal(True, None, 0, 3) is domain.FROZEN


class TestLibraryOrder:
    def test_by_category_then_costliest_then_title(self):
        items = [
            item("a", category="基础设施", estimated_cost_fen=5),
            item("b", category="教育", estimated_cost_fen=1, title="B 项"),
            item("c", category="教育", estimated_cost_fen=1, title="A 项"),
            item("d", category="教育", estimated_cost_fen=None),
            item("e", category="教育", estimated_cost_fen=9),
        ]
        ordered = domain.library_order(items, CATEGORIES)
        assert [i["proposal_id"] for i in ordered] == ["e", "c", "b", "d", "a"]


class TestRevise:
    def test_keeps_previous_items_takes_library_snapshots_and_applies_overrides(self):
        previous = [item("a"), item("b")]
        library = {"c": item("c", title="新项目")}
        revised, problems = domain.revise(
            previous, [{"proposal_id": "b", "title": "改名"}, {"proposal_id": "c"}], library
        )
        assert problems == {}
        assert [(i["proposal_id"], i["title"]) for i in revised] == [("b", "改名"), ("c", "新项目")]

    def test_unknown_and_repeated_items_are_problems(self):
        _, problems = domain.revise(
            [item("a")], [{"proposal_id": "a"}, {"proposal_id": "a"}, {"proposal_id": "x"}], {}
        )
        assert set(problems) == {"a", "x"}


class TestDiff:
    def test_added_removed_and_changed_with_reasons(self):
        old = [item("a"), item("b"), item("c")]
        new = [item("c"), item("a", estimated_cost_fen=250), item("d")]
        reasons = {"a": "压缩预算", "b": "已由上级实施", "d": "乡镇新增"}
        result = domain.diff(old, new, reasons)
        assert [e["item"]["proposal_id"] for e in result["added"]] == ["d"]
        assert result["added"][0]["reason"] == "乡镇新增"
        assert [(e["item"]["proposal_id"], e["reason"]) for e in result["removed"]] == [
            ("b", "已由上级实施")
        ]
        assert result["changed"] == [
            {
                "proposal_id": "a",
                "title": "项目a",
                "changes": {"estimated_cost_fen": [100, 250]},
                "reason": "压缩预算",
            }
        ]  # "c" only moved: not a change

    def test_every_touched_item_needs_a_reason(self):
        result = domain.diff([item("a"), item("b")], [item("a", title="新"), item("c")], {})
        assert sorted(domain.missing_reasons(result, {"c": "  "})) == ["a", "b", "c"]
        assert domain.missing_reasons(result, {"a": "x", "b": "y", "c": "z"}) == []

    def test_non_adjacent_reasons_come_from_each_intermediate_version_latest_winning(self):
        v0 = [item("a"), item("b")]
        v2 = [item("a", title="第二次改名"), item("c")]
        reasons = domain.merged_reasons([{"a": "第一次", "c": "新增"}, {"a": "第二次", "b": "删"}])
        result = domain.diff(v0, v2, reasons)
        assert result["changed"][0]["reason"] == "第二次"
        assert result["added"][0]["reason"] == "新增"
        assert result["removed"][0]["reason"] == "删"

    def test_identical_versions_have_an_empty_diff(self):
        assert domain.diff([item("a")], [item("a")], {}) == {
            "added": [],
            "removed": [],
            "changed": [],
        }


class TestContentHash:
    def test_is_stable_across_key_order_and_calls(self):
        one = [item("a"), item("b")]
        reordered_keys = [dict(reversed(list(i.items()))) for i in one]
        assert domain.content_hash(one) == domain.content_hash(reordered_keys)
        assert domain.content_hash(one) == domain.content_hash([dict(i) for i in one])
        assert len(domain.content_hash(one)) == 64

    def test_changes_with_content_and_with_order(self):
        one = [item("a"), item("b")]
        assert domain.content_hash(one) != domain.content_hash([item("b"), item("a")])
        assert domain.content_hash(one) != domain.content_hash([item("a", title="x"), item("b")])

    def test_a_known_value_pins_the_canonical_form(self):
        import hashlib

        expected = hashlib.sha256('[{"a":"中"}]'.encode()).hexdigest()
        assert domain.content_hash([{"a": "中"}]) == expected


class TestWhoAnswersAComment:
    @pytest.mark.parametrize(
        ("account", "username", "may"),
        [
            ("wang-daibiao", "wang-daibiao", True),
            ("wang-daibiao", "li-daibiao", False),
            ("wang-daibiao", None, False),  # a principal without an account name
            (None, "wang-daibiao", False),  # a request from before accounts were named
            (None, None, False),
        ],
    )
    def test_only_the_account_named(self, account, username, may):
        assert domain.may_answer(account, username) is may
