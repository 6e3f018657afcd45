"""The supervision service (人大评 · 监督): its dependencies and its entrypoints,
one mixin per part (`supervision.entrypoints`). Started per level by
`python -m servicekit.runner supervision`."""

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from .entrypoints.evaluation import EvaluationEntrypoints
from .entrypoints.files import FileEntrypoints
from .entrypoints.satisfaction import SatisfactionEntrypoints
from .entrypoints.status import StatusEntrypoints


class SupervisionService(
    StatusEntrypoints,
    FileEntrypoints,
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
