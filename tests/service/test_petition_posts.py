"""Duty posts (履职圈) through petition's entrypoints on migrated SQLite: a deputy publishes, the
public feed of an area and the areas under it (newest first, paged), the deputy's newest posts
on their public page, editing and deleting one's own only, moderation by congress staff of the
area or above (who, when, why), the publishing limits as 422 and bad bodies as 400."""

from datetime import timedelta

import pytest
from petition.use_cases.common import today
from servicekit import metrics
from servicekit.auth import ANONYMOUS
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)

from tests.support import petition as p
from tests.support.workers import migrated_sessions

PHOTO = {"file_name": "走访.jpg", "content_type": "image/jpeg", "size_bytes": 204800,
         "sha256": "a" * 64}  # fmt: skip
VIDEO = {**PHOTO, "file_name": "宣讲.mp4", "content_type": "video/mp4", "size_bytes": 90 << 20}


def post_body(**changes):
    return {
        "kind": "visit",
        "text": "走访迎宾路小区，听取居民对路灯维修的意见。",
        "place": "迎宾路小区",
        "held_on": str(today()),
        "attachments": [PHOTO, VIDEO],
        **changes,
    }


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def publish(world, who=p.WANG, key=None, **changes):
    return world.worker(who).publish_duty_post(post_body(**changes), key)


def feed(world, who=ANONYMOUS, **query):
    return world.worker(who).list_duty_posts({"area_code": "150622", **query})


def counted(name, **labels):
    sample = metrics.REGISTRY.get_sample_value(
        f"minsheng_{name}", {"service": "petition", "level": "township", **labels}
    )
    return sample or 0.0


class TestPublishing:
    def test_a_deputy_publishes_a_post_under_their_level_and_area(self, world):
        before = counted("petition_duty_posts_published_total", kind="visit")
        post = publish(world)
        assert post["id"].startswith("T-") and post["level"] == "township"
        assert (post["area_code"], post["deputy_name"], post["kind_name"]) == (
            "150622100",
            "王建国",
            "走访",
        )
        assert post["deputy_code"] == world.code_of("wang") and post["mine"] is True
        assert [a["content_type"] for a in post["attachments"]] == ["image/jpeg", "video/mp4"]
        assert counted("petition_duty_posts_published_total", kind="visit") == before + 1

    def test_a_retry_with_its_key_is_the_same_post(self, world):
        first = publish(world, key="k-post")
        assert publish(world, key="k-post")["id"] == first["id"]
        assert feed(world)["total"] == 1

    def test_only_a_deputy_with_a_profile_publishes(self, world):
        with pytest.raises(Unauthenticated):
            publish(world, ANONYMOUS)
        with pytest.raises(Forbidden):
            publish(world, p.TOWN_RENDA)
        with pytest.raises(Forbidden) as refused:
            publish(world, p.NOBODY)
        assert "未关联代表信息" in refused.value.message

    def test_the_area_may_be_a_place_under_the_deputys_own(self, world):
        assert publish(world, p.LI, area_code="150622101")["area_code"] == "150622101"
        with pytest.raises(ValidationFailed) as refused:
            publish(world, p.WANG, area_code="150622")  # above the township deputy
        assert "area_code" in refused.value.details

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"text": ""}, "text"),
            ({"text": "长" * 2001}, "text"),
            ({"kind": "party"}, "kind"),
            ({"held_on": "昨天"}, "held_on"),
            ({"attachments": [{**PHOTO, "content_type": "application/x-msdownload"}]},
             "attachments"),
            ({"attachments": [{**PHOTO, "sha256": "xyz"}]}, "attachments"),
            ({"attachments": [PHOTO] * 11}, "attachments"),
            ({"place": None}, "place"),
        ],
    )  # fmt: skip
    def test_a_malformed_post_is_a_400_naming_the_field(self, world, changes, field):
        with pytest.raises(ValidationFailed) as refused:
            publish(world, **changes)
        assert field in refused.value.details

    @pytest.mark.parametrize(
        ("changes", "words"),
        [
            ({"attachments": [PHOTO] * 10}, "最多 9 张照片"),
            ({"attachments": [VIDEO, VIDEO]}, "最多 1 个视频"),
            ({"attachments": [{**PHOTO, "size_bytes": 21 << 20}]}, "照片不能超过 20 MB"),
            ({"held_on": str(today() + timedelta(days=1))}, "不能晚于今天"),
        ],
    )
    def test_the_publishing_limits_are_422_in_chinese(self, world, changes, words):
        with pytest.raises(RuleViolation) as refused:
            publish(world, **changes)
        assert words in refused.value.message
        assert feed(world)["total"] == 0

    def test_at_most_twenty_posts_a_day(self, world):
        for _ in range(20):
            publish(world, attachments=[])
        with pytest.raises(RuleViolation) as refused:
            publish(world, attachments=[])
        assert "每天最多发布 20 条" in refused.value.message


