"""Projects without a supervision group, by level, read from the database at scrape time
(a counter could not say how many are unassigned now). Each worker process reports the levels
it serves; with several processes of one level, query `max by (level)`."""

import logging
from typing import Any

from servicekit import config
from servicekit.db import make_engine
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import groups
from .metrics import PROJECTS_WITHOUT_GROUP

log = logging.getLogger(__name__)


class ProjectsWithoutGroupCollector:
    def __init__(self, engine: Engine, levels: list[str]):
        self.engine, self.levels = engine, levels

    def describe(self) -> Any:
        # The family's name only: registering must not query a database that may be down.
        yield PROJECTS_WITHOUT_GROUP.new()

    def collect(self) -> Any:
        try:
            with Session(self.engine) as session:
                counts = groups.projects_without_group(session)
        except Exception:  # a scrape must not fail because the database is briefly away
            log.warning("projects without a group unavailable", exc_info=True)
            return
        family = PROJECTS_WITHOUT_GROUP.new()
        for level in self.levels:
            family.add(level, counts.get(level, 0))
        yield family


def collectors() -> list[ProjectsWithoutGroupCollector]:
    engine = make_engine(config.database_url("supervision"))
    return [ProjectsWithoutGroupCollector(engine, config.worker_levels())]
