"""Petition's Open311 use cases on a real SQLite database (tests.support.workers): keys issued,
scoped and revoked; a POSTed request made a matter through intake; the lists' filters, 90 days
and the spec's refusals; updates posted once per update_id; no resident anywhere in the reads."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from petition.db.open311 import Open311Key
from servicekit.errors import Forbidden, NotFound, ValidationFailed
from sqlalchemy import select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

POSTED = {
    "service_code": "infrastructure",
    "description": "迎宾路小区东门路灯坏了一个多月，晚上老人出门不安全。",
    "lat": 39.851,
    "long": 111.231,
    "address_string": "迎宾路小区东门",
    "first_name": "秀英",
    "last_name": "刘",
    "phone": p.RESIDENT["phone"],
    "email": "liu@example.com",
}


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def key_for(world, area_code="150622", name="准格尔旗 12345 平台"):
    return world.worker(p.ADMIN).issue_georeport_key({"area_code": area_code, "name": name})


def submit(world, api_key, **extra):
    return world.worker().submit_georeport_request({**POSTED, "api_key": api_key, **extra})


class TestKeys:
    def test_only_an_admin_issues_and_the_key_is_shown_once_and_kept_as_a_hash(self, world):
        issued = key_for(world)
        assert issued["api_key"].startswith("o311_") and issued["active"]
        with pytest.raises(Forbidden):
            world.worker(p.RENDA).issue_georeport_key({"area_code": "150622", "name": "x"})
        listed = world.worker(p.ADMIN).list_georeport_keys({"area_code": "150600"})["items"]
        assert [k["id"] for k in listed] == [issued["id"]]
        assert "api_key" not in listed[0]
        (stored,) = world.sessions["petition"].scalars(select(Open311Key)).all()
        assert stored.key_hash == hashlib.sha256(issued["api_key"].encode()).hexdigest()
        assert issued["api_key"] not in json.dumps(listed, ensure_ascii=False)
        assert stored.prefix == issued["api_key"][:12] == listed[0]["prefix"]

    def test_a_revoked_key_files_nothing_and_revoking_twice_changes_nothing(self, world):
        issued = key_for(world)
        revoked = world.worker(p.ADMIN).revoke_georeport_key(issued["id"])
        assert not revoked["active"] and revoked["revoked_at"]
        assert world.worker(p.ADMIN).revoke_georeport_key(issued["id"]) == revoked
        with pytest.raises(Forbidden):
            submit(world, issued["api_key"])

    def test_an_unknown_key_is_403_and_a_key_covers_its_area_only(self, world):
        with pytest.raises(Forbidden):
            submit(world, "o311_nonsense")
        issued = key_for(world)
        with pytest.raises(Forbidden):
            submit(world, issued["api_key"], jurisdiction_id="150602")  # 东胜区
        with pytest.raises(NotFound):
            world.worker(p.ADMIN).revoke_georeport_key("no-such-key")


class TestRequests:
    def test_a_posted_request_is_a_matter_of_the_open311_channel_with_the_contact(self, world):
        issued = key_for(world)
        (answer,) = submit(world, issued["api_key"], jurisdiction_id="150622100")
        assert answer["token"] and answer["service_notice"].startswith("15 日内受理")
        matter = world.worker(p.RENDA).get_matter(answer["service_request_id"])
        assert matter["channel"] == "open311" and matter["area_code"] == "150622100"
        assert (matter["resident_name"], matter["resident_phone"]) == ("刘秀英", POSTED["phone"])
        assert matter["category"] == "基础设施" and matter["state"] == "received"
        (read,) = world.worker().get_georeport_request("150622", answer["service_request_id"])
        assert read["status"] == "open" and read["service_code"] == "infrastructure"
        assert read["extended_attributes"]["state"] == "received"
        assert read["expected_datetime"].endswith("T23:59:59+08:00")
        assert read["requested_datetime"].endswith("+08:00")
        token = world.worker().get_georeport_token("150622", answer["token"])
        assert token == [{"token": answer["token"], "service_request_id": matter["id"]}]

    def test_no_read_holds_the_residents_name_phone_or_email(self, world):
        issued = key_for(world)
        (answer,) = submit(world, issued["api_key"])
        reads = [
            world.worker().get_georeport_services("150622"),
            world.worker().list_georeport_requests({"jurisdiction_id": "150600"}),
            world.worker().get_georeport_request("150622", answer["service_request_id"]),
            world.worker().get_georeport_token("150622", answer["token"]),
            world.worker().list_georeport_updates({"jurisdiction_id": "150600"}),
        ]
        text = json.dumps(reads, ensure_ascii=False)
        for private in ("刘秀英", "秀英", POSTED["phone"], POSTED["email"]):
            assert private not in text

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"service_code": "potholes"}, "service_code"),
            ({"lat": None, "long": None, "address_string": None}, "address_string"),
            ({"long": None}, "long"),
            ({"description": "短"}, "description"),
        ],
    )
    def test_a_bad_request_is_a_400_naming_the_field(self, world, change, field):
        issued = key_for(world)
        with pytest.raises(ValidationFailed) as refused:
            submit(world, issued["api_key"], **change)
        assert field in refused.value.details

    def test_lists_filter_by_status_and_service_and_refuse_a_range_over_90_days(self, world):
        issued = key_for(world)
        (first,) = submit(world, issued["api_key"])
        (second,) = submit(world, issued["api_key"], service_code="environment")
        lists = world.worker()
        everything = lists.list_georeport_requests({"jurisdiction_id": "150622"})
        assert {r["service_request_id"] for r in everything} == {
            first["service_request_id"],
            second["service_request_id"],
        }
        only = lists.list_georeport_requests(
            {"jurisdiction_id": "150622", "service_code": "environment"}
        )
        assert [r["service_request_id"] for r in only] == [second["service_request_id"]]
        assert (
            lists.list_georeport_requests({"jurisdiction_id": "150622", "status": "closed"}) == []
        )
        assert (
            len(lists.list_georeport_requests({"jurisdiction_id": "150622", "status": "OPEN"})) == 2
        )
        assert lists.list_georeport_requests({"jurisdiction_id": "150602"}) == []
        now = datetime.now(UTC)
        with pytest.raises(ValidationFailed) as refused:
            lists.list_georeport_requests(
                {
                    "jurisdiction_id": "150622",
                    "start_date": (now - timedelta(days=91)).isoformat(),
                    "end_date": now.isoformat(),
                }
            )
        assert "end_date" in refused.value.details
        with pytest.raises(ValidationFailed):
            lists.list_georeport_requests({"jurisdiction_id": "150622", "start_date": "2026-01-01"})
        with pytest.raises(ValidationFailed):
            lists.list_georeport_requests({"jurisdiction_id": "150622", "status": "pending"})
        old = lists.list_georeport_requests(
            {"jurisdiction_id": "150622", "end_date": (now - timedelta(days=1)).isoformat()}
        )
        assert old == []

    def test_unknown_service_or_request_is_404(self, world):
        with pytest.raises(NotFound):
            world.worker().get_georeport_service("150622", "potholes")
        assert world.worker().get_georeport_service("150622", "jobs")["attributes"] == []
        with pytest.raises(NotFound):
            world.worker().get_georeport_request("150622", "nope")
        with pytest.raises(NotFound):
            world.worker().get_georeport_token("150622", "nope")


class TestUpdates:
    def test_an_update_is_recorded_once_per_update_id_and_listed_with_the_status(self, world):
        issued = key_for(world)
        (answer,) = submit(world, issued["api_key"])
        rid = answer["service_request_id"]
        update = {
            "api_key": issued["api_key"],
            "service_request_id": rid,
            "update_id": "u-1",
            "status": "open",
            "updated_datetime": "2026-04-01T09:00:00+08:00",
            "description": "已派单至住建局",
        }
        first = world.worker().post_georeport_update(update)
        again = world.worker().post_georeport_update({**update, "description": "再次发送"})
        assert first == again
        listed = world.worker().list_georeport_updates({"jurisdiction_id": "150622"})
        assert [u["description"] for u in listed] == ["已派单至住建局", "登记"]
        assert {u["status"] for u in listed} == {"OPEN"}
        assert listed[0]["update_id"] == first[0]["update_id"]
        world.act(p.RENDA, rid, "accept")
        world.act(p.RENDA, rid, "tier", tier="direct", method="follow")
        world.act(p.RENDA, rid, "resolve", result="已修复路灯")
        (read,) = world.worker().get_georeport_request("150622", rid)
        assert read["status"] == "closed" and read["status_notes"] == "已修复路灯"
        assert read["expected_datetime"] is None
        newest = world.worker().list_georeport_updates({"jurisdiction_id": "150622"})[0]
        assert (newest["description"], newest["status"]) == ("办结", "CLOSED")

    def test_an_update_from_a_key_of_another_area_is_refused(self, world):
        mine = key_for(world)
        other = key_for(world, "150602", "东胜区平台")
        (answer,) = submit(world, mine["api_key"])
        update = {
            "api_key": other["api_key"],
            "service_request_id": answer["service_request_id"],
            "update_id": "u-1",
            "status": "closed",
            "updated_datetime": "2026-04-01T09:00:00+08:00",
            "description": "x",
        }
        with pytest.raises(Forbidden):
            world.worker().post_georeport_update(update)
        with pytest.raises(NotFound):
            world.worker().post_georeport_update(
                {**update, "api_key": mine["api_key"], "service_request_id": "nope"}
            )