class TestFeed:
    def test_the_feed_is_public_newest_first_and_covers_the_areas_below(self, world):
        town = publish(world, p.WANG, text="第一条：镇里的走访")
        banner = publish(world, p.LI, kind="research", text="第二条：旗里的调研")
        page = feed(world)
        assert [i["id"] for i in page["items"]] == [banner["id"], town["id"]]
        assert page["items"][0]["deputy_id"] is None and page["items"][0]["mine"] is False
        town_only = world.worker().list_duty_posts({"area_code": "150622100"})
        assert [i["id"] for i in town_only["items"]] == [town["id"]]
        other = world.worker().list_duty_posts({"area_code": "150602"})
        assert other["total"] == 0

    def test_pages_kinds_and_one_deputys_posts(self, world):
        ids = [publish(world, p.WANG)["id"] for _ in range(3)]
        publish(world, p.LI, kind="briefing")
        first = feed(world, page_size=2)
        assert first["total"] == 4 and len(first["items"]) == 2
        assert len(feed(world, page=2, page_size=2)["items"]) == 2
        assert feed(world, kind="briefing")["total"] == 1
        mine = feed(world, deputy_code=world.code_of("wang").lower())
        assert {i["id"] for i in mine["items"]} == set(ids)
        with pytest.raises(ValidationFailed) as refused:
            feed(world, deputy_code=world.station["public_code"])
        assert "deputy_code" in refused.value.details

    def test_the_public_page_shows_the_deputys_three_newest_visible_posts(self, world):
        ids = [publish(world, text=f"第{n}次走访")["id"] for n in range(4)]
        world.worker(p.TOWN_RENDA).moderate_duty_post(ids[3], "hide", {"reason": "照片含住址"})
        page = world.worker().get_public_code(world.code_of("wang"))
        recent = page["holder"]["deputy"]["recent_posts"]
        assert [r["id"] for r in recent] == [ids[2], ids[1], ids[0]]
        assert "hidden" not in recent[0] and "moderation" not in recent[0]
        li = world.worker().get_public_code(world.code_of("li"))
        assert li["holder"]["deputy"]["recent_posts"] == []

    def test_an_unknown_area_is_a_400(self, world):
        with pytest.raises(ValidationFailed):
            world.worker().list_duty_posts({"area_code": "999999"})


