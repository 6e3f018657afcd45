"""The session state machine, roster import and the random identifiers, without I/O."""

import re

import pytest
from contracts.voting import SESSION_ID_PATTERN, TOKEN_PATTERN, session_level, token_level
from voting.domain import roster
from voting.domain.sessions import (
    STATES,
    TRANSITIONS,
    Refusal,
    allowed_in,
    cast_refusal,
    transition,
)
from voting.tokens import (
    hash_of_ref,
    new_session_id,
    new_token,
    receipt_for,
    token_hash,
    token_ref,
)

PATH = ["start_deliberation", "open", "close", "tally", "announce", "publish"]


class TestStateMachine:
    def test_the_happy_path_visits_every_state_once_in_order(self):
        state, seen = "draft", ["draft"]
        for action in PATH:
            state = transition(state, action)
            seen.append(state)
        assert seen == list(STATES)

    @pytest.mark.parametrize("state", STATES)
    @pytest.mark.parametrize("action", sorted(TRANSITIONS))
    def test_every_other_step_is_refused_with_both_states_named(self, state, action):
        outcome = transition(state, action, runoff_pending=True)
        start, end = TRANSITIONS[action]
        if state == start and action != "publish":
            assert outcome == end
        else:
            assert isinstance(outcome, Refusal)

    def test_runoff_only_when_pending_and_publish_only_when_not(self):
        assert isinstance(transition("announced", "runoff"), Refusal)
        assert transition("announced", "runoff", runoff_pending=True) == "open"
        assert isinstance(transition("announced", "publish", runoff_pending=True), Refusal)
        assert transition("announced", "publish") == "published"

    def test_casting_says_not_yet_or_no_longer(self):
        assert "尚未开始" in cast_refusal("deliberation").message
        assert "已结束" in cast_refusal("tallied").message
        assert cast_refusal("open") is None

    def test_allowed_in_names_the_states(self):
        refusal = allowed_in("draft", ("deliberation", "open"), "签到")
        assert "审议中" in refusal.message and "投票中" in refusal.message


class TestRoster:
    def test_chinese_or_english_headers_and_a_bom(self):
        deputies = roster.parse("\ufeffnumber,name,delegation\nD1,甲,一组\nD2,乙,二组\n")
        assert [d.number for d in deputies] == ["D1", "D2"]
        assert roster.delegations(deputies) == [("一组", 1), ("二组", 1)]

    def test_every_problem_is_named_by_line_and_nothing_is_returned(self):
        text = "代表证号,姓名,代表团,电话\nD1,甲,一组,12\nD1,乙,一组,\n,丙,,\n"
        with pytest.raises(roster.RosterRefused) as refused:
            roster.parse(text)
        problems = {p.line: p.errors for p in refused.value.problems}
        assert set(problems) == {2, 3, 4}
        assert "phone" in problems[2] and "number" in problems[3]
        assert set(problems[4]) == {"number", "delegation"}

    def test_missing_columns_are_refused_before_any_row(self):
        with pytest.raises(roster.RosterRefused, match="代表团"):
            roster.parse("代表证号,姓名\nD1,甲\n")

    def test_the_hash_ignores_phones_accounts_and_row_order(self):
        one = roster.parse(
            "代表证号,姓名,代表团,电话,账号\nD1,甲,一组,13800000000,a\nD2,乙,一组,,\n"
        )
        two = roster.parse("代表证号,姓名,代表团\nD2,乙,一组\nD1,甲,一组\n")
        assert roster.content_hash(one) == roster.content_hash(two)


class TestIdentifiers:
    @pytest.mark.parametrize("level", ["city", "banner", "township"])
    def test_ids_and_tokens_name_their_level(self, level):
        session_id, token = new_session_id(level), new_token(level)
        assert re.fullmatch(SESSION_ID_PATTERN, session_id) and session_level(session_id) == level
        assert re.fullmatch(TOKEN_PATTERN, token) and token_level(token) == level

    def test_tokens_carry_160_random_bits_and_are_stored_as_a_hash(self):
        tokens = {new_token("township") for _ in range(2000)}
        assert len(tokens) == 2000
        assert len(token_hash(next(iter(tokens)))) == 64
        # every position takes many values: nothing fixed beyond the level letter
        assert all(len({t[i] for t in tokens}) == 32 for i in range(1, 33))

    def test_receipts_read_in_groups_of_four(self):
        assert re.fullmatch(
            r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", receipt_for(new_token("city"))
        )

    def test_a_receipt_is_the_tokens_own_and_tells_nothing_of_its_hash(self):
        tokens = [new_token("township") for _ in range(2000)]
        receipts = {receipt_for(t) for t in tokens}
        assert len(receipts) == 2000  # 80 bits each: no two tokens share one
        assert all(receipt_for(t) == receipt_for(t) for t in tokens[:10])  # a retry: the same
        # every position takes many values, as random receipts did
        letters = [r.replace("-", "") for r in receipts]
        assert all(len({r[i] for r in letters}) == 32 for i in range(16))
        assert not any(receipt_for(t).replace("-", "") in token_hash(t).upper() for t in tokens)


class TestTokenRefs:
    """The roll's `token_ref`: the token hash under a pad of the workers' secret."""

    def test_the_ref_gives_back_the_hash_only_with_its_own_pad(self):
        hashed = token_hash(new_token("township"))
        ref = token_ref(hashed, "T-" + "a" * 32, 1, "D001", 0)
        assert ref != hashed and hash_of_ref(ref, "T-" + "a" * 32, 1, "D001", 0) == hashed
        for other in (("D002", 0), ("D001", 1)):  # another deputy, or after a reissue
            assert hash_of_ref(ref, "T-" + "a" * 32, 1, *other) != hashed
