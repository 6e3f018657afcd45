"""collection.domain: the pure collection rules (no broker, no database)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from collection.domain import intake as domain
from collection.domain.intake import IntakeDecision, NoticeWindow, intake_decision
from contracts import reference
from contracts.reference import PROPOSAL_STATUSES, ROLES, STAFF_CHANNELS

OPENS = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 08:00 on 1 Dec in Beijing
CLOSES = datetime(2027, 1, 30, 16, 0, tzinfo=UTC)  # 00:00 on 31 Jan in Beijing
TICK = timedelta(microseconds=1)


def window(
    notice_id: str = "n1", opens: datetime = OPENS, closes: datetime = CLOSES
) -> NoticeWindow:
    return NoticeWindow(notice_id, opens, closes)


class TestNoticeWindowStatus:
    def test_is_upcoming_just_before_it_opens(self):
        assert window().status(OPENS - TICK) == "upcoming"

    def test_is_open_at_the_exact_opening_moment(self):
        assert window().status(OPENS) == "open"

    def test_is_open_just_before_it_closes(self):
        assert window().status(CLOSES - TICK) == "open"

    def test_is_closed_at_the_exact_closing_moment(self):
        assert window().status(CLOSES) == "closed"

    def test_compares_moments_not_wall_clock_text_across_time_zones(self):
        # 08:00 in Beijing is the opening instant itself.
        beijing_opening = OPENS.astimezone(domain.SHANGHAI)
        assert window().status(beijing_opening) == "open"
        assert window().status(beijing_opening - TICK) == "upcoming"


class TestIntakeDecision:
    def test_accepts_into_the_open_notice(self):
        decision = intake_decision([window("open-one")], OPENS + timedelta(days=1))
        assert decision == IntakeDecision("open-one")
        assert decision.accepted
        assert decision.refusal is None

    def test_upcoming_refusal_says_when_it_opens_in_beijing_time(self):
        decision = intake_decision([window()], OPENS - timedelta(days=3))
        assert not decision.accepted
        assert decision.notice_id is None
        assert "2026-12-01 08:00" in decision.refusal
        assert "北京时间" in decision.refusal
        assert "尚未开始" in decision.refusal

    def test_closed_refusal_says_when_it_closed_in_beijing_time(self):
        decision = intake_decision([window()], CLOSES + timedelta(days=1))
        assert not decision.accepted
        assert "2027-01-31 00:00" in decision.refusal
        assert "截止" in decision.refusal

    def test_closed_refusal_names_the_latest_closing_of_several_notices(self):
        earlier = window("old", OPENS - timedelta(days=400), CLOSES - timedelta(days=365))
        decision = intake_decision([window("recent"), earlier], CLOSES + timedelta(days=1))
        assert "2027-01-31 00:00" in decision.refusal

    def test_no_notice_refusal_says_there_is_none(self):
        decision = intake_decision([], OPENS)
        assert not decision.accepted
        assert "没有征集公告" in decision.refusal

    def test_accepts_a_generator_of_windows(self):
        decision = intake_decision((w for w in [window("g")]), OPENS)
        assert decision.notice_id == "g"

    def test_picks_the_open_notice_among_closed_and_upcoming_ones(self):
        now = OPENS + timedelta(days=10)
        closed = window("closed", now - timedelta(days=30), now - timedelta(days=1))
        upcoming = window("upcoming", now + timedelta(days=1), now + timedelta(days=30))
        opened = window("open", now - timedelta(days=1), now + timedelta(days=1))
        assert intake_decision([closed, upcoming, opened], now).notice_id == "open"

    def test_picks_the_open_notice_closing_soonest_when_several_are_open(self):
        now = OPENS + timedelta(days=10)
        later = window("later", now - timedelta(days=5), now + timedelta(days=20))
        sooner = window("sooner", now - timedelta(days=1), now + timedelta(days=2))
        assert intake_decision([later, sooner], now).notice_id == "sooner"

    def test_prefers_saying_when_the_next_opens_over_saying_an_old_one_closed(self):
        now = OPENS - timedelta(days=3)
        closed = window("closed", now - timedelta(days=60), now - timedelta(days=30))
        decision = intake_decision([closed, window("next")], now)
        assert not decision.accepted
        assert "2026-12-01 08:00" in decision.refusal

    def test_names_the_earliest_of_several_upcoming_notices(self):
        now = OPENS - timedelta(days=3)
        far = window("far", OPENS + timedelta(days=90), CLOSES + timedelta(days=90))
        decision = intake_decision([far, window("near")], now)
        assert "2026-12-01 08:00" in decision.refusal


# Who may enter a proposal on someone's behalf (business rule of 群众提).
MAY_ENTER = {
    "deputy": {"admin", "deputy", "congress_staff"},
    "department": {"admin", "department_staff", "government_staff"},
    "letter": {"admin", "government_staff", "congress_staff"},
    "visit": {"admin", "government_staff", "congress_staff"},
    "hotline": {"admin", "government_staff"},
}


class TestMayEnterChannel:
    @pytest.mark.parametrize("role", ROLES)
    def test_anyone_may_use_the_online_channel(self, role):
        assert domain.may_enter_channel("online", [role])

    def test_anonymous_residents_may_use_the_online_channel(self):
        assert domain.may_enter_channel("online", [])

    @pytest.mark.parametrize("channel", STAFF_CHANNELS)
    @pytest.mark.parametrize("role", ROLES)
    def test_staff_channels_are_open_only_to_their_roles(self, channel, role):
        assert domain.may_enter_channel(channel, [role]) == (role in MAY_ENTER[channel])

    @pytest.mark.parametrize("channel", STAFF_CHANNELS)
    def test_no_roles_may_not_enter_a_staff_channel(self, channel):
        assert not domain.may_enter_channel(channel, [])

    def test_one_permitted_role_among_several_is_enough(self):
        assert domain.may_enter_channel("hotline", ["evaluator", "government_staff"])

    def test_an_unknown_channel_is_refused_even_to_admin(self):
        assert not domain.may_enter_channel("carrier_pigeon", ["admin"])

    def test_every_staff_channel_has_a_role_rule(self):
        assert set(domain.CHANNEL_ROLES) == {*STAFF_CHANNELS, "petition"}

    @pytest.mark.parametrize("role", ROLES)
    def test_petition_proposals_are_never_entered_by_hand(self, role):
        assert not domain.may_enter_channel("petition", [role])


class TestTrackingCode:
    @pytest.mark.parametrize("level", reference.LEVELS)
    def test_matches_the_contract_pattern(self, level):
        pattern = re.compile(reference.TRACKING_CODE_PATTERN)
        for _ in range(200):
            code = domain.new_tracking_code(level)
            assert pattern.match(code), code

    @pytest.mark.parametrize("level", reference.LEVELS)
    def test_first_letter_maps_back_to_its_level(self, level):
        code = domain.new_tracking_code(level)
        assert reference.level_of_tracking_code(code) == level
        assert reference.level_of_tracking_code(code.lower()) == level

    def test_codes_are_random(self):
        codes = {domain.new_tracking_code("township") for _ in range(500)}
        assert len(codes) == 500

    def test_never_uses_ambiguous_letters(self):
        body = "".join(domain.new_tracking_code("city")[1:] for _ in range(300))
        assert not set(body) & set("ILOU")

    def test_level_letters_are_the_contract_ones(self):
        assert domain.LEVEL_LETTERS == reference.LEVEL_LETTERS

    def test_an_unknown_level_has_no_tracking_code(self):
        with pytest.raises(KeyError):
            domain.new_tracking_code("province")


class TestStatusText:
    @pytest.mark.parametrize("status", PROPOSAL_STATUSES)
    def test_every_contract_status_reads_in_chinese_first(self, status):
        text = domain.status_text(status)
        assert re.match(r"^[\u4e00-\u9fff]", text), text

    def test_statuses_read_differently(self):
        texts = [domain.status_text(status) for status in PROPOSAL_STATUSES]
        assert len(set(texts)) == len(texts)

    def test_covers_exactly_the_contract_statuses(self):
        assert set(domain.STATUS_TEXT) == set(PROPOSAL_STATUSES)


class TestTrackingCodes:
    @pytest.mark.parametrize(
        ("roles", "sees"),
        [
            (("government_staff",), True),
            (("deputy", "congress_staff"), True),
            (("deputy",), False),
            (("supervisor", "evaluator"), False),
            ((), False),
        ],
    )
    def test_only_staff_see_other_proposals_tracking_codes(self, roles, sees):
        assert domain.sees_tracking_codes(roles) is sees
