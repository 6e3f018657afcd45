"""The implementation service (政府办 · 实施): its dependencies and its entrypoints,
one mixin per part (`implementation.entrypoints`). Started per level by
`python -m servicekit.runner implementation`."""

from typing import Any

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from . import gauges
from .entrypoints.completion import CompletionEntrypoints
from .entrypoints.feed import FeedEntrypoints
from .entrypoints.funds import FundsEntrypoints
from .entrypoints.problems import ProblemEntrypoints
from .entrypoints.projects import ProjectEntrypoints
from .entrypoints.settings import SettingsEntrypoints
from .entrypoints.status import StatusEntrypoints
from .entrypoints.treasury import TreasuryEntrypoints
from .feed_endpoint import FeedEndpoint, endpoint_from


class ImplementationService(
    StatusEntrypoints,
    ProjectEntrypoints,
    ProblemEntrypoints,
    SettingsEntrypoints,
    CompletionEntrypoints,
    FundsEntrypoints,
    TreasuryEntrypoints,
    FeedEntrypoints,
):
    name = "implementation"

    db = Database("implementation")
    outbox = Outbox("implementation")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()
    feed = FeedEndpoint()  # the budget online supervision system's receiver (BUDGET_FEED_URL)


SERVICE = ImplementationService
LEVELED = True
collectors = gauges.collectors  # scrape-time gauges of the feed's backlog (servicekit.runner)


def configure(nameko_config: dict[str, Any]) -> dict[str, Any]:
    """The runner calls this before anything starts: a feed URL without its secret, plain http
    to another host or an unreadable CA file refuses the start here, in one line."""
    endpoint_from()
    return nameko_config
