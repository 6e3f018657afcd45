"""Open311 GeoReport v2 over real HTTP: a gateway container whose level RPC calls a petition
worker in-process on a real SQLite database (the lightest way through HTTP, the gateway's
routes and petition's use cases at once). Read with the `georeport` client from PyPI in JSON
and XML; POSTed with requests, with and without a valid api_key; every JSON answer validated
against JSON Schemas written from the spec (tests/support/open311_schemas.json); every XML
answer parsed; never a 500; never a resident's name, phone or email in any answer."""

import json
import uuid
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from georeport import GeoReport
from jsonschema import Draft202012Validator
from servicekit import config
from servicekit.auth import Principal

from tests.support import petition as p
from tests.support.gateway import (
    Call,
    FakeLevelRpc,
    RecordingCaller,
    RecordingGateway,
    bearer,
    running_gateway,
)
from tests.support.workers import migrated_sessions, service_worker

SCHEMAS = json.loads((Path(__file__).parents[1] / "support/open311_schemas.json").read_text())
CONTACT = {
    "first_name": "秀英",
    "last_name": "刘",
    "phone": "13912345678",
    "email": "liu@example.com",
}
PRIVATE = ("刘秀英", "秀英", CONTACT["phone"], CONTACT["email"])
POSTED = {
    "service_code": "infrastructure",
    "description": "迎宾路小区东门路灯坏了一个多月，晚上老人出门不安全。",
    "lat": "39.851",
    "long": "111.231",
    "address_string": "迎宾路小区东门",
    **CONTACT,
}


def validate(name: str, document: Any) -> None:
    schema = {"$defs": SCHEMAS["$defs"], **SCHEMAS[name]}
    Draft202012Validator(schema).validate(document)


class PetitionCaller(RecordingCaller):
    """Calls the petition worker itself, with the principal the RPC would carry; the answer
    goes through JSON as over the broker."""

    def call(self, service: str, level: str, method: str, *args: Any, **kwargs: Any) -> Any:
        principal = Principal.from_context(self.worker_ctx.data, config.identity_key())
        self.provider.calls.append(Call(service, level, method, args, principal))
        worker = service_worker(service, self.provider.sessions, principal, level=level)
        return json.loads(json.dumps(getattr(worker, method)(*args, **kwargs)))


class PetitionLevels(FakeLevelRpc):
    sessions: dict[str, Any] = {}

    def get_dependency(self, worker_ctx: Any) -> PetitionCaller:
        return PetitionCaller(self, worker_ctx)


class PetitionGateway(RecordingGateway):
    rpc = PetitionLevels()


class Site:
    def __init__(self, gateway, world):
        self.gateway, self.world = gateway, world
        self.root = f"{gateway.url}/open311/v2"
        self.seen: list[str] = []  # every answer's text, for the privacy check

    def get(self, path: str, **params: Any):
        response = self.gateway.request("get", f"/open311/v2/{path}", params=params)
        self.seen.append(response.text)
        assert response.status_code < 500, response.text
        return response

    def post(self, path: str, data: dict[str, Any]):
        response = self.gateway.request("post", f"/open311/v2/{path}", data=data)
        self.seen.append(response.text)
        assert response.status_code < 500, response.text
        return response

    def key(self, area_code: str = "150622") -> str:
        issued = self.gateway.request(
            "post",
            "/api/v1/open311/keys",
            json={"area_code": area_code, "name": "准格尔旗 12345 平台"},
            headers=bearer(p.ADMIN),
        )
        assert issued.status_code == 201, issued.text
        assert issued.headers["Cache-Control"] == "no-store"
        return str(issued.json()["api_key"])


