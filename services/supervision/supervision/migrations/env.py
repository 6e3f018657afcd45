from servicekit.alembic_env import run
from supervision.db import (  # noqa: F401  (registers the tables on Base.metadata)
    Base,
    groups_models,
    inspections_models,
    models,
    public_models,
)

run(Base.metadata)
