from servicekit.alembic_env import run
from supervision.db import (
    Base,
    models,  # noqa: F401  (registers the tables on Base.metadata)
)

run(Base.metadata)
