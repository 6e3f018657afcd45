"""The OpenAPI document against the route declarations it is generated from, and the
declarations against the entrypoints nameko serves and the services they call.

Everything here is derived from gateway.table.mount.declared(): a new route is checked the day
it is declared, with no list in this file to extend."""

import inspect
import re

import pytest
from contracts import registry
from contracts.reference import CHANNELS, PUBLIC_CHANNEL, ROLES
from contracts.rpc import ProposalSubmit
from gateway.pages import mount as page_mount
from gateway.routes.collection.intake import REQUIRED_BY_CHANNEL
from gateway.service import GatewayService
from gateway.table import mount
from gateway.table.who import ROLE_TITLES
from servicekit.errors import ValidationFailed
from servicekit.http import JsonHttpEntrypoint
from servicekit.validation import load

from gateway import openapi
from tests.support.refusals import refusals

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ROUTES = openapi.ROUTES
CJK_FIRST = re.compile(r"^[\u4e00-\u9fff]")


def ids(route):
    return f"{route.method} {route.path}"


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


@pytest.fixture(scope="module")
def document():
    return openapi.document()


def operation_of(document, route):
    return document["paths"][route.path][route.method]


class TestDocument:
    def test_has_the_openapi_3_header(self, document):
        assert document["openapi"].startswith("3.")
        assert document["info"]["title"]
        assert document["info"]["version"]

    def test_documents_every_documented_route_and_nothing_else(self, document):
        documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
        assert documented == {(route.method, route.path) for route in ROUTES}

    def test_only_the_document_itself_and_metrics_are_left_out(self):
        left_out = {(r.method, r.path) for r in mount.declared() if not r.documented}
        left_out = {(m, path) for m, path in left_out if not path.startswith("/open311/v2/")}
        assert left_out == {("get", "/metrics"), ("get", "/api/v1/openapi.json")}

    def test_operations_have_valid_methods_and_statuses(self, document):
        for path, operations in document["paths"].items():
            assert path.startswith("/")
            for method, operation in operations.items():
                assert method in HTTP_METHODS
                assert all(re.match(r"^[1-5]\d\d$", status) for status in operation["responses"])

    def test_every_reference_resolves(self, document):
        schemas = document["components"]["schemas"]
        for ref in refs(document):
            assert ref.startswith("#/components/schemas/"), ref
            assert ref.rsplit("/", 1)[1] in schemas, ref

    def test_operation_ids_are_the_entrypoint_names(self, document):
        for route in ROUTES:
            assert operation_of(document, route)["operationId"] == route.entrypoint


@pytest.mark.parametrize("route", ROUTES, ids=ids)
class TestOperation:
    def test_documents_exactly_the_statuses_the_declaration_derives(self, document, route):
        expected = {route.status, *route.statuses(), *(status for status, _ in route.answers)}
        assert set(map(int, operation_of(document, route)["responses"])) == expected

    def test_the_derivation_rules_hold(self, route):
        statuses = set(route.statuses())
        assert ({408, 413, 415} <= statuses) == (route.body is not None)
        assert (503 in statuses) == (route.rpc is not None or 503 in route.refuses)
        assert not route.login or {401, 403} <= statuses
        assert not route.params or 404 in statuses
        assert not route.public_limit or 429 in statuses
        assert not (route.body or route.query) or 400 in statuses

    def test_waits_are_documented_with_retry_after(self, document, route):
        for status, response in operation_of(document, route)["responses"].items():
            if status in ("429", "503") and int(status) in route.statuses():
                assert "Retry-After" in response["headers"], status

    def test_path_templates_are_required_typed_path_parameters(self, document, route):
        parameters = operation_of(document, route).get("parameters", [])
        in_path = {p["name"]: p for p in parameters if p["in"] == "path"}
        assert set(in_path) == set(re.findall(r"{(\w+)}", route.path))
        for param in route.params:
            declared = in_path[param.name]
            assert declared["required"] is True
            if param.converter == "int":
                assert declared["schema"]["type"] == "integer"
            if param.choices:
                assert declared["schema"]["enum"] == list(param.choices)

    def test_body_and_answer_are_components_where_declared(self, document, route):
        operation = operation_of(document, route)
        schemas = document["components"]["schemas"]
        if route.body is not None:
            body = operation["requestBody"]
            assert body["required"] is route.body_required
            schema = body["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{route.body.__name__}"}
        else:
            assert "requestBody" not in operation
        if route.response is not None and not route.files:
            success = operation["responses"][str(route.status)]["content"]["application/json"]
            assert success["schema"]["$ref"].endswith(f"/{route.response.__name__}")
            assert route.response.__name__ in schemas

    def test_query_schemas_become_query_parameters(self, document, route):
        parameters = operation_of(document, route).get("parameters", [])
        names = {p["name"] for p in parameters if p["in"] == "query"}
        assert names == (set(route.query().fields) if route.query else set())

    def test_only_idempotent_routes_document_the_idempotency_key(self, document, route):
        parameters = operation_of(document, route).get("parameters", [])
        headers = {p["name"] for p in parameters if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) == route.idempotent

    def test_headers_the_route_sends_are_documented(self, document, route):
        success = operation_of(document, route)["responses"][str(route.status)]
        headers = set(success.get("headers", {}))
        assert ("Location" in headers) == bool(route.location)
        assert ("Cache-Control" in headers) == (route.no_store or bool(route.files))
        assert ("Content-Disposition" in headers) == bool(route.files)

    def test_login_is_a_declared_security_scheme_optional_where_a_token_may_matter(
        self, document, route
    ):
        security = operation_of(document, route).get("security")
        if route.login:
            assert security == [{"bearer": []}]
        elif route.optional_login:
            assert security == [{}, {"bearer": []}]
        else:
            assert security is None
        assert {"bearer"} >= {name for item in security or [] for name in item}
        assert set(document["components"]["securitySchemes"]) == {"bearer"}

    def test_roles_are_listed_and_described_chinese_first(self, document, route):
        operation = operation_of(document, route)
        assert operation["x-roles"] == sorted(route.roles or ())
        assert operation["x-login"] is route.login
        assert CJK_FIRST.match(operation["description"])
        for role in route.roles or ():
            assert ROLE_TITLES[role] in operation["description"]
            assert role in operation["description"]