class TestModeration:
    def test_staff_hide_with_a_reason_recorded_and_the_post_leaves_the_public(self, world):
        post = publish(world)["id"]
        before = counted("petition_duty_posts_hidden_total")
        hidden = world.worker(p.RENDA).moderate_duty_post(post, "hide", {"reason": "含群众电话"})
        assert (hidden["hidden"], hidden["hidden_reason"]) == (True, "含群众电话")
        (step,) = hidden["moderation"]
        assert (step["action"], step["reason"], step["by"]) == ("hide", "含群众电话", "u-renda")
        assert counted("petition_duty_posts_hidden_total") == before + 1
        assert feed(world)["total"] == 0
        with pytest.raises(NotFound):
            world.worker().get_duty_post(post)
        with pytest.raises(NotFound):
            world.worker(p.ZHAO).get_duty_post(post)  # another deputy: the public's view

    def test_the_author_and_area_staff_still_see_it_with_the_reason(self, world):
        post = publish(world)["id"]
        world.worker(p.TOWN_RENDA).moderate_duty_post(post, "hide", {"reason": "照片含住址"})
        author = world.worker(p.WANG).get_duty_post(post)
        assert (author["hidden"], author["hidden_reason"]) == (True, "照片含住址")
        assert author["moderation"][0]["by"] is None  # the author learns why, not who
        staff = world.worker(p.CITY_RENDA).get_duty_post(post)
        assert staff["moderation"][0]["by"] == "u-town"
        listed = feed(world, p.RENDA, include_hidden=True)
        assert [i["hidden"] for i in listed["items"]] == [True]
        own = feed(world, p.WANG, include_hidden=True, deputy_code=world.code_of("wang"))
        assert own["total"] == 1

    def test_hidden_posts_in_a_list_are_for_staff_of_the_area_or_the_author(self, world):
        publish(world)
        with pytest.raises(Unauthenticated):
            feed(world, include_hidden=True)
        with pytest.raises(Forbidden):
            feed(world, p.OTHER_RENDA, include_hidden=True)
        with pytest.raises(Forbidden):
            feed(world, p.ZHAO, include_hidden=True, deputy_code=world.code_of("wang"))
        with pytest.raises(Forbidden):
            feed(world, p.TOWN_RENDA, include_hidden=True)  # the banner: above the town

    def test_unhide_brings_it_back_and_both_steps_are_kept(self, world):
        post = publish(world)["id"]
        staff = world.worker(p.RENDA)
        staff.moderate_duty_post(post, "hide", {"reason": "待核实"})
        shown = staff.moderate_duty_post(post, "unhide", {"reason": "已核实"})
        assert shown["hidden"] is False and shown["hidden_reason"] is None
        assert [s["action"] for s in shown["moderation"]] == ["hide", "unhide"]
        assert feed(world)["total"] == 1

    def test_staff_of_another_area_or_below_and_other_roles_are_refused(self, world):
        banner_post = publish(world, p.LI)["id"]
        for who in (p.OTHER_RENDA, p.TOWN_RENDA):  # 东胜区; the town under the banner post
            with pytest.raises(Forbidden):
                world.worker(who).moderate_duty_post(banner_post, "hide", {"reason": "x"})
        for who in (p.WANG, p.ZHENGFU, p.ADMIN):
            with pytest.raises(Forbidden):
                world.worker(who).moderate_duty_post(banner_post, "hide", {"reason": "x"})
        assert feed(world)["total"] == 1

    def test_a_hide_without_reason_is_400_and_a_repeat_is_409(self, world):
        post = publish(world)["id"]
        staff = world.worker(p.RENDA)
        with pytest.raises(ValidationFailed) as refused:
            staff.moderate_duty_post(post, "hide", {})
        assert "reason" in refused.value.details
        with pytest.raises(Conflict):
            staff.moderate_duty_post(post, "unhide", {})
        staff.moderate_duty_post(post, "hide", {"reason": "重复"})
        with pytest.raises(Conflict):
            staff.moderate_duty_post(post, "hide", {"reason": "重复"})

    def test_an_unknown_post_or_action_is_404(self, world):
        with pytest.raises(NotFound):
            world.worker(p.RENDA).moderate_duty_post("T-" + "0" * 32, "hide", {"reason": "x"})
        with pytest.raises(NotFound):
            world.worker(p.RENDA).moderate_duty_post(publish(world)["id"], "pin", {})


class TestOwnPosts:
    def test_the_author_edits_their_post_and_a_hidden_one_stays_hidden(self, world):
        post = publish(world)["id"]
        world.worker(p.RENDA).moderate_duty_post(post, "hide", {"reason": "照片含住址"})
        edited = world.worker(p.WANG).put_duty_post(
            post, post_body(text="改后：去掉了照片", attachments=[])
        )
        assert edited["text"] == "改后：去掉了照片" and edited["edited_at"] is not None
        assert edited["hidden"] is True and edited["attachments"] == []

    def test_another_deputy_or_staff_may_not_edit_or_delete(self, world):
        post = publish(world)["id"]
        for who in (p.ZHAO, p.LI):
            with pytest.raises(Forbidden):
                world.worker(who).put_duty_post(post, post_body())
            with pytest.raises(Forbidden):
                world.worker(who).delete_duty_post(post)
        with pytest.raises(Forbidden):
            world.worker(p.RENDA).delete_duty_post(post)
        assert world.worker().get_duty_post(post)["text"] == post_body()["text"]

    def test_an_edit_keeps_the_limits(self, world):
        post = publish(world)["id"]
        with pytest.raises(RuleViolation):
            world.worker(p.WANG).put_duty_post(post, post_body(attachments=[VIDEO] * 2))
        with pytest.raises(ValidationFailed):
            world.worker(p.WANG).put_duty_post(post, post_body(kind=None))

    def test_a_deleted_post_is_gone_for_everyone(self, world):
        post = publish(world)["id"]
        assert world.worker(p.WANG).delete_duty_post(post) == {"id": post, "deleted": True}
        for who in (ANONYMOUS, p.WANG, p.RENDA):
            with pytest.raises(NotFound):
                world.worker(who).get_duty_post(post)
        with pytest.raises(NotFound):
            world.worker(p.WANG).delete_duty_post(post)
        assert feed(world, p.RENDA, include_hidden=True)["total"] == 0
