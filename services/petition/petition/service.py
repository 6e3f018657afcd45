"""The petition service (信访代办): its dependencies and its entrypoints,
one mixin per part (`petition.entrypoints`). Started per level by
`python -m servicekit.runner petition`."""

from typing import Any

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from .entrypoints.deputies import DeputyEntrypoints
from .entrypoints.diary import DiaryEntrypoints
from .entrypoints.matters import MatterEntrypoints
from .entrypoints.open311 import Open311Entrypoints
from .entrypoints.posts import PostEntrypoints
from .entrypoints.settings import SettingsEntrypoints
from .entrypoints.status import StatusEntrypoints
from .entrypoints.work_orders import WorkOrderEntrypoints
from .hotline import Hotline, link_from


class PetitionService(
    StatusEntrypoints,
    DeputyEntrypoints,
    MatterEntrypoints,
    SettingsEntrypoints,
    PostEntrypoints,
    DiaryEntrypoints,
    Open311Entrypoints,
    WorkOrderEntrypoints,
):
    name = "petition"

    db = Database("petition")
    outbox = Outbox("petition")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()
    hotline = Hotline()  # 12345: the webhook's secret, the findings' endpoint (PETITION_HOTLINE_*)


SERVICE = PetitionService
LEVELED = True


def configure(nameko_config: dict[str, Any]) -> dict[str, Any]:
    """The runner calls this before anything starts: a hotline setting not to run with (a URL
    without its secret, a short secret, plain http to another host) refuses the start here."""
    link_from()
    return nameko_config
