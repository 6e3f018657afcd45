"""Matters through petition's entrypoints on migrated SQLite: a resident's matter through a
deputy's code, tiered handling (首接, 分流 to a department, 联合, 上报 to the banner), resolution,
return visit, one reopening, the resident's rating; who sees and who acts; every refusal a 4xx
kind (never a fault); the events each step publishes."""

import json
import re

import pytest
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict, Forbidden, RuleViolation, Unauthenticated, ValidationFailed
from servicekit.relay import OUTBOX
from sqlalchemy import select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

DIVERT = {
    "tier": "diversion",
    "method": "supervise",
    "department": "住建局",
    "due_date": "2027-01-15",
}
JOINT = {
    "tier": "joint",
    "method": "assist",
    "departments": ["住建局", "交通运输局"],
    "meeting": {
        "held_on": "2026-12-01",
        "place": "准格尔旗人大代表之家",
        "attendees": ["李明", "住建局", "交通运输局"],
        "decisions": "住建局负责路灯维修，交通局配合夜间施工。",
    },
}


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def published(world, event_type):
    rows = world.sessions["petition"].execute(
        select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type)
    )
    return [json.loads(envelope)["payload"] for (envelope,) in rows]


class TestSubmission:
    def test_a_resident_needs_no_account_and_gets_a_code_starting_with_the_level(self, world):
        created = world.submit("wang")
        assert re.fullmatch(r"T[0-9A-Z]{3}-[0-9A-Z]{4}-[0-9A-Z]{4}", created["tracking_code"])
        assert (created["state"], created["area_code"], created["level"]) == (
            "received",
            "150622100",
            "township",
        )
        assert created["accept_due"] is not None  # a deputy's first contact: 3 working days
        (event,) = published(world, "matter_submitted_v1")
        assert event["matter_id"] == created["id"] and event["channel"] == "qr"

    def test_a_banner_deputys_code_makes_a_banner_matter(self, world):
        created = world.submit("li")
        assert created["tracking_code"].startswith("B") and created["level"] == "banner"
        assert created["area_code"] == "150622"  # no station: the deputy's own area

    def test_the_area_may_be_a_place_under_the_deputys_own(self, world):
        assert world.submit("li", area_code="150622101")["area_code"] == "150622101"
        with pytest.raises(ValidationFailed) as refused:
            world.submit("li", area_code="150602001")  # 东胜区: not the deputy's
        assert "area_code" in refused.value.details

    def test_a_station_code_reaches_the_station(self, world):
        created = world.worker().submit_matter({**p.MATTER, "code": world.station["public_code"]})
        detail = world.worker(p.TOWN_RENDA).get_matter(created["id"])
        assert detail["station_id"] == world.station["id"] and detail["deputy_id"] is None

    def test_an_unknown_code_is_a_400_on_the_code(self, world):
        with pytest.raises(ValidationFailed) as refused:
            world.worker().submit_matter({**p.MATTER, "code": "T0000000"})
        assert "code" in refused.value.details

    def test_a_retried_submission_with_its_key_makes_one_matter(self, world):
        body = {**p.MATTER, "code": world.code_of("wang")}
        first = world.worker().submit_matter(body, "key-1")
        assert world.worker().submit_matter(body, "key-1") == first
        with pytest.raises(Conflict):
            world.worker().submit_matter({**body, "text": "另一件事情需要反映一下"}, "key-1")

    def test_deputies_enter_their_own_visits_and_nobody_elses(self, world):
        visit = {**p.MATTER, "code": world.code_of("wang"), "channel": "courtyard"}
        created = world.worker(p.WANG).submit_matter(visit)
        assert world.worker(p.WANG).get_matter(created["id"])["channel"] == "courtyard"
        with pytest.raises(Forbidden):
            world.worker(p.ZHAO).submit_matter(visit)
        with pytest.raises(Unauthenticated):
            world.worker(ANONYMOUS).submit_matter(visit)
        with pytest.raises(ValidationFailed):  # a deputy's channel needs a deputy's code
            world.worker(p.TOWN_RENDA).submit_matter(
                {**visit, "code": world.station["public_code"]}
            )

    def test_a_station_records_its_reception(self, world):
        body = {**p.MATTER, "code": world.station["public_code"], "channel": "station"}
        assert world.worker(p.TOWN_RENDA).submit_matter(body)["state"] == "received"
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).submit_matter(body)


