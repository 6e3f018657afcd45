"""Stage-1 state as Prometheus gauges, read from the database at scrape time.

Counters say what happened in one process since it started; "how many rounds are open now" is
the database's state, so it is counted there, by level. Each worker process reports the levels
it serves; with several processes of one level, query `max by (level)`.
"""

import logging
from typing import Any

from servicekit import config
from servicekit.db import make_engine
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import lists
from .metrics import OPEN_ROUNDS

log = logging.getLogger(__name__)


class OpenRoundsCollector:
    def __init__(self, engine: Engine, levels: list[str]):
        self.engine, self.levels = engine, levels

    def describe(self) -> Any:
        # The family's name only, so registering the collector (servicekit.runner) reserves the
        # name on the registry without querying the database, which may not be up yet.
        yield OPEN_ROUNDS.new()

    def collect(self) -> Any:
        try:
            with Session(self.engine) as session:
                counts = lists.open_rounds_by_level(session)
        except Exception:  # a scrape must not fail because the database is briefly away
            log.warning("open rounds unavailable", exc_info=True)
            return
        family = OPEN_ROUNDS.new()
        for level in self.levels:
            family.add(level, counts.get(level, 0))
        yield family


def collectors() -> list[OpenRoundsCollector]:
    engine = make_engine(config.database_url("collection"))
    return [OpenRoundsCollector(engine, config.worker_levels())]
