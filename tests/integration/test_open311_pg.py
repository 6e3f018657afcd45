"""Open311 on PostgreSQL and SQLite: a POSTed request is one matter with its Open311 row; an
update POSTed twice is one step; the list's 90-day window, status filter and area prefix are
the same query on both engines; times come back in +08:00."""

import pytest
from petition.db.matters import MatterStep
from petition.db.open311 import Open311Request, Open311Update
from sqlalchemy import func, select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

pytestmark = pytest.mark.integration

POSTED = {
    "service_code": "disputes",
    "description": "邻里之间因为占道停车多次发生争执，希望代表帮忙调解。",
    "address_string": "薛家湾镇迎宾路 20 号",
    "first_name": "秀英",
    "last_name": "刘",
    "phone": p.RESIDENT["phone"],
}


@pytest.fixture(params=["postgresql", "sqlite"])
def petition_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'petition.db'}"
    return request.getfixturevalue("pg").create("petition")


def test_requests_and_updates_on_both_engines(petition_url, tmp_path):
    with migrated_sessions("petition", tmp_path, {"petition": petition_url}) as sessions:
        world = p.build(sessions)
        api_key = world.worker(p.ADMIN).issue_georeport_key({"area_code": "150622", "name": "x"})[
            "api_key"
        ]
        (answer,) = world.worker().submit_georeport_request({**POSTED, "api_key": api_key})
        rid = answer["service_request_id"]
        update = {
            "api_key": api_key,
            "service_request_id": rid,
            "update_id": "u-1",
            "status": "open",
            "updated_datetime": "2026-04-01T09:00:00+08:00",
            "description": "已约双方调解",
        }
        assert world.worker().post_georeport_update(update) == world.worker().post_georeport_update(
            update
        )
        session = sessions["petition"]
        assert session.scalar(select(func.count()).select_from(Open311Request)) == 1
        assert session.scalar(select(func.count()).select_from(Open311Update)) == 1
        steps = session.scalars(select(MatterStep.action).where(MatterStep.matter_id == rid)).all()
        assert sorted(steps) == ["open311_update", "submit"]
        listed = world.worker().list_georeport_requests(
            {"jurisdiction_id": "150600", "status": "open"}
        )
        assert [r["service_request_id"] for r in listed] == [rid]
        assert listed[0]["requested_datetime"].endswith("+08:00")
        assert world.worker().list_georeport_requests({"jurisdiction_id": "150602"}) == []
        updates = world.worker().list_georeport_updates({"jurisdiction_id": "150622"})
        assert [u["description"] for u in updates] == ["已约双方调解", "登记"]
