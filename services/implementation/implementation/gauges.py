"""The budget feed's backlog as Prometheus gauges, read from the database at scrape time (as
collection.gauges does): records pending and dead, and how long the oldest pending one has
waited, by the level of its project. Each worker process reports the levels it serves."""

import logging
from typing import Any

from servicekit import config
from servicekit.clock import as_utc, utcnow
from servicekit.db import make_engine
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import feed
from .metrics import FEED_OLDEST_PENDING, FEED_RECORDS

log = logging.getLogger(__name__)


class FeedBacklogCollector:
    def __init__(self, engine: Engine, levels: list[str]):
        self.engine, self.levels = engine, levels

    def describe(self) -> Any:
        # The names only: registering must not query a database that may not be up yet.
        yield FEED_RECORDS.new()
        yield FEED_OLDEST_PENDING.new()

    def collect(self) -> Any:
        try:
            with Session(self.engine) as session:
                backlog = feed.backlog_by_level(session)
        except Exception:  # a scrape must not fail because the database is briefly away
            log.warning("feed backlog unavailable", exc_info=True)
            return
        records, oldest, now = FEED_RECORDS.new(), FEED_OLDEST_PENDING.new(), utcnow()
        for level in self.levels:
            for state in ("pending", "dead"):
                records.add(level, backlog.get((level, state), (0, None))[0], state=state)
            first = backlog.get((level, "pending"), (0, None))[1]
            oldest.add(level, max((now - as_utc(first)).total_seconds(), 0.0) if first else 0.0)
        yield records
        yield oldest


def collectors() -> list[FeedBacklogCollector]:
    engine = make_engine(config.database_url("implementation"))
    return [FeedBacklogCollector(engine, list(config.worker_levels()))]
