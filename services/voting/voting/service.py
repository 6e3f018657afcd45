"""The voting service (代表定): its dependencies and its entrypoints, one mixin per part of
stage 2 (`voting.entrypoints`). Each entrypoint loads its input, calls one use case and returns
the result.

Two databases: `db` is the session database (rules, rosters, sessions, the roll, the audit log,
the outbox) and `box` is the ballot box (`voting.box`), which never learns who voted.
Started per level by `python -m servicekit.runner voting` (WORKER_LEVEL=township|banner|city|all).
"""

from servicekit.auth import AuthContext
from servicekit.db import Database
from servicekit.logging import RequestContext
from servicekit.metrics import Metrics
from servicekit.relay import Outbox

from .entrypoints.ballots import BallotEntrypoints
from .entrypoints.results import ResultEntrypoints
from .entrypoints.sessions import SessionEntrypoints
from .entrypoints.setup import SetupEntrypoints


class VotingService(SetupEntrypoints, SessionEntrypoints, BallotEntrypoints, ResultEntrypoints):
    name = "voting"

    db = Database("voting")
    box = Database("voting_ballots")
    outbox = Outbox("voting")
    auth = AuthContext()
    metrics = Metrics()
    request = RequestContext()


SERVICE = VotingService
LEVELED = True