def test_the_login_documents_its_limits_and_its_queue(document):
    """Attempts per client and failures per user and client (429), a full KDF queue (503),
    both with Retry-After; a body that came too slowly (408)."""
    login = document["paths"]["/api/v1/auth/token"]["post"]
    assert {"401", "408", "429", "503"} <= set(login["responses"])
    for status in ("429", "503"):
        assert "Retry-After" in login["responses"][status]["headers"]
    assert "每个客户端的登录尝试限流" in login["description"]


class TestStatusesFromTheServices:
    CALLS = [route for route in mount.declared() if route.rpc]

    @pytest.mark.parametrize("route", CALLS, ids=ids)
    def test_every_refusal_the_service_can_raise_is_documented(self, route):
        raised = refusals(route.service, route.rpc)
        assert raised <= set(route.statuses()), sorted(raised - set(route.statuses()))

    @pytest.mark.parametrize("route", CALLS, ids=ids)
    def test_no_declared_conflict_or_rule_is_invented(self, route):
        claimed = set(route.refuses) & {409, 422}
        assert claimed <= refusals(route.service, route.rpc)


class TestProposalChannels:
    MINIMAL = {
        "title": "社区卫生服务站改造",
        "description": "卫生服务站面积小，设备老旧。",
        "category": "医疗卫生",
        "area_code": "150622100",
        "location": {"text": "社区卫生服务站"},
    }

    @pytest.mark.parametrize("channel", [c for c in CHANNELS if c != "petition"])
    def test_the_documented_required_fields_are_what_the_schema_requires(self, channel):
        try:
            load(ProposalSubmit, {**self.MINIMAL, "channel": channel})
            missing = set()
        except ValidationFailed as refused:
            missing = set(refused.details)
        assert missing == set(REQUIRED_BY_CHANNEL.get(channel, ()))
        assert channel != PUBLIC_CHANNEL or not missing

    def test_the_schema_and_the_body_describe_them(self, document):
        schema = document["components"]["schemas"]["ProposalSubmit"]
        body = document["paths"]["/api/v1/proposals"]["post"]["requestBody"]
        for names in REQUIRED_BY_CHANNEL.values():
            for name in names:
                assert name in schema["description"] and name in body["description"]


class TestDeclaration:
    def test_every_entrypoint_of_the_gateway_is_a_declared_route_or_page(self):
        served = {
            (entrypoint.method.lower(), entrypoint.url, name)
            for name, member in inspect.getmembers(GatewayService)
            for entrypoint in getattr(member, "nameko_entrypoints", ())
            if isinstance(entrypoint, JsonHttpEntrypoint)
        }
        declared = {(r.method, r.rule, r.entrypoint) for r in mount.declared()}
        pages = {(p.methods.lower(), p.rule, p.name) for p in page_mount.declared()}
        assert served == declared | pages
        assert not any(page.rule.startswith("/api/") for page in page_mount.declared())

    def test_the_route_packages_are_core_and_the_routed_services(self):
        assert set(mount.parts()) == {"core", *registry.ROUTED}

    def test_routes_call_only_routed_services(self):
        called = {route.service for route in mount.declared() if route.rpc}
        assert called <= set(registry.ROUTED)

    def test_every_declared_role_exists_and_has_a_title(self):
        declared = {role for route in mount.declared() for role in route.roles or ()}
        assert declared <= set(ROLES)
        assert set(ROLE_TITLES) == set(ROLES)

    def test_a_route_with_roles_names_at_least_one(self):
        assert all(route.roles for route in mount.declared() if route.login)
