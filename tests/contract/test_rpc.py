"""RPC names in contracts agree with the service classes (the HTTP surface and its OpenAPI
document: tests/contract/test_openapi.py)."""

import importlib
import inspect
import re

import pytest
from contracts import registry
from contracts import rpc as contract
from nameko.rpc import Rpc


def entrypoints(service_cls, kind):
    for name, member in inspect.getmembers(service_cls):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, kind):
                yield name, entrypoint


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


def public_names(cls):
    """The class's names and its bases' (implementation's money methods are a base class)."""
    return {key: getattr(cls, key) for key in dir(cls) if not key.startswith("_")}


def contract_methods(name):
    return set(public_names(rpc_class(name)).values())


def served(name):
    return {method for method, _ in entrypoints(service_class(name), Rpc)}


@pytest.mark.parametrize("name", registry.ROUTED)
class TestServiceRpc:
    """Every service the gateway routes to: its RPC class in contracts and its service class."""

    def test_contract_names_are_their_own_values(self, name):
        for key, value in public_names(rpc_class(name)).items():
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
