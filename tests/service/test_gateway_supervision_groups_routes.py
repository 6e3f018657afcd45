"""The gateway's supervision-group routes over real HTTP (tests.support.gateway: a recording
fake behind the level RPC): a group's requests go to the level its id names, area routes to
the level of `area_code`, a project's file to its id's level; malformed ids are 404 and a
wrong role is 403 before any service is called."""

import pytest
from servicekit.auth import Principal

from tests.support.gateway import bearer, envelope, running_gateway

CLERK = Principal("cs-1", ("congress_staff",), "150622", "renda")
DEPUTY = Principal("dep-1", ("deputy",), "150622100", "wang")
FINANCE = Principal("fin-1", ("finance_staff",), "150622", "cai")
GROUP = f"B-{'a' * 32}"
PROJECT = f"T-{'b' * 32}"
MEMBERS = [{"subject": "lead-1", "name": "王主任", "role": "leader"}]


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path) as gateway:
        yield gateway


def test_forming_a_group_goes_to_the_areas_level_with_its_key(gateway):
    body = {"area_code": "150622", "year": 2026, "name": "第一组", "members": MEMBERS}
    response = gateway.request(
        "post",
        "/api/v1/supervision-groups",
        json=body,
        headers={**bearer(CLERK), "Idempotency-Key": "k1"},
    )
    assert response.status_code == 201
    (call,) = gateway.calls
    assert (call.service, call.level, call.method) == ("supervision", "banner", "create_group")
    assert call.args[1] == "k1" and call.args[0]["members"][0]["role"] == "leader"


def test_a_groups_routes_go_to_the_level_its_id_names(gateway):
    headers = bearer(CLERK)
    assert gateway.request("get", f"/api/v1/supervision-groups/{GROUP}", headers=headers).ok
    put = gateway.request(
        "put",
        f"/api/v1/supervision-groups/{GROUP}/projects",
        json={"project_ids": [PROJECT]},
        headers=headers,
    )
    assert put.ok
    members = gateway.request(
        "put",
        f"/api/v1/supervision-groups/{GROUP}/members",
        json={"members": MEMBERS},
        headers=headers,
    )
    assert members.ok
    assert [(c.method, c.level) for c in gateway.calls] == [
        ("get_group", "banner"),
        ("put_group_projects", "banner"),
        ("put_group_members", "banner"),
    ]
    assert gateway.calls[1].args == (GROUP, {"project_ids": [PROJECT]})


@pytest.mark.parametrize("group_id", ["nonsense", f"X-{'a' * 32}", f"B-{'A' * 32}"])
def test_a_malformed_group_id_is_404_without_a_call(gateway, group_id):
    response = gateway.request(
        "get", f"/api/v1/supervision-groups/{group_id}", headers=bearer(CLERK)
    )
    envelope(response, 404)
    assert gateway.calls == []


def test_lists_suggestions_and_the_file_route_by_area_and_by_id(gateway):
    headers = bearer(DEPUTY)
    assert gateway.request(
        "get", "/api/v1/supervision-groups", params={"area_code": "150622100"}, headers=headers
    ).ok
    assert gateway.request(
        "get",
        "/api/v1/supervision/projects",
        params={"area_code": "150622", "unassigned": "true"},
        headers=bearer(CLERK),
    ).ok
    assert gateway.request("get", f"/api/v1/projects/{PROJECT}/supervision", headers=headers).ok
    suggestion = {"area_code": "150622", "year": 2026, "leaders": [{"subject": "l", "name": "王"}]}
    assert gateway.request(
        "post", "/api/v1/supervision-groups/suggestions", json=suggestion, headers=bearer(CLERK)
    ).ok
    assert [(c.method, c.level) for c in gateway.calls] == [
        ("list_groups", "township"),
        ("list_supervision_projects", "banner"),
        ("get_project_file", "township"),
        ("suggest_groups", "banner"),
    ]
    assert gateway.calls[1].args[0]["unassigned"] in (True, "true")  # the service loads it


def test_wrong_roles_and_bad_bodies_are_4xx_before_any_call(gateway):
    body = {"area_code": "150622", "year": 2026, "name": "第一组", "members": MEMBERS}
    refused = gateway.request(
        "post", "/api/v1/supervision-groups", json=body, headers=bearer(DEPUTY)
    )
    assert envelope(refused, 403)["code"] == "forbidden"
    envelope(
        gateway.request("get", f"/api/v1/projects/{PROJECT}/supervision", headers=bearer(FINANCE)),
        403,
    )
    bad = gateway.request(
        "post",
        "/api/v1/supervision-groups",
        json={**body, "members": [{"subject": "x", "name": "y", "role": "chair"}]},
        headers=bearer(CLERK),
    )
    envelope(bad, 400)
    envelope(
        gateway.request(
            "get", "/api/v1/supervision/projects", params={"area_code": "x"}, headers=bearer(CLERK)
        ),
        400,
    )
    envelope(gateway.request("get", "/api/v1/projects/bad/supervision", headers=bearer(CLERK)), 404)
    assert gateway.calls == []
