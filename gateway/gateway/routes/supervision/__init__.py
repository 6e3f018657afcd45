"""Supervision's routes (人大评 · 监督):
declared once, found by gateway.table.mount."""

from contracts.reference import ROLES
from contracts.supervision import SUPERVISION, SupervisionStatus
from contracts.supervision import SupervisionRpc as Rpc

from ...table import CallerArea
from ...table.route import routes_of
from . import checkpoints, evaluation, groups, inspections, public

route = routes_of(SUPERVISION, "supervision")

ROUTES = (
    route(
        "get",
        "/api/v1/supervision/status",
        Rpc.get_status,
        "人大评 · 监督服务状态 (supervision status)",
        name="get_supervision_status",  # entrypoint names are unique across services
        roles=frozenset(ROLES),
        where=CallerArea(),
        response=SupervisionStatus,
    ),
    *checkpoints.ROUTES,
)
ROUTES += public.ROUTES
ROUTES += groups.ROUTES
ROUTES += inspections.ROUTES
ROUTES += evaluation.ROUTES
