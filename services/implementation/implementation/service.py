"""The implementation service (政府办 · 实施): its dependencies and its entrypoints,
one mixin per part (`implementation.entrypoints`). Started per level by
`python -m servicekit.runner implementation`."""

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from .entrypoints.completion import CompletionEntrypoints
from .entrypoints.funds import FundsEntrypoints
from .entrypoints.problems import ProblemEntrypoints
from .entrypoints.projects import ProjectEntrypoints
from .entrypoints.settings import SettingsEntrypoints
from .entrypoints.status import StatusEntrypoints
from .entrypoints.treasury import TreasuryEntrypoints


class ImplementationService(
    StatusEntrypoints,
    ProjectEntrypoints,
    ProblemEntrypoints,
    SettingsEntrypoints,
    CompletionEntrypoints,
    FundsEntrypoints,
    TreasuryEntrypoints,
):
    name = "implementation"

    db = Database("implementation")
    outbox = Outbox("implementation")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()


SERVICE = ImplementationService
LEVELED = True
