"""Implementation's routes (政府办 · 实施):
declared once, found by gateway.table.mount."""

from contracts.implementation import IMPLEMENTATION, Status
from contracts.implementation import ImplementationRpc as Rpc
from contracts.reference import ROLES

from ...table import CallerArea
from ...table.route import routes_of

route = routes_of(IMPLEMENTATION, "implementation")

ROUTES = (
    route(
        "get",
        "/api/v1/implementation/status",
        Rpc.get_status,
        "政府办 · 实施服务状态 (implementation status)",
        roles=frozenset(ROLES),
        where=CallerArea(),
        response=Status,
    ),
)
