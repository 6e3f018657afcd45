"""Duty posts' and diary tags' pure rules (petition.domain.posts): what a deputy may publish,
who sees a post, how moderation moves it, how tags are written; and that the domain's size
limits are the contracts' (the domain imports no contracts)."""

from datetime import date, timedelta

import pytest
from contracts import posts as contract
from contracts.reference import ATTACHMENT_CONTENT_TYPES, MAX_ATTACHMENT_BYTES
from petition.domain import posts as rules
from petition.use_cases.posts import LIMITS

MIB = 1024 * 1024
TODAY = date(2026, 5, 12)
PHOTO = rules.Media("image/jpeg", 2 * MIB)
VIDEO = rules.Media("video/mp4", 80 * MIB)


def refused(call, *args):
    with pytest.raises(rules.PostRefused) as caught:
        call(*args)
    return caught.value


class TestMedia:
    def test_nine_photos_and_one_video_pass(self):
        rules.check_media([PHOTO] * 9 + [VIDEO], LIMITS)

    def test_a_tenth_photo_is_refused_on_the_attachments(self):
        problem = refused(rules.check_media, [PHOTO] * 10, LIMITS)
        assert "9 张照片" in problem.message and problem.field == "attachments"

    def test_a_second_video_is_refused(self):
        assert "1 个视频" in refused(rules.check_media, [VIDEO, VIDEO], LIMITS).message

    def test_a_photo_over_the_platforms_size_is_refused_and_a_video_may_be_larger(self):
        rules.check_media([rules.Media("image/png", MAX_ATTACHMENT_BYTES)], LIMITS)
        big = rules.Media("image/png", MAX_ATTACHMENT_BYTES + 1)
        assert "20 MB" in refused(rules.check_media, [big], LIMITS).message
        rules.check_media([rules.Media("video/mp4", MAX_ATTACHMENT_BYTES * 5)], LIMITS)

    def test_a_video_over_its_limit_is_refused(self):
        big = rules.Media("video/webm", LIMITS.max_video_bytes + 1)
        assert "视频不能超过" in refused(rules.check_media, [big], LIMITS).message


class TestDayAndRate:
    def test_today_and_a_year_back_pass(self):
        rules.check_held_on(TODAY, TODAY, LIMITS)
        rules.check_held_on(TODAY - timedelta(days=366), TODAY, LIMITS)

    def test_tomorrow_is_refused(self):
        problem = refused(rules.check_held_on, TODAY + timedelta(days=1), TODAY, LIMITS)
        assert problem.field == "held_on" and "晚于今天" in problem.message

    def test_more_than_a_year_back_is_refused(self):
        problem = refused(rules.check_held_on, TODAY - timedelta(days=367), TODAY, LIMITS)
        assert problem.field == "held_on"

    def test_the_twenty_first_post_of_a_day_is_refused(self):
        rules.check_daily(19, LIMITS)
        assert "20 条" in refused(rules.check_daily, 20, LIMITS).message

    def test_check_post_applies_every_rule(self):
        rules.check_post([PHOTO], TODAY, TODAY, 0, LIMITS)
        refused(rules.check_post, [PHOTO], TODAY, TODAY, 20, LIMITS)
        refused(rules.check_post, [PHOTO] * 10, TODAY, TODAY, 0, LIMITS)


class TestVisibility:
    @pytest.mark.parametrize(
        ("hidden", "deleted", "viewer", "seen"),
        [
            (False, False, rules.Viewer(), True),
            (True, False, rules.Viewer(), False),
            (True, False, rules.Viewer(author=True), True),
            (True, False, rules.Viewer(moderator=True), True),
            (False, True, rules.Viewer(author=True, moderator=True), False),
        ],
    )
    def test_who_sees_a_post(self, hidden, deleted, viewer, seen):
        assert rules.visible(hidden, deleted, viewer) is seen


class TestModeration:
    def test_hide_needs_a_reason_and_a_visible_post(self):
        assert rules.moderate(False, rules.HIDE, "含群众手机号") is True
        assert refused(rules.moderate, False, rules.HIDE, "  ").field == "reason"
        assert "已被屏蔽" in refused(rules.moderate, True, rules.HIDE, "again").message

    def test_unhide_needs_a_hidden_post(self):
        assert rules.moderate(True, rules.UNHIDE, None) is False
        assert "未被屏蔽" in refused(rules.moderate, False, rules.UNHIDE, None).message

    def test_an_unknown_action_is_a_programming_error(self):
        with pytest.raises(ValueError, match="unknown action"):
            rules.moderate(False, "delete", None)


class TestTags:
    def test_hashes_spaces_and_repeats_go_and_the_order_stays(self):
        assert rules.normalize_tags([" #养老 ", "路灯", "养老", "＃路灯", "#", ""]) == (
            "养老",
            "路灯",
        )


class TestVocabulary:
    def test_kinds_are_the_contracts_with_chinese_names(self):
        assert rules.KINDS == contract.POST_KINDS
        assert [rules.KIND_NAMES[k] for k in rules.KINDS] == ["宣讲", "走访", "接待", "调研"]
        assert (rules.HIDE, rules.UNHIDE) == contract.POST_ACTIONS

    def test_sizes_come_from_the_contracts(self):
        assert LIMITS.max_photo_bytes == MAX_ATTACHMENT_BYTES
        assert LIMITS.max_video_bytes == contract.MAX_VIDEO_BYTES
        assert set(contract.PHOTO_CONTENT_TYPES) <= set(ATTACHMENT_CONTENT_TYPES)

    @pytest.mark.parametrize(
        ("post_id", "level"),
        [("T-" + "a" * 32, "township"), ("B-" + "0" * 32, "banner"), ("X-" + "a" * 32, None),
         ("T-" + "A" * 32, None), ("T-abc", None), ("T-" + "a" * 32 + "\n", None)],
    )  # fmt: skip
    def test_a_post_id_names_its_level(self, post_id, level):
        assert contract.post_level(post_id) == level
