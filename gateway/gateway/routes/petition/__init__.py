"""Petition's routes (信访代办):
declared once, found by gateway.table.mount."""

from contracts.petition import PETITION, PetitionStatus
from contracts.petition import PetitionRpc as Rpc
from contracts.reference import ROLES

from ...table import CallerArea
from ...table.route import routes_of

route = routes_of(PETITION, "petition")

ROUTES = (
    route(
        "get",
        "/api/v1/petition/status",
        Rpc.get_status,
        "信访代办服务状态 (petition status)",
        name="get_petition_status",  # entrypoint names are unique across services
        roles=frozenset(ROLES),
        where=CallerArea(),
        response=PetitionStatus,
    ),
)
