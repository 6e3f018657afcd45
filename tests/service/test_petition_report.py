"""The figures of an area and of each area under it: matters by state and tier, open by tier,
on-time, resolved-locally (就地化解率) and satisfaction rates, reported up, converted."""

import pytest
from servicekit.errors import Forbidden

from tests.support import petition as p
from tests.support.workers import migrated_sessions


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def resolve(world, who, matter, satisfaction=None):
    world.act(who, matter, "accept")
    world.act(who, matter, "tier", tier="direct", method="follow")
    world.act(who, matter, "resolve", result="已办结")
    if satisfaction:
        world.act(who, matter, "return-visit", satisfaction=satisfaction, by="phone")


def test_the_banners_figures_and_its_towns(world):
    local = world.submit("wang")["id"]
    resolve(world, p.WANG, local, "satisfied")
    up = world.submit("li")["id"]  # a banner matter reported up to the city
    world.act(p.LI, up, "report-up", reason="需市级协调")
    resolve(world, p.CITY_RENDA, up, "dissatisfied")
    world.submit("zhao")  # still open
    report = world.worker(p.RENDA).get_petition_report({"area_code": "150622"})
    totals = report["totals"]
    assert totals["matters"] == 3 and totals["escalated"] == 1
    assert totals["by_state"]["closed"] == 1 and totals["by_state"]["resolved"] == 1
    assert totals["open_by_tier"] == {"none": 1}
    assert totals["locally_resolved"]["rate"] == "1/2"  # one went beyond the banner
    assert totals["satisfaction"]["rate"] == "1/2"
    assert (totals["on_time"]["part"], totals["on_time"]["whole"]) == (2, 2)  # both on the day
    assert totals["on_time"]["rate"] == "1/1" and totals["on_time"]["permille"] == 1000
    town = next(c for c in report["children"] if c["area_code"] == "150622100")
    assert town["matters"] == 2 and town["locally_resolved"]["rate"] == "1/1"


def test_figures_are_for_staff_of_the_area(world):
    with pytest.raises(Forbidden):
        world.worker(p.OTHER_RENDA).get_petition_report({"area_code": "150622"})
    with pytest.raises(Forbidden):
        world.worker(p.WANG).get_petition_report({"area_code": "150622100"})
