"""The collection service (群众提): its dependencies and its entrypoints, one mixin per part of
stage 1 (`collection.entrypoints`). Each entrypoint loads its input, calls one use case and
returns the result.

Started per level by `python -m servicekit.runner collection` (WORKER_LEVEL=township|banner|
city|all); the runner names each container `collection_<level>`.
"""

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from . import gauges
from .entrypoints.intake import IntakeEntrypoints
from .entrypoints.lists import ListEntrypoints
from .entrypoints.reports import ReportEntrypoints
from .entrypoints.screening import ScreeningEntrypoints
from .storage import AttachmentStorage


class CollectionService(
    IntakeEntrypoints, ReportEntrypoints, ListEntrypoints, ScreeningEntrypoints
):
    name = "collection"

    db = Database("collection")
    outbox = Outbox("collection")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()
    storage = AttachmentStorage()


SERVICE = CollectionService
LEVELED = True
collectors = gauges.collectors  # scrape-time gauges of the database's state (servicekit.runner)
