"""The petition service (信访代办): its dependencies and its entrypoints,
one mixin per part (`petition.entrypoints`). Started per level by
`python -m servicekit.runner petition`."""

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


class PetitionService(
    StatusEntrypoints,
    DeputyEntrypoints,
    MatterEntrypoints,
    SettingsEntrypoints,
    PostEntrypoints,
    DiaryEntrypoints,
    Open311Entrypoints,
):
    name = "petition"

    db = Database("petition")
    outbox = Outbox("petition")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()


SERVICE = PetitionService
LEVELED = True
