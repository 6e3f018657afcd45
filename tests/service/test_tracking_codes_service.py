"""A tracking code opens a resident's tracking page: staff see other proposals' codes (to answer
a caller, to merge), a deputy never does — not in the duplicates suggested on a deputy's
submission, not in the project library. CollectionService over a migrated SQLite session."""

from servicekit.auth import ANONYMOUS, Principal

from tests.support.collection_worker import collection_worker
from tests.support.factories import add_notice
from tests.support.lists import seed_library

AREA = "150602001"
BODY = {
    "title": "林荫街道广场修缮",
    "description": "广场地砖破损严重，老人晨练容易摔倒，希望尽快修缮广场并增加健身器材。",
    "category": "基础设施",
    "area_code": AREA,
    "location": {"text": "林荫街道中心广场"},
}
DEPUTY_BODY = {**BODY, "channel": "deputy", "deputy_name": "李代表", "liaison_station": "联络站"}
GOV = Principal("g-1", ("government_staff",), "150602")
DEPUTY = Principal("d-1", ("deputy",), "150602")
# A deputy who is also on the staff of a congress office sees what that office sees.
DEPUTY_AND_STAFF = Principal("d-2", ("deputy", "congress_staff"), "150602")


def service(session, principal=ANONYMOUS):
    return collection_worker(session, principal, request_id="req-codes-test")


def test_a_deputys_submission_suggests_duplicates_without_their_tracking_codes(session):
    add_notice(session)
    public = service(session).submit_proposal(BODY)
    by_deputy = service(session, DEPUTY).submit_proposal(DEPUTY_BODY)
    assert by_deputy["tracking_code"]  # its own, to follow it
    suggested = by_deputy["possible_duplicates"]
    assert [d["id"] for d in suggested] == [public["id"]]
    assert [d["tracking_code"] for d in suggested] == [None]


def test_staff_still_see_the_codes_of_possible_duplicates(session):
    add_notice(session)
    public = service(session).submit_proposal(BODY)
    for principal in (GOV, DEPUTY_AND_STAFF):
        channel = {"channel": "visit"} if principal is GOV else {}
        body = {**DEPUTY_BODY, **channel} if channel else DEPUTY_BODY
        suggested = service(session, principal).submit_proposal(body)["possible_duplicates"]
        assert public["tracking_code"] in {d["tracking_code"] for d in suggested}


def test_a_deputy_reads_the_library_without_tracking_codes(session):
    seed_library(session, AREA, 3)
    query = {"area_code": AREA, "year": 2027}
    seen_by_deputy = service(session, DEPUTY).list_library(query)["items"]
    seen_by_staff = service(session, GOV).list_library(query)["items"]
    assert len(seen_by_deputy) == 3 and {i["tracking_code"] for i in seen_by_deputy} == {None}
    assert all(item["tracking_code"] for item in seen_by_staff)