class TestTieredHandling:
    def test_the_whole_way_with_a_report_up_and_a_reopening(self, world):
        matter = world.submit("wang")["id"]
        accepted = world.act(p.WANG, matter, "accept", note="已电话联系居民")
        assert accepted["state"] == "accepted" and accepted["handle_due"] is not None
        diverted = world.act(p.WANG, matter, "tier", **DIVERT)
        assert (diverted["state"], diverted["tier"]) == ("handling", "diversion")
        assert diverted["departments"][0]["department"] == "住建局"

        up = world.act(
            p.WANG,
            matter,
            "report-up",
            reason="涉及旗级路网改造",
            to_deputy_id=world.deputies["li"]["id"],
        )
        assert (up["state"], up["level"], up["tier"]) == ("received", "banner", None)
        (escalated,) = published(world, "matter_escalated_v1")
        assert (escalated["from_level"], escalated["level"], escalated["handling_area_code"]) == (
            "township",
            "banner",
            "150622",
        )
        with pytest.raises(Forbidden):  # the township deputy no longer acts on it
            world.act(p.WANG, matter, "accept")
        assert world.worker(p.WANG).get_matter(matter)["level"] == "banner"  # still sees it

        world.act(p.LI, matter, "accept")
        joint = world.act(p.LI, matter, "tier", **JOINT)
        assert joint["tier"] == "joint" and len(joint["departments"]) == 2
        resolved = world.act(p.ZHUJIAN, matter, "resolve", result="路灯已于 12 月 3 日修复")
        assert resolved["state"] == "resolved"
        (done,) = published(world, "matter_resolved_v1")
        assert done["resolved_locally"] is True and done["tier"] == "joint"

        unhappy = world.act(p.LI, matter, "return-visit", satisfaction="dissatisfied", by="phone")
        assert unhappy["state"] == "resolved" and "reopen" in unhappy["allowed_actions"]
        world.act(p.LI, matter, "reopen", reason="居民反映仍有一盏灯不亮")
        world.act(p.LI, matter, "resolve", result="剩余路灯已更换")
        code = world.worker(p.LI).get_matter(matter)["tracking_code"]
        page = world.worker().rate_matter(code, {"satisfaction": "satisfied"})
        assert (page["state"], page["satisfaction_name"]) == ("closed", "满意")
        steps = [s["action"] for s in page["steps"]]
        assert steps == [
            "submit", "accept", "tier", "report_up", "accept", "tier", "resolve",
            "return_visit", "reopen", "resolve", "rate",
        ]  # fmt: skip
        assert [s["level"] for s in page["steps"]][:4] == ["township"] * 4

    def test_first_contact_resolves_directly(self, world):
        matter = world.submit("wang")["id"]
        world.act(p.WANG, matter, "accept")
        world.act(p.WANG, matter, "tier", tier="direct", method="investigate")
        done = world.act(p.WANG, matter, "resolve", result="已协调物业当天修复")
        assert done["steps"][-1]["details"]["result"] == "已协调物业当天修复"

    def test_an_illegal_step_is_a_409_saying_what_the_state_allows(self, world):
        matter = world.submit("wang")["id"]
        with pytest.raises(Conflict) as refused:
            world.act(p.WANG, matter, "resolve", result="x")
        assert refused.value.details == {"state": "received", "allowed": ["accept", "report_up"]}
        world.act(p.WANG, matter, "accept")
        world.act(p.WANG, matter, "tier", **DIVERT)
        with pytest.raises(Conflict, match="只能升级"):
            world.act(p.WANG, matter, "tier", tier="direct", method="follow")
        with pytest.raises(Conflict):
            world.act(p.WANG, matter, "accept")

    def test_what_an_action_needs_is_a_400_naming_it(self, world):
        matter = world.submit("wang")["id"]
        world.act(p.WANG, matter, "accept")
        with pytest.raises(ValidationFailed) as refused:
            world.act(p.WANG, matter, "tier", tier="diversion", method="supervise")
        assert set(refused.value.details) == {"department", "due_date"}
        with pytest.raises(ValidationFailed) as refused:
            world.act(p.WANG, matter, "tier", tier="joint", method="assist", departments=["住建局"],
                      meeting=JOINT["meeting"])  # fmt: skip
        assert "deputy_ids" in refused.value.details  # one party is not a joint handling
        zhao = world.deputies["zhao"]["id"]
        with pytest.raises(ValidationFailed):  # the second deputy does not exist
            world.act(p.WANG, matter, "tier", **{**JOINT, "deputy_ids": [zhao, "nobody"]})
        direct = world.act(p.WANG, matter, "tier", tier="direct", method="follow")
        assert direct["co_deputies"] == [] and direct["departments"] == []  # nothing kept

    def test_an_extension_once_by_at_most_thirty_days(self, world):
        matter = world.submit("wang")["id"]
        accepted = world.act(p.WANG, matter, "accept")
        with pytest.raises(RuleViolation):
            world.act(p.WANG, matter, "extend", days=31, reason="需要现场勘查")
        extended = world.act(p.WANG, matter, "extend", days=30, reason="需要现场勘查")
        from datetime import date, timedelta

        assert date.fromisoformat(extended["handle_due"]) == date.fromisoformat(
            accepted["handle_due"]
        ) + timedelta(days=30)
        with pytest.raises(Conflict, match="一次"):
            world.act(p.WANG, matter, "extend", days=5, reason="再延")

    def test_the_city_has_no_level_above(self, world):
        matter = world.submit("li")["id"]
        world.act(p.LI, matter, "report-up", reason="需市级协调")
        with pytest.raises(Conflict, match="最高"):
            world.act(p.CITY_RENDA, matter, "report-up", reason="再报")


