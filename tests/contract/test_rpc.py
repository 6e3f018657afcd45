"""RPC names and the HTTP surface in contracts agree with the service classes."""

import importlib
import inspect
import re

import pytest
from contracts import registry
from contracts import rpc as contract
from gateway.service import GatewayService
from nameko.rpc import Rpc
from servicekit.http import JsonHttpEntrypoint

from gateway import openapi

UNDOCUMENTED = {("get", "/metrics"), ("get", "/api/v1/openapi.json")}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def entrypoints(service_cls, kind):
    for name, member in inspect.getmembers(service_cls):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, kind):
                yield name, entrypoint


def http_routes():
    """(method, OpenAPI path) of every @http route; '<string:code>' becomes '{code}'."""
    return {
        (entrypoint.method.lower(), re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", entrypoint.url))
        for _, entrypoint in entrypoints(GatewayService, JsonHttpEntrypoint)
    }


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


def rpc_class(name):
    """`<Name>Rpc` in contracts.rpc, or in the service's own contracts module."""
    class_name = f"{name.capitalize()}Rpc"
    for module_name in ("contracts.rpc", f"contracts.{name}"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, class_name):
            return getattr(module, class_name)
    pytest.fail(f"no {class_name} in contracts.rpc or contracts.{name}")


def service_class(name):
    return importlib.import_module(f"{name}.service").SERVICE


def contract_methods(name):
    return {value for key, value in vars(rpc_class(name)).items() if not key.startswith("_")}


def served(name):
    return {method for method, _ in entrypoints(service_class(name), Rpc)}


@pytest.mark.parametrize("name", registry.ROUTED)
class TestServiceRpc:
    """Every service the gateway routes to: its RPC class in contracts and its service class."""

    def test_contract_names_are_their_own_values(self, name):
        for key, value in vars(rpc_class(name)).items():
            if not key.startswith("_"):
                assert key == value

    def test_service_name_is_the_contract_name(self, name):
        assert service_class(name).name == getattr(contract, name.upper(), name) == name

    def test_every_contract_method_is_an_rpc_entrypoint(self, name):
        missing = contract_methods(name) - served(name)
        assert not missing, f"{name}: in the contract, not served: {sorted(missing)}"

    def test_every_rpc_entrypoint_is_in_the_contract(self, name):
        extra = served(name) - contract_methods(name)
        assert not extra, f"{name}: served, not in the contract: {sorted(extra)}"

    def test_method_names_are_verb_noun(self, name):
        for method in contract_methods(name):
            assert re.match(r"^[a-z]+_[a-z_]+$", method), method


@pytest.fixture(scope="module")
def document():
    return openapi.document()


class TestOpenApiDocument:
    def test_has_the_openapi_3_header(self, document):
        assert document["openapi"].startswith("3.")
        assert document["info"]["title"]
        assert document["info"]["version"]

    def test_every_route_is_a_path_with_its_method(self, document):
        for route in openapi.ROUTES:
            assert route.method in document["paths"][route.path], (route.method, route.path)

    def test_documents_nothing_beyond_the_routes(self, document):
        documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
        assert documented == {(route.method, route.path) for route in openapi.ROUTES}

    def test_operations_have_responses_and_valid_methods(self, document):
        for path, operations in document["paths"].items():
            assert path.startswith("/")
            for method, operation in operations.items():
                assert method in HTTP_METHODS
                assert operation["responses"], (method, path)
                for status in operation["responses"]:
                    assert re.match(r"^[1-5]\d\d$", status)

    def test_path_templates_are_declared_as_required_path_parameters(self, document):
        for path, operations in document["paths"].items():
            names = set(re.findall(r"{(\w+)}", path))
            for method, operation in operations.items():
                declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
                assert declared == names, (method, path)
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "path":
                        assert parameter["required"] is True

    def test_request_and_response_schemas_are_components(self, document):
        schemas = document["components"]["schemas"]
        for route in openapi.ROUTES:
            operation = document["paths"][route.path][route.method]
            if route.body is not None:
                assert route.body.__name__ in schemas
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert body == {"$ref": f"#/components/schemas/{route.body.__name__}"}
            if route.response is not None:
                assert route.response.__name__ in schemas
                assert str(route.status) in operation["responses"]

    def test_query_schemas_become_query_parameters(self, document):
        for route in openapi.ROUTES:
            if route.query is None:
                continue
            operation = document["paths"][route.path][route.method]
            names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
            assert names == set(route.query().fields), route.path

    def test_every_reference_resolves(self, document):
        schemas = document["components"]["schemas"]
        for ref in refs(document):
            assert ref.startswith("#/components/schemas/"), ref
            assert ref.rsplit("/", 1)[1] in schemas, ref

    def test_only_routes_that_honour_it_document_the_idempotency_key(self, document):
        for route in openapi.ROUTES:
            operation = document["paths"][route.path][route.method]
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == route.idempotent, route.path
        creates = {(r.method, r.path) for r in openapi.ROUTES if r.idempotent}
        assert ("post", "/api/v1/proposals") in creates
        assert ("post", "/api/v1/draft-lists/{draft_list_id}/freeze") not in creates

    def test_login_routes_use_a_declared_security_scheme(self, document):
        declared = set(document["components"]["securitySchemes"])
        for route in openapi.ROUTES:
            security = document["paths"][route.path][route.method].get("security")
            assert bool(security) == route.login, route.path
            for requirement in security or []:
                assert set(requirement) <= declared


class TestGatewayRoutes:
    def test_the_gateway_has_http_routes(self):
        assert len(http_routes()) > len(UNDOCUMENTED)

    def test_every_http_route_is_documented(self):
        documented = {(route.method, route.path) for route in openapi.ROUTES}
        missing = http_routes() - UNDOCUMENTED - documented
        assert not missing

    def test_every_documented_route_is_served(self):
        documented = {(route.method, route.path) for route in openapi.ROUTES}
        assert documented <= http_routes(), documented - http_routes()

    def test_the_operational_routes_exist(self):
        assert http_routes() >= UNDOCUMENTED
