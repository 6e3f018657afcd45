"""Which refusals a service's RPC method can end in, read from the service's source.

A name-based call graph over every function of the service package (entrypoints, use cases,
domain, errors): a function refuses with the kinds it constructs (`Conflict(...)`, the error
helpers that build one) and with those of every function it calls by a name defined in the
package. Calls by name merge functions of the same name, so this over-approximates a little;
that is the safe side for documentation: the gateway then documents a status the code has a
path to. tests/contract/test_openapi.py compares it with the route declarations.
"""

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"NotFound": 404, "Conflict": 409, "RuleViolation": 422}
# servicekit helpers that refuse on the service's behalf.
# servicekit.workcalendar.put_year commits the override table with commit_or_conflict;
# servicekit.errors.rule / conflict build a RuleViolation / Conflict (each service's errors
# module re-exports them).
HELPERS = {
    "create_once": {409},
    "commit_or_conflict": {409},
    "put_year": {409},
    "rule": {422},
    "conflict": {409},
}


def _called_names(call: ast.Call) -> list[str]:
    targets = (
        [call.func.body, call.func.orelse] if isinstance(call.func, ast.IfExp) else [call.func]
    )
    names = []
    for target in targets:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Attribute):
            names.append(target.attr)
    return names


@cache
def _graph(service: str) -> dict[str, tuple[set[int], set[str]]]:
    """Function name -> (statuses it constructs, names it calls)."""
    graph: dict[str, tuple[set[int], set[str]]] = defaultdict(lambda: (set(), set()))
    package = ROOT / "services" / service / service
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            statuses, calls = graph[node.name]
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                for name in _called_names(call):
                    if name in KINDS:
                        statuses.add(KINDS[name])
                    statuses |= HELPERS.get(name, set())
                    calls.add(name)
    return dict(graph)


def refusals(service: str, method: str) -> frozenset[int]:
    """The statuses of KINDS and HELPERS reachable from `method`."""
    graph, found, seen, todo = _graph(service), set(), set(), [method]
    while todo:
        name = todo.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        statuses, calls = graph[name]
        found |= statuses
        todo.extend(calls)
    return frozenset(found)