class TestWhoSeesAndActs:
    def test_a_deputy_sees_what_is_addressed_to_them_and_what_they_co_handle(self, world):
        mine = world.submit("wang")["id"]
        zhaos = world.submit("zhao")["id"]
        listed = lambda who: {m["id"] for m in world.worker(who).list_matters(  # noqa: E731
            {"area_code": "150622100"})["items"]}  # fmt: skip
        assert listed(p.WANG) == {mine} and listed(p.ZHAO) == {zhaos}
        assert listed(p.TOWN_RENDA) == listed(p.ZHENGFU) == {mine, zhaos}
        with pytest.raises(Forbidden):
            world.worker(p.ZHAO).get_matter(mine)

    def test_department_staff_see_what_was_routed_to_their_department(self, world):
        matter = world.submit("wang")["id"]
        world.act(p.WANG, matter, "accept")
        world.act(p.WANG, matter, "tier", **DIVERT)
        assert [
            m["id"] for m in world.worker(p.ZHUJIAN).list_matters({"area_code": "150622"})["items"]
        ] == [matter]
        assert world.worker(p.MINZHENG).list_matters({"area_code": "150622"})["items"] == []
        with pytest.raises(Forbidden):
            world.worker(p.MINZHENG).get_matter(matter)
        with pytest.raises(Forbidden):
            world.act(p.MINZHENG, matter, "resolve", result="x")

    def test_congress_staff_of_other_areas_are_refused(self, world):
        matter = world.submit("wang")["id"]
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).get_matter(matter)
        with pytest.raises(Forbidden):
            world.act(p.OTHER_RENDA, matter, "accept")
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).list_matters({"area_code": "150622"})
        assert world.act(p.RENDA, matter, "accept")["state"] == "accepted"  # the banner's may

    def test_a_deputy_account_without_a_profile_sees_nothing(self, world):
        with pytest.raises(Forbidden):
            world.worker(p.NOBODY).list_matters({"area_code": "150622100"})

    def test_only_the_resident_side_rates_once(self, world):
        matter = world.submit("wang")["id"]
        world.act(p.WANG, matter, "accept")
        world.act(p.WANG, matter, "tier", tier="direct", method="follow")
        code = world.act(p.WANG, matter, "resolve", result="已处理")["tracking_code"]
        world.act(p.WANG, matter, "return-visit", satisfaction="basically", by="deputy")
        with pytest.raises(Conflict):
            world.worker().rate_matter(code, {"satisfaction": "dissatisfied"})


class TestConversion:
    def test_a_matter_becomes_a_proposal_once_in_collections_shape(self, world):
        matter = world.submit("wang")["id"]
        world.act(p.WANG, matter, "accept")
        world.act(p.WANG, matter, "convert", title="迎宾路小区照明改造",
                  description="小区及周边路灯老化，建议列为明年民生实事整体改造。")  # fmt: skip
        (event,) = published(world, "matter_converted_to_proposal_v1")
        assert event["matter_id"] == matter and event["category"] == "基础设施"
        assert event["deputy_name"] == "王建国" and event["location_text"] == "迎宾路小区东门"
        assert p.RESIDENT["phone"] not in json.dumps(event, ensure_ascii=False)
        with pytest.raises(Conflict):
            world.act(p.WANG, matter, "convert", title="再转一次", description="同一事项不能再转")

    def test_a_dispute_needs_a_proposal_category(self, world):
        matter = world.submit("wang", category="矛盾纠纷")["id"]
        world.act(p.WANG, matter, "accept")
        with pytest.raises(ValidationFailed) as refused:
            world.act(
                p.WANG, matter, "convert", title="调解室建设", description="建议建设调解室一处"
            )
        assert "category" in refused.value.details