@pytest.fixture
def site(monkeypatch, tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        world = p.build(sessions)
        with running_gateway(
            monkeypatch, tmp_path, PetitionGateway, RATE_LIMIT_PUBLIC="1000/60"
        ) as gateway:
            gateway.fake.sessions = sessions
            yield Site(gateway, world)


def errors_of(response, status: int, fmt: str = "json") -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    if fmt == "json":
        assert response.headers["Content-Type"].startswith("application/json")
        validate("errors", response.json())
        return list(response.json())
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    found = [{c.tag: c.text for c in error} for error in root]
    assert found and all(set(e) == {"code", "description"} for e in found)
    assert all(e["code"] == str(status) for e in found)
    return found


def filed(site: Site, api_key: str, fmt: str = "json", **changes: Any):
    return site.post(f"requests.{fmt}", {**POSTED, "api_key": api_key, **changes})


class TestReadWithTheGeoReportClient:
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_services_and_a_definition(self, site, fmt):
        client = GeoReport(site.root, jurisdiction="150622", output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        assert "infrastructure" in codes and "disputes" in codes
        notice = services[codes.index("infrastructure")]["service_notice"]
        assert notice.startswith("15 日内受理")
        definition = client.get_service_definition("infrastructure")
        assert definition["service_code"] == "infrastructure"

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_requests_and_one_request(self, site, fmt):
        api_key = site.key()
        rid = filed(site, api_key).json()[0]["service_request_id"]
        filed(site, api_key, service_code="environment")
        client = GeoReport(site.root, jurisdiction="150622", output_format=fmt)
        listed = client.get_service_requests()
        listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one is a dict
        assert len(listed) == 2
        one = client.get_service_request(rid)
        assert one["service_request_id"] == rid and one["status"] == "open"
        assert one["requested_datetime"].endswith("+08:00")
        assert one["extended_attributes"]["state"] == "received"
        assert client.get_service_requests(service_code="environment", status="open")
        assert site.seen  # the client's own calls: checked for privacy below
        for private in PRIVATE:
            assert private not in json.dumps([listed, one], ensure_ascii=False)


class TestPost:
    def test_without_or_with_a_wrong_or_revoked_api_key_is_403(self, site):
        for fmt in ("json", "xml"):
            errors_of(site.post(f"requests.{fmt}", POSTED), 403, fmt)
            errors_of(filed(site, "o311_wrong", fmt), 403, fmt)
        api_key = site.key()
        (key,) = site.gateway.request(
            "get", "/api/v1/open311/keys?area_code=150600", headers=bearer(p.ADMIN)
        ).json()["items"]
        revoked = site.gateway.request(
            "post", f"/api/v1/open311/keys/{key['id']}/revoke", headers=bearer(p.ADMIN)
        )
        assert revoked.status_code == 200 and not revoked.json()["active"]
        errors_of(filed(site, api_key), 403)

    def test_a_key_of_another_area_is_403(self, site):
        errors_of(filed(site, site.key("150602"), jurisdiction_id="150622"), 403)

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_a_valid_post_makes_a_matter_with_the_residents_contact(self, site, fmt):
        response = filed(site, site.key(), fmt, jurisdiction_id="150622100")
        assert response.status_code == 201, response.text
        if fmt == "json":
            validate("post_response", response.json())
            answer = response.json()[0]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "service_requests"
            answer = {child.tag: child.text for child in root.find("request")}
        matter = site.world.worker(p.RENDA).get_matter(answer["service_request_id"])
        assert (matter["channel"], matter["area_code"]) == ("open311", "150622100")
        assert (matter["resident_name"], matter["resident_phone"]) == ("刘秀英", CONTACT["phone"])
        token = site.get(f"tokens/{answer['token']}.json", jurisdiction_id="150622")
        validate("tokens", token.json())
        assert token.json()[0]["service_request_id"] == answer["service_request_id"]

    def test_unknown_service_bad_location_and_a_form_that_is_not_one_are_400_or_415(self, site):
        api_key = site.key()
        (error,) = errors_of(filed(site, api_key, service_code="potholes"), 400)
        assert error["description"].startswith("service_code")
        errors_of(filed(site, api_key, lat="", long="", address_string=""), 400)
        errors_of(filed(site, api_key, lat="north"), 400)
        errors_of(filed(site, api_key, "xml", description=""), 400, "xml")
        as_json = site.gateway.request(
            "post", "/open311/v2/requests.json", json={**POSTED, "api_key": api_key}
        )
        errors_of(as_json, 415)
        errors_of(filed(site, api_key, jurisdiction_id="999999"), 400)


class TestListsAndErrors:
    @pytest.mark.parametrize(
        "params",
        [
            {"start_date": "2026-01-01"},  # no time, no zone
            {"start_date": "2026-01-01T00:00:00"},  # no zone
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # > 90 d
            {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
            {"status": "pending"},
            {"service_code": "potholes"},
            {"jurisdiction_id": "999999"},
        ],
    )
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_bad_filters_are_400_in_the_asked_format(self, site, params, fmt):
        errors_of(site.get(f"requests.{fmt}", **params), 400, fmt)

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_unknown_things_are_404(self, site, fmt):
        errors_of(site.get(f"services/potholes.{fmt}"), 404, fmt)
        errors_of(site.get(f"requests/{uuid.uuid4()}.{fmt}"), 404, fmt)
        errors_of(site.get(f"tokens/nothing.{fmt}"), 404, fmt)

    def test_a_request_outside_the_jurisdiction_is_not_found(self, site):
        rid = filed(site, site.key()).json()[0]["service_request_id"]
        assert site.get(f"requests/{rid}.json", jurisdiction_id="150622").status_code == 200
        errors_of(site.get(f"requests/{rid}.json", jurisdiction_id="150602"), 404)

    def test_discovery_in_both_formats(self, site):
        document = site.get("discovery.json").json()
        validate("discovery", document)
        assert document["endpoints"][0]["url"].endswith("/open311/v2")
        root = ET.fromstring(site.get("discovery.xml").content)
        formats = [f.text for f in root.find("endpoints/endpoint/formats")]
        assert formats == ["text/xml", "application/json"]


class TestUpdates:
    def test_an_update_posted_twice_is_one_and_the_list_shows_it(self, site):
        api_key = site.key()
        rid = filed(site, api_key).json()[0]["service_request_id"]
        update = {
            "api_key": api_key,
            "service_request_id": rid,
            "update_id": "hotline-77",
            "status": "OPEN".lower(),
            "updated_datetime": "2026-04-01T09:00:00+08:00",
            "description": "已转住建局处理",
        }
        first = site.post("servicerequestupdates.json", update)
        assert first.status_code == 200, first.text
        validate("update_posted", first.json())
        again = site.post("servicerequestupdates.json", update)
        assert again.json() == first.json()
        errors_of(site.post("servicerequestupdates.json", {**update, "api_key": "x"}), 403)
        errors_of(
            site.post("servicerequestupdates.json", {**update, "updated_datetime": "yesterday"}),
            400,
        )
        listed = site.get("servicerequestupdates.json", jurisdiction_id="150622").json()
        validate("updates", listed)
        assert [u["description"] for u in listed] == ["已转住建局处理", "登记"]
        root = ET.fromstring(site.get("servicerequestupdates.xml").content)
        assert root.tag == "service_request_updates"
        assert [u.find("description").text for u in root] == ["已转住建局处理", "登记"]


def test_every_open311_answer_is_schema_valid_and_holds_no_resident(site):
    """Over every Open311 route, in both formats: valid JSON against the schemas, parsable
    XML, never the resident's name, phone or email."""
    api_key = site.key()
    answer = filed(site, api_key).json()[0]
    rid, token = answer["service_request_id"], answer["token"]
    site.world.act(p.RENDA, rid, "accept")
    site.world.act(p.RENDA, rid, "tier", tier="diversion", method="supervise",
                   department="住建局", due_date="2099-01-01")  # fmt: skip
    site.post(
        "servicerequestupdates.json",
        {"api_key": api_key, "service_request_id": rid, "update_id": "u1", "status": "open",
         "updated_datetime": "2026-04-01T09:00:00+08:00", "description": "处理中"},
    )  # fmt: skip
    reads = {
        "discovery": "discovery",
        "services": "services",
        "service_definition": "services/infrastructure",
        "service_requests": "requests",
        "one": f"requests/{rid}",
        "tokens": f"tokens/{token}",
        "updates": "servicerequestupdates",
    }
    for schema, path in reads.items():
        document = site.get(f"{path}.json").json()
        validate("service_requests" if schema == "one" else schema, document)
        ET.fromstring(site.get(f"{path}.xml").content)
    (one,) = site.get(f"requests/{rid}.json").json()
    assert (
        one["agency_responsible"] == "住建局" and one["extended_attributes"]["tier"] == "diversion"
    )
    text = "\n".join(site.seen)
    for private in PRIVATE:
        assert private not in text
