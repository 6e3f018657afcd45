"""Stage-1 state as Prometheus gauges, read from the database at scrape time.

Counters say what happened in one process since it started; "how many rounds are open now" is
the database's state, so it is counted there, by level. Each worker process reports the levels
it serves; with several processes of one level, query `max by (level)`.
"""

import logging
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from servicekit import config
from servicekit.db import make_engine
from servicekit.metrics import NAMESPACE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import lists

log = logging.getLogger(__name__)


class OpenRoundsCollector:
    def __init__(self, engine: Engine, levels: list[str]):
        self.engine, self.levels = engine, levels

    def collect(self) -> Any:
        family = GaugeMetricFamily(
            f"{NAMESPACE}_open_rounds",
            "三上三下 rounds sent down for comment and not yet brought back up.",
            labels=["service", "level"],
        )
        try:
            with Session(self.engine) as session:
                counts = lists.open_rounds_by_level(session)
        except Exception:  # a scrape must not fail because the database is briefly away
            log.warning("open rounds unavailable", exc_info=True)
            return
        for level in self.levels:
            family.add_metric(["collection", level], counts.get(level, 0))
        yield family


def collectors() -> list[OpenRoundsCollector]:
    engine = make_engine(config.database_url("collection"))
    return [OpenRoundsCollector(engine, config.worker_levels())]
