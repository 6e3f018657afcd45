"""The budget feed's routes over real HTTP (tests.support.gateway: a GatewayService whose level
RPC is a recording fake): which FundsRpc method each calls, at which level, with which
arguments and on whose behalf; 403 for a role the route does not take or an area outside the
caller's; the service's 409 for a record that is not dead."""

import uuid

import pytest
from servicekit.auth import Principal
from servicekit.errors import Conflict

from tests.support.gateway import Call, bearer, envelope, running_gateway

FINANCE = Principal("fin-1", ("finance_staff",), "150622100")  # 薛家湾镇 finance
ADMIN = Principal("admin-1", ("admin",), "150600")
STAFF = Principal("gov-1", ("government_staff",), "150622100")
RECORD = str(uuid.UUID(int=42))


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    with running_gateway(monkeypatch, tmp_path_factory.mktemp("gateway")) as gateway:
        yield gateway
    monkeypatch.undo()


@pytest.fixture(autouse=True)
def fresh(gateway):
    gateway.calls.clear()
    gateway.fake.replies.clear()


def test_the_list_goes_to_the_level_of_the_area_asked(gateway):
    query = {"area_code": "150622100", "state": "dead"}
    response = gateway.request("get", "/api/v1/feed-records", params=query, headers=bearer(FINANCE))
    assert response.status_code == 200, response.text
    assert gateway.calls == [
        Call("implementation", "township", "list_feed_records", (query,), FINANCE)
    ]
    response = gateway.request(
        "get", "/api/v1/feed-records", params={"area_code": "150622"}, headers=bearer(ADMIN)
    )
    assert response.status_code == 200 and gateway.calls[-1].level == "banner"


def test_the_requeue_goes_to_the_callers_level(gateway):
    response = gateway.request(
        "post", f"/api/v1/feed-records/{RECORD}/retry", headers=bearer(FINANCE)
    )
    assert response.status_code == 200, response.text
    assert gateway.calls == [
        Call("implementation", "township", "retry_feed_record", (RECORD,), FINANCE)
    ]


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("get", "/api/v1/feed-records?area_code=150622100", STAFF),  # not a role of the route
        ("get", "/api/v1/feed-records?area_code=150602", FINANCE),  # another banner
        ("post", f"/api/v1/feed-records/{RECORD}/retry", ADMIN),  # admins read, not requeue
    ],
)
def test_the_gateway_refuses_before_calling(gateway, method, path, who):
    response = gateway.request(method, path, headers=bearer(who))
    assert envelope(response, 403)["code"] == "forbidden"
    assert gateway.calls == []


def test_a_record_that_is_not_dead_is_a_409(gateway):
    gateway.fake.replies["retry_feed_record"] = Conflict("只有推送失败的记录可以重新推送")
    response = gateway.request(
        "post", f"/api/v1/feed-records/{RECORD}/retry", headers=bearer(FINANCE)
    )
    assert envelope(response, 409)["code"] == "conflict"
