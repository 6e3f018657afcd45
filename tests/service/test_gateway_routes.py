"""Every declared route of the gateway, over real HTTP (tests.support.gateway): a route that
needs a login answers 401 with the envelope before anything of the request is read, and calls
no service. The role pre-check's 403 is pinned per service, with requests that pass every
earlier check (test_gateway_collection_routes.py, test_gateway_voting_routes.py). A body the
gateway cannot read (413, 415) is logged like every other refusal: one INFO line."""

import logging

import pytest
from contracts import registry
from gateway.table.mount import declared
from servicekit.logging import QuietRefusals

from tests.support.gateway import concrete, envelope, running_gateway

LOGIN_ROUTES = [route for route in declared() if route.login]


def ids(route):
    return f"{route.method} {route.path}"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    with running_gateway(monkeypatch, tmp_path_factory.mktemp("gateway")) as gateway:
        yield gateway
    monkeypatch.undo()


@pytest.fixture(autouse=True)
def no_calls_yet(gateway):
    gateway.calls.clear()


def test_the_table_has_login_routes_of_every_routed_service():
    assert {route.service for route in LOGIN_ROUTES} == set(registry.ROUTED)


@pytest.mark.parametrize("route", LOGIN_ROUTES, ids=ids)
def test_answers_401_to_an_anonymous_caller(gateway, route):
    response = gateway.request(
        route.method, concrete(route.path), json={}, params={"area_code": "150622"}
    )
    assert envelope(response, 401)["code"] == "unauthenticated"
    assert gateway.calls == []


@pytest.mark.parametrize("route", LOGIN_ROUTES, ids=ids)
def test_answers_401_to_a_bad_token_before_reading_the_body(gateway, route):
    response = gateway.request(
        route.method,
        concrete(route.path, session_id="nonsense"),
        data=b"<not json>",
        headers={"Authorization": "Bearer not.a.token", "Content-Type": "text/plain"},
    )
    assert envelope(response, 401)["code"] == "unauthenticated"
    assert gateway.calls == []


@pytest.fixture
def quiet_refusals():
    """The filter servicekit.logging.configure() installs on nameko's container log."""
    containers = logging.getLogger("nameko.containers")
    refusals = QuietRefusals()
    containers.addFilter(refusals)
    yield
    containers.removeFilter(refusals)


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"choices": {f"p{i}": "approve" for i in range(1000)}}}, 413),
        ({"data": b"{}", "headers": {"Content-Type": "text/plain"}}, 415),
    ],
    ids=["413", "415"],
)
def test_an_unreadable_body_is_one_info_line_without_a_traceback(
    gateway, quiet_refusals, caplog, kwargs, status
):
    with caplog.at_level(logging.INFO, logger="nameko.containers"):
        envelope(gateway.request("post", "/api/v1/ballots", **kwargs), status)
    worker_lines = [r for r in caplog.records if r.name == "nameko.containers"]
    assert [(r.levelname, r.exc_info) for r in worker_lines] == [("INFO", None)]
