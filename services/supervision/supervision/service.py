"""The supervision service (人大评 · 监督): its dependencies and its entrypoints,
one mixin per part (`supervision.entrypoints`). Started per level by
`python -m servicekit.runner supervision`."""

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from . import groups_gauges
from .entrypoints.checkpoints import CheckpointEntrypoints
from .entrypoints.evaluation import EvaluationEntrypoints
from .entrypoints.feedback import FeedbackEntrypoints
from .entrypoints.file_events import FileEventEntrypoints
from .entrypoints.files import FileEntrypoints
from .entrypoints.groups import GroupEntrypoints
from .entrypoints.inspections import InspectionEntrypoints
from .entrypoints.public_codes import PublicCodeEntrypoints
from .entrypoints.rectifications import RectificationEntrypoints
from .entrypoints.satisfaction import SatisfactionEntrypoints
from .entrypoints.social import SocialSupervisionEntrypoints
from .entrypoints.status import StatusEntrypoints


class SupervisionService(
    StatusEntrypoints,
    FileEntrypoints,
    CheckpointEntrypoints,
    GroupEntrypoints,
    FileEventEntrypoints,
    PublicCodeEntrypoints,
    FeedbackEntrypoints,
    SocialSupervisionEntrypoints,
    InspectionEntrypoints,
    RectificationEntrypoints,
    EvaluationEntrypoints,
    SatisfactionEntrypoints,
):
    name = "supervision"

    db = Database("supervision")
    outbox = Outbox("supervision")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()


SERVICE = SupervisionService
LEVELED = True
collectors = groups_gauges.collectors  # scrape-time gauges of the database's state (runner)
