"""import-linter contract types for rules that name no service (pyproject.toml,
[tool.importlinter] contract_types), so a new service is covered the day it is registered.

`StandardLibraryOnly`: a forbidden contract lists what may not be imported, so a new dependency
slips through; this one lists what may be: the standard library, the package itself and the
few pure kit modules named in `allowed_modules` (each checked standard-library only too).
Checking every module of the package directly also covers indirect imports, since nothing else
is reachable. `RegisteredLayers` and `RegisteredIndependence` are the built-in contracts with
their module lists taken from contracts.registry.
"""

import sys

from contracts import registry
from importlinter import Contract, ContractCheck, fields, output
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.helpers import module_expressions_to_modules
from importlinter.domain.imports import ModuleExpression


class StandardLibraryOnly(Contract):
    """Options: `source_modules` (module expressions; wildcards allowed, e.g. `*.domain`);
    `allowed_modules`: pure modules they may import besides (servicekit.push)."""

    source_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose):  # type: ignore[no-untyped-def]
        packages = module_expressions_to_modules(graph, self.source_modules)  # type: ignore[arg-type]
        offending = []
        allowed = set(getattr(self, "allowed_modules", None) or ())
        for package in sorted(packages, key=lambda module: module.name):
            members = {package.name, *graph.find_descendants(package.name)}
            for module in sorted(members):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    top = imported.split(".")[0]
                    known = imported in members or imported in allowed
                    if top not in sys.stdlib_module_names and not known:
                        offending.append((package.name, module, imported))
        return ContractCheck(
            kept=not offending, warnings=[], metadata={"offending": offending, "found": packages}
        )

    def render_broken_contract(self, check):  # type: ignore[no-untyped-def]
        for package, module, imported in check.metadata["offending"]:
            output.print_error(f"{module} imports {imported} ({package}: standard library only)")
            output.new_line()


def _registered(leveled_only: bool = False) -> set[ModuleExpression]:
    return {
        ModuleExpression(service.name)
        for service in registry.SERVICES
        if service.leveled or not leveled_only
    }


class RegisteredLayers(LayersContract):
    """The built-in layers contract, its containers every registered service with workers: a
    wildcard container ("*") would also match the third-party packages in the graph."""

    containers = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph, verbose):  # type: ignore[no-untyped-def]
        self.containers = sorted(_registered(leveled_only=True), key=str)
        return super().check(graph, verbose)


class RegisteredIndependence(IndependenceContract):
    """The built-in independence contract over every registered process (services and the
    gateway): none imports another; only contracts cross."""

    modules = fields.SetField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph, verbose):  # type: ignore[no-untyped-def]
        self.modules = _registered()
        return super().check(graph, verbose)
